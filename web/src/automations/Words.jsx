// Automations for people: addresses become device and property names, values get their units,
// and a definition's triggers, conditions and actions read as sentences.
import { eventLabel, label } from '../capabilities.js';
import { duration, formatValue } from '../format.js';
import { pieces, t, tn } from '../i18n.js';
import { state } from '../store.js';

/** What an address (device/service/property or action) is called, or null if unknown. */
export function resolve(address) {
  const [id, service, key] = String(address).split('/');
  const device = state.devices.get(id);
  if (!device) return null;
  const prop = device.byName.get(`${service}/${key}`);
  if (prop) return { device, prop, text: `${device.name} · ${label(prop)}` };
  const action = device.actions.find((a) => a.service.key === service && a.key === key);
  const name = action ? t(action.description || action.key) : key?.replace(/-/g, ' ') || '';
  return { device, action, text: name ? `${device.name} · ${name}` : device.name };
}

/** A value as the property shows it elsewhere ("Open", "230 lx", "60%"). */
export function shown(address, value) {
  const prop = resolve(address)?.prop;
  // A value-list entry may be given by its description ("Stopped"): worded as the list's are.
  if (prop?.choices && typeof value === 'string') return t(value);
  if (prop) return formatValue(prop, value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function Ref({ address }) {
  const found = resolve(address);
  return (
    <span class="ref" title={address}>
      {found ? found.text : address}
    </span>
  );
}

const deviceName = (id) => state.devices.get(id)?.name ?? id;

/** What a device's event is called, from its spec ("cleaning-finished" → "Cleaning Finished"). */
function eventName(id, key) {
  const services = state.devices.get(id)?.services ?? [];
  const event = services.flatMap((s) => s.events).find((e) => e.key === key);
  return event ? eventLabel(event) : key.replace(/-/g, ' ');
}

let known = null;
let pattern = null;

/** Backticked names, addresses and device ids in the hub's sentences. */
function tokens() {
  if (known !== state.devices) {
    known = state.devices;
    const ids = [...state.devices.keys()]
      .sort((a, b) => b.length - a.length)
      .map((id) => id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const devices = ids.length ? `|(?<![\\w/-])(?:${ids.join('|')})(?![\\w/-])` : '';
    pattern = new RegExp(`\`([^\`]+)\`|[a-z0-9][a-z0-9-]*/[a-z0-9-]+/[a-z0-9-]+${devices}`, 'g');
  }
  pattern.lastIndex = 0;
  return pattern;
}

/** One of the hub's sentences, with names instead of addresses. */
export function Sentence({ text }) {
  if (!text) return null;
  const out = [];
  const re = tokens();
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(<q class="tag">{m[1]}</q>);
    else if (m[0].includes('/')) out.push(<Ref address={m[0]} />);
    else out.push(<span class="ref">{deviceName(m[0])}</span>);
    last = m.index + m[0].length;
  }
  out.push(text.slice(last));
  return <>{out}</>;
}

/** Values a condition or trigger saw, as chips. */
export function Seen({ seen }) {
  const entries = Object.entries(seen ?? {});
  if (entries.length === 0) return null;
  return (
    <ul class="seen" aria-label={t('Values seen')}>
      {entries.map(([address, value]) => (
        <li key={address}>
          <Ref address={address} /> <b>{value === null ? t('unknown') : shown(address, value)}</b>
        </li>
      ))}
    </ul>
  );
}

// --- definitions as sentences -------------------------------------------------------------
const DAYS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const days = (list) =>
  list?.length ? ` ${t('on {days}', { days: list.map((d) => t(DAYS[d] ?? d)).join(', ') })}` : '';
const For = ({ s }) => (s ? <> {t('and stays so for {time}', { time: duration(s) })}</> : null);
const Value = ({ address, value }) => <b>{shown(address, value)}</b>;

/** `thing` above, below or between values, in one of the sentences `keys` [above, below,
 * between] ("{thing} rises above {value}"). */
function range(item, thing, keys) {
  const { address, above, below } = item;
  const value = (v) => <Value address={address} value={v} />;
  if (above !== undefined && below !== undefined) {
    return pieces(keys[2], { thing, low: value(above), high: value(below) });
  }
  return above !== undefined
    ? pieces(keys[0], { thing, value: value(above) })
    : pieces(keys[1], { thing, value: value(below) });
}

const SUN = { sunrise: 'sunrise', sunset: 'sunset', dawn: 'dawn', dusk: 'dusk', noon: 'noon' };

function sunText(event, offset) {
  const named = SUN[event] ? t(SUN[event]) : event;
  if (!offset) return named;
  const vars = { time: duration(Math.abs(offset)), event: named };
  return offset < 0 ? t('{time} before {event}', vars) : t('{time} after {event}', vars);
}

export function TriggerText({ t: trigger }) {
  switch (trigger.type) {
    case 'property': {
      const vars = {
        thing: <Ref address={trigger.address} />,
        value: <Value address={trigger.address} value={trigger.to} />,
        old: <Value address={trigger.address} value={trigger.from} />,
      };
      const key =
        'to' in trigger
          ? 'from' in trigger
            ? '{thing} changes from {old} to {value}'
            : '{thing} changes to {value}'
          : 'from' in trigger
            ? '{thing} changes from {old}'
            : '{thing} changes';
      return (
        <>
          {pieces(key, vars)}
          <For s={trigger.for} />
        </>
      );
    }
    case 'numeric':
      return (
        <>
          {range(trigger, <Ref address={trigger.address} />, [
            '{thing} rises above {value}',
            '{thing} drops below {value}',
            '{thing} goes between {low} and {high}',
          ])}
          <For s={trigger.for} />
        </>
      );
    case 'event':
      return pieces('{device} reports {event}', {
        device: <span class="ref">{deviceName(trigger.device)}</span>,
        event: <b>{eventName(trigger.device, trigger.event)}</b>,
      });
    case 'time':
      return (
        <>
          {pieces('At {time}', { time: <b>{trigger.at}</b> })}
          {days(trigger.weekdays)}
        </>
      );
    case 'calendar':
      return pieces('On the schedule {cron}', { cron: <code>{trigger.cron}</code> });
    case 'sun':
      return pieces('At {time}', { time: <b>{sunText(trigger.event, trigger.offset)}</b> });
    case 'start':
      return <>{t('When the hub starts')}</>;
    default:
      return <code>{trigger.type}</code>;
  }
}

function between(after, before) {
  if (after && before) return t('It is between {after} and {before}', { after, before });
  return after ? t('It is after {time}', { time: after }) : t('It is before {time}', { time: before });
}

const GROUPS = { and: 'All of these hold', or: 'Any of these holds', not: 'None of these holds' };

export function ConditionText({ c }) {
  let body;
  switch (c.type) {
    case 'state':
      body = pieces('{thing} is {value}', {
        thing: <Ref address={c.address} />,
        value: <Value address={c.address} value={c.value} />,
      });
      break;
    case 'numeric':
      body = range(c, <Ref address={c.address} />, [
        '{thing} is above {value}',
        '{thing} is below {value}',
        '{thing} is between {low} and {high}',
      ]);
      break;
    case 'time':
      body = c.after || c.before ? `${between(c.after, c.before)}${days(c.weekdays)}` : t('It is') + days(c.weekdays);
      break;
    case 'weekday':
      body = t('It is') + days(c.days);
      break;
    case 'sun':
      body = between(
        c.after && sunText(c.after, c.after_offset),
        c.before && sunText(c.before, c.before_offset),
      );
      break;
    case 'and':
    case 'or':
    case 'not':
      body = (
        <>
          {t(GROUPS[c.type])}:
          <ul class="flow-list nested">
            {c.conditions.map((child, i) => (
              <li key={i}>
                <ConditionText c={child} />
              </li>
            ))}
          </ul>
        </>
      );
      break;
    default:
      body = <code>{c.type}</code>;
  }
  return (
    <>
      {c.name && <q class="tag">{c.name}</q>} {body}
    </>
  );
}

function writesOf(a) {
  const values = a.values && Object.keys(a.values).length ? a.values : { [a.address]: a.value };
  const byDevice = new Map();
  for (const [address, value] of Object.entries(values)) {
    const id = address.split('/')[0];
    if (!byDevice.has(id)) byDevice.set(id, []);
    byDevice.get(id).push([address, value]);
  }
  return [...byDevice];
}

function Actions({ list }) {
  return (
    <ol class="flow-list nested">
      {list.map((a, i) => (
        <li key={i}>
          <ActionText a={a} />
        </li>
      ))}
    </ol>
  );
}

export function ActionText({ a, scenes }) {
  let body;
  switch (a.type) {
    case 'set':
      body = writesOf(a).map(([id, writes]) => (
        <span class="set-line" key={id}>
          {pieces('Set {device}:', { device: <span class="ref">{deviceName(id)}</span> })}{' '}
          {writes.map(([address, value], i) => (
            <span key={address}>
              {i > 0 && ', '}
              {resolve(address)?.prop
                ? label(resolve(address).prop)
                : address.split('/').pop()}{' '}
              <Value address={address} value={value} />
            </span>
          ))}
        </span>
      ));
      break;
    case 'do': {
      const device = state.devices.get(a.device);
      const action = device?.actions.find(
        (x) => x.key === a.action || `${x.service.key}/${x.key}` === a.action,
      );
      body = (
        <>
          <span class="ref">
            {deviceName(a.device)} · {action ? t(action.description || action.key) : a.action.replace(/-/g, ' ')}
          </span>
          {a.args?.length ? ` (${a.args.join(', ')})` : ''}
        </>
      );
      break;
    }
    case 'scene':
      body = pieces('Apply the scene {scene}', { scene: <b>{scenes?.get(a.scene) ?? a.scene}</b> });
      break;
    case 'delay':
      body = t('Wait {time}', { time: duration(a.duration) });
      break;
    case 'wait': {
      const until = a.triggers.map((trigger, i) => (
        <span key={i}>
          {i > 0 && ` ${t('or')} `}
          <TriggerText t={trigger} />
        </span>
      ));
      const most = { time: duration(a.timeout ?? 0) };
      body = (
        <>
          {pieces('Wait until {what}', { what: until })}
          {a.timeout ? ' ' : ''}
          {a.timeout && a.continue_on_timeout === false && t('(at most {time}, else stop)', most)}
          {a.timeout && a.continue_on_timeout !== false && t('(at most {time})', most)}
        </>
      );
      break;
    }
    case 'choose':
      body = (
        <>
          {a.choices.map((choice, i) => (
            <div class="branch" key={i}>
              <b>{i === 0 ? t('If') : t('Else if')}</b>{' '}
              {choice.when.map((c, j) => (
                <span key={j}>
                  {j > 0 && ` ${t('and')} `}
                  <ConditionText c={c} />
                </span>
              ))}
              <Actions list={choice.then} />
            </div>
          ))}
          {a.otherwise?.length > 0 && (
            <div class="branch">
              <b>{t('Otherwise')}</b>
              <Actions list={a.otherwise} />
            </div>
          )}
        </>
      );
      break;
    case 'repeat': {
      const until = a.while ?? a.until;
      const conditions = (until ?? []).map((c, j) => (
        <span key={j}>
          {j > 0 && ` ${t('and')} `}
          <ConditionText c={c} />
        </span>
      ));
      body = (
        <>
          {a.count
            ? tn(a.count, 'Repeat {n} time', 'Repeat {n} times')
            : pieces(a.while ? 'Repeat while {conditions}' : 'Repeat until {conditions}', {
                conditions,
              })}
          <Actions list={a.actions} />
        </>
      );
      break;
    }
    case 'notify':
      body = (
        <>
          {a.level === 'warning' ? t('Warn') : t('Notify')}
          {a.title ? ` (${a.title})` : ''}: <q>{a.message}</q>
        </>
      );
      break;
    default:
      body = <code>{a.type}</code>;
  }
  return (
    <>
      {a.name && <q class="tag">{a.name}</q>} {body}
      {a.continue_on_error && <small class="muted"> · {t('goes on if it fails')}</small>}
    </>
  );
}
