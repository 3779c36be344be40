// A device as a card: icon, name, status, power switch, the controls its spec asks for,
// readings with units, and action buttons. Greyed out with the reason when unavailable.
import {
  ALWAYS_SAID,
  alarms,
  cardModel,
  deviceIcon,
  DEVICE_TINTS,
  isActive,
  known,
  label,
  lightMode,
  NOT_IN_STATUS,
  shortName,
  STATUS_TEXT,
} from '../capabilities.js';
import { clock, formatValue, kelvinHex, toHex } from '../format.js';
import { useCommand, useDevice, useStore } from '../hooks.js';
import { Icon, Spinner } from '../icons.jsx';
import { devicePath, Link } from '../router.jsx';
import { stale, state, usable } from '../store.js';
import { runAction } from './commands.js';
import {
  ChoiceButtons,
  ChoiceSelect,
  ColorPicker,
  CommandError,
  LightTone,
  Position,
  PowerSwitch,
  Setpoint,
  Slider,
  ToggleButton,
} from './controls.jsx';
import { t } from '../i18n.js';

const CONTROL_VIEWS = {
  slider: Slider,
  color: ColorPicker,
  setpoint: Setpoint,
  position: Position,
  buttons: ChoiceButtons,
  mute: ToggleButton,
  toggle: ToggleButton,
  select: ChoiceSelect,
};

export function statusText(device) {
  if (!device.available) return t('Unavailable');
  const { power, status, readings, controls } = cardModel(device);
  // A status at its first (resting) value says less than the position or the readings.
  const statusValue = status ? device.values.get(status.id) : null;
  const busy = status && (statusValue !== status.choices[0].value || ALWAYS_SAID.has(status.key));
  if (power) {
    const on = device.values.get(power.id) === true;
    if (!on) return t('Off');
    if (busy) return t('On · {value}', { value: formatValue(status, statusValue) });
    // The power's own service: a purifier's screen brightness is not how bright it runs.
    const own = controls.filter((c) => c.prop.service.key === power.service.key);
    const level = own.find((c) => c.prop.key === 'brightness' || c.prop.key === 'volume');
    const v = level && device.values.get(level.prop.id);
    if (typeof v === 'number') return t('On · {value}', { value: formatValue(level.prop, v) });
    // An appliance: its mode (Auto, Sleep), else its fan level.
    const setting = own.find((c) => c.prop.key === 'mode') ?? own.find((c) => c.prop.key === 'fan-level');
    const chosen = setting && device.values.get(setting.prop.id);
    return known(chosen) ? t('On · {value}', { value: formatValue(setting.prop, chosen) }) : t('On');
  }
  if (busy) return formatValue(status, statusValue);
  const position = controls.find((c) => c.kind === 'position');
  if (position) {
    const v = device.values.get((position.companion ?? position.prop).id);
    if (v === 0) return t('state|Closed');
    if (typeof v === 'number') return t('state|Open · {value}', { value: formatValue(position.prop, v) });
  }
  const summary = readings.filter((p) => !NOT_IN_STATUS.has(p.key) && known(device.values.get(p.id)));
  if (summary.length > 0) {
    const texts = summary.slice(0, 2).map((p) => {
      const v = device.values.get(p.id);
      return typeof v === 'boolean' && STATUS_TEXT[p.key] ? t(STATUS_TEXT[p.key][+v]) : formatValue(p, v);
    });
    return [...new Set(texts)].join(' · ');
  }
  return status ? formatValue(status, statusValue) : '';
}

/** The icon's tint: a lit lamp shows its own color, or its white tone. */
export function lampColor(device) {
  const mode = lightMode(device);
  const prop = mode && device.byName.get(mode === 'color' ? 'light/color' : 'light/color-temperature');
  const value = prop && device.values.get(prop.id);
  if (!known(value)) return null;
  return mode === 'color' ? toHex(value) : kelvinHex(value);
}

function tint(device) {
  const color = device.type === 'light' && lampColor(device);
  return color ? { '--tint': color } : {};
}

/** "last seen 12:03" while the hub is out of reach: the values shown are from then. */
export function StaleNote() {
  if (!stale()) return null;
  return <span class="stale-note">{t('last seen {time}', { time: clock(state.offlineSince) })}</span>;
}

export function IconBubble({ device, large = false }) {
  const active = device.available && isActive(device);
  const tintName = DEVICE_TINTS[device.type] ?? 'blue';
  return (
    <span
      class={`icon-bubble tint-${tintName} ${active ? 'is-active' : ''} ${large ? 'large' : ''}`}
      style={active ? tint(device) : {}}
    >
      <Icon name={deviceIcon(device)} size={large ? 32 : 22} />
    </span>
  );
}

function Readings({ device, props: all }) {
  // A tile with no value ("—") says nothing; the device page lists every property.
  const props = all.filter((p) => known(device.values.get(p.id)));
  if (props.length === 0) return null;
  return (
    <dl class="readings">
      {props.map((prop) => (
        <div class="reading" key={prop.id} data-prop={prop.key}>
          <dt>{label(prop)}</dt>
          <dd>{formatValue(prop, device.values.get(prop.id))}</dd>
        </div>
      ))}
    </dl>
  );
}

export function CardActions({ device, actions }) {
  const command = useCommand();
  if (actions.length === 0) return null;
  const compactRow = actions.every((a) => a.compact);
  return (
    <div class="control">
      <div class={compactRow ? 'button-row' : 'action-grid'} role="group" aria-label={t('Actions')}>
        {actions.map(({ action, label: key, icon, compact }) => {
          const text = t(key);
          return (
          <button
            key={`${action.siid}.${action.aiid}`}
            type="button"
            class={compact ? 'round-button' : 'pill-button'}
            aria-label={compact ? text : undefined}
            title={compact ? text : undefined}
            data-action={action.key}
            disabled={!usable(device) || command.busy}
            onClick={() => command.run(() => runAction(device, action))}
          >
            <Icon name={icon} size={compact ? 18 : 16} />
            {!compact && <span>{text}</span>}
          </button>
          );
        })}
        {command.busy && <Spinner />}
      </div>
      <CommandError command={command} />
    </div>
  );
}

/** The controls and readings of a card, also shown at the top of the device page. Controls of
 * a device that is off are dimmed (still there: a brightness set turns many lamps on). */
export function CardBody({ device }) {
  const model = cardModel(device);
  const toneOf = (key) =>
    model.controls.find((c) => c.prop.service.key === 'light' && c.prop.key === key);
  const white = toneOf('color-temperature');
  const color = toneOf('color');
  const both = white && color;
  const control = (c) => {
    if (both && c === color) return null;
    if (both && c === white) {
      return <LightTone key="tone" device={device} white={white.prop} color={color.prop} />;
    }
    const View = CONTROL_VIEWS[c.kind];
    return <View key={c.prop.id} device={device} prop={c.prop} companion={c.companion} />;
  };
  const off = model.power && device.values.get(model.power.id) === false;
  return (
    <>
      <div class={`control-group ${off ? 'is-off' : ''}`}>
        {model.controls.filter((c) => c.kind !== 'select').map(control)}
      </div>
      <CardActions device={device} actions={model.actions} />
      {model.controls.filter((c) => c.kind === 'select').map(control)}
      <Readings device={device} props={model.readings} />
    </>
  );
}

export function DeviceCard({ id, room = '' }) {
  const device = useDevice(id);
  useStore('connection');
  const power = useCommand();
  if (!device) return null;
  const model = cardModel(device);
  const titleId = `card-${id}`.replace(/[^\w-]/g, '_');
  const alarm = device.available && alarms(device).length > 0;
  const state = !device.available ? 'unavailable' : alarm ? 'alarm' : isActive(device) ? 'active' : 'idle';
  const old = stale();
  return (
    <article
      class={`card device-card is-${state} ${old ? 'is-stale' : ''}`}
      aria-labelledby={titleId}
      data-device={id}
    >
      <header class="card-head">
        <IconBubble device={device} />
        <div class="card-titles">
          <Link href={devicePath(id)} class="card-name" id={titleId} title={device.name}>
            {shortName(device.name, room)}
          </Link>
          <span class="card-status" data-status>
            {alarm && <Icon name="alert" size={14} />}
            {statusText(device)}
          </span>
          <StaleNote />
        </div>
        {model.power && (
          <PowerSwitch device={device} prop={model.power} command={power} />
        )}
      </header>
      <CommandError command={power} />
      {!device.available && (
        <p class="unavailable-note">
          <Icon name="offline" size={16} />
          {device.unavailable_reason || t('The device does not answer')}
        </p>
      )}
      <div class="card-body">
        <CardBody device={device} />
      </div>
    </article>
  );
}
