// Automations for people: addresses become device and property names, values get their units,
// and a definition's triggers, conditions and actions read as sentences.
import { label } from '../capabilities.js';
import { duration, formatValue } from '../format.js';
import { state } from '../store.js';

/** What an address (device/service/property or action) is called, or null if unknown. */
export function resolve(address) {
  const [id, service, key] = String(address).split('/');
  const device = state.devices.get(id);
  if (!device) return null;
  const prop = device.byName.get(`${service}/${key}`);
  if (prop) return { device, prop, text: `${device.name} · ${label(prop)}` };
  const action = device.actions.find((a) => a.service.key === service && a.key === key);
  const name = action?.description || key?.replace(/-/g, ' ') || '';
  return { device, action, text: name ? `${device.name} · ${name}` : device.name };
}

/** A value as the property shows it elsewhere ("Open", "230 lx", "60%"). */
export function shown(address, value) {
  const prop = resolve(address)?.prop;
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
    <ul class="seen" aria-label="Values seen">
      {entries.map(([address, value]) => (
        <li key={address}>
          <Ref address={address} /> <b>{value === null ? 'unknown' : shown(address, value)}</b>
        </li>
      ))}
    </ul>
  );
}

// --- definitions as sentences -------------------------------------------------------------
const DAYS = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const days = (list) => (list?.length ? ` on ${list.map((d) => DAYS[d] ?? d).join(', ')}` : '');
const For = ({ s }) => (s ? <> and stays so for {duration(s)}</> : null);
const Value = ({ address, value }) => <b>{shown(address, value)}</b>;

function range(item, verbs) {
  const { address, above, below } = item;
  if (above !== undefined && below !== undefined) {
    return (
      <>
        {verbs[2]} <Value address={address} value={above} /> and{' '}
        <Value address={address} value={below} />
      </>
    );
  }
  return above !== undefined ? (
    <>
      {verbs[0]} <Value address={address} value={above} />
    </>
  ) : (
    <>
      {verbs[1]} <Value address={address} value={below} />
    </>
  );
}

function sunText(event, offset) {
  if (!offset) return event;
  return `${duration(Math.abs(offset))} ${offset < 0 ? 'before' : 'after'} ${event}`;
}

export function TriggerText({ t }) {
  switch (t.type) {
    case 'property':
      return (
        <>
          <Ref address={t.address} /> {'to' in t ? 'changes to ' : 'changes'}
          {'to' in t && <Value address={t.address} value={t.to} />}
          {'from' in t && (
            <>
              {' '}
              from <Value address={t.address} value={t.from} />
            </>
          )}
          <For s={t.for} />
        </>
      );
    case 'numeric':
      return (
        <>
          <Ref address={t.address} /> {range(t, ['rises above', 'drops below', 'goes between'])}
          <For s={t.for} />
        </>
      );
    case 'event':
      return (
        <>
          <span class="ref">{deviceName(t.device)}</span> reports{' '}
          <b>{t.event.replace(/-/g, ' ')}</b>
        </>
      );
    case 'time':
      return (
        <>
          At <b>{t.at}</b>
          {days(t.weekdays)}
        </>
      );
    case 'calendar':
      return (
        <>
          On the schedule <code>{t.cron}</code>
        </>
      );
    case 'sun':
      return (
        <>
          At <b>{sunText(t.event, t.offset)}</b>
        </>
      );
    case 'start':
      return <>When the hub starts</>;
    default:
      return <code>{t.type}</code>;
  }
}

function between(after, before) {
  if (after && before) return `between ${after} and ${before}`;
  return after ? `after ${after}` : `before ${before}`;
}

const GROUPS = { and: 'All of these hold', or: 'Any of these holds', not: 'None of these holds' };

export function ConditionText({ c }) {
  let body;
  switch (c.type) {
    case 'state':
      body = (
        <>
          <Ref address={c.address} /> is <Value address={c.address} value={c.value} />
        </>
      );
      break;
    case 'numeric':
      body = (
        <>
          <Ref address={c.address} /> is {range(c, ['above', 'below', 'between'])}
        </>
      );
      break;
    case 'time':
      body = `${c.after || c.before ? `It is ${between(c.after, c.before)}` : 'It is'}${days(c.weekdays)}`;
      break;
    case 'weekday':
      body = `It is${days(c.days)}`;
      break;
    case 'sun':
      body = `It is ${between(
        c.after && sunText(c.after, c.after_offset),
        c.before && sunText(c.before, c.before_offset),
      )}`;
      break;
    case 'and':
    case 'or':
    case 'not':
      body = (
        <>
          {GROUPS[c.type]}:
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
          Set <span class="ref">{deviceName(id)}</span>:{' '}
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
            {deviceName(a.device)} · {action?.description || a.action.replace(/-/g, ' ')}
          </span>
          {a.args?.length ? ` (${a.args.join(', ')})` : ''}
        </>
      );
      break;
    }
    case 'scene':
      body = (
        <>
          Apply the scene <b>{scenes?.get(a.scene) ?? a.scene}</b>
        </>
      );
      break;
    case 'delay':
      body = `Wait ${duration(a.duration)}`;
      break;
    case 'wait':
      body = (
        <>
          Wait until{' '}
          {a.triggers.map((t, i) => (
            <span key={i}>
              {i > 0 && ' or '}
              <TriggerText t={t} />
            </span>
          ))}
          {a.timeout
            ? ` (at most ${duration(a.timeout)}${a.continue_on_timeout === false ? ', else stop' : ''})`
            : ''}
        </>
      );
      break;
    case 'choose':
      body = (
        <>
          {a.choices.map((choice, i) => (
            <div class="branch" key={i}>
              <b>{i === 0 ? 'If' : 'Else if'}</b>{' '}
              {choice.when.map((c, j) => (
                <span key={j}>
                  {j > 0 && ' and '}
                  <ConditionText c={c} />
                </span>
              ))}
              <Actions list={choice.then} />
            </div>
          ))}
          {a.otherwise?.length > 0 && (
            <div class="branch">
              <b>Otherwise</b>
              <Actions list={a.otherwise} />
            </div>
          )}
        </>
      );
      break;
    case 'repeat': {
      const until = a.while ?? a.until;
      body = (
        <>
          Repeat{' '}
          {a.count
            ? `${a.count} times`
            : until.map((c, j) => (
                <span key={j}>
                  {j === 0 ? (a.while ? 'while ' : 'until ') : ' and '}
                  <ConditionText c={c} />
                </span>
              ))}
          <Actions list={a.actions} />
        </>
      );
      break;
    }
    case 'notify':
      body = (
        <>
          {a.level === 'warning' ? 'Warn' : 'Notify'}
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
      {a.continue_on_error && <small class="muted"> · goes on if it fails</small>}
    </>
  );
}
