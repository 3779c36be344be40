// How a device's spec becomes a card: tables keyed by MIoT property and action keys ("on",
// "brightness", "start-sweep"), optionally qualified by service ("thermostat/mode"), and by the
// spec's device type for icons. Nothing here looks at device ids: a device gets the controls its
// spec's properties ask for, and any spec we never saw still gets readings and a detail page.

import { t } from './i18n.js';

export const HIDDEN_SERVICES = new Set(['device-information']);

/** Property → the control a card shows for it (when the property is writable). */
export const CARD_CONTROLS = {
  on: 'power',
  brightness: 'level',
  'color-temperature': 'slider',
  color: 'color',
  'target-temperature': 'setpoint',
  'target-position': 'position',
  'motor-control': 'buttons',
  volume: 'slider',
  mute: 'mute',
  'thermostat/mode': 'select',
  'vacuum/fan-level': 'select',
  // Appliances: a mode and a fan level (a list of speeds, or a 1..N / percent range).
  'air-purifier/mode': 'select',
  'air-purifier/fan-level': 'level',
  'fan/mode': 'select',
  'fan/fan-level': 'level',
  'fan/speed-level': 'level',
  'humidifier/mode': 'select',
  'humidifier/fan-level': 'level',
  'heater/mode': 'select',
  'air-conditioner/mode': 'select',
  'air-conditioner/fan-level': 'level',
  'target-humidity': 'setpoint',
  'horizontal-swing': 'toggle',
  'physical-controls-locked': 'toggle',
};

/** A "level" is a select when the spec lists its values, else a slider over its range. */
export const LEVEL_KINDS = { list: 'select', range: 'slider' };

/** Icons for on/off settings shown as a pressed button: [off, on]. */
export const TOGGLE_ICONS = {
  mute: ['volume', 'muted'],
  'horizontal-swing': ['swing', 'swing'],
  'physical-controls-locked': ['unlocked', 'locked'],
};

/** A control that shows a reading beside it: the thermostat's room temperature, the blind's
 * current position. The reading then leaves the card's list of readings. */
export const COMPANIONS = {
  'target-temperature': 'temperature',
  'target-position': 'current-position',
  'target-humidity': 'relative-humidity',
};

/** The order of controls on a card, by kind: what people touch most comes first. */
export const CONTROL_ORDER = [
  'setpoint',
  'position',
  'slider',
  'color',
  'mute',
  'buttons',
  'select',
  'toggle',
];

/** Actions worth a button on the card, in this order (all actions are on the detail page);
 * `compact` ones show only their icon (media transport). */
export const CARD_ACTIONS = {
  'start-sweep': { label: 'Start', icon: 'play' },
  'pause-sweeping': { label: 'Pause', icon: 'pause' },
  'start-charge': { label: 'Dock', icon: 'dock' },
  'lock/lock': { label: 'Lock', icon: 'locked' },
  'lock/unlock': { label: 'Unlock', icon: 'unlocked' },
  previous: { label: 'Previous', icon: 'previous', compact: true },
  play: { label: 'Play', icon: 'play', compact: true },
  pause: { label: 'Pause', icon: 'pause', compact: true },
  next: { label: 'Next', icon: 'next', compact: true },
};

/** Readings that matter most come first on a card; the rest keep the spec's order. */
export const READING_RANK = {
  temperature: 1,
  'relative-humidity': 2,
  'motion-state': 1,
  'contact-state': 1,
  'electric-power': 1,
  'submersion-state': 1,
  'vibration-state': 1,
  'lock-state': 1,
  'door-state': 2,
  'pm2.5-density': 1,
  'co2-density': 1,
  'voc-index': 2,
  'water-level': 3,
  'filter-life-level': 6,
  'filter-used-time': 7,
  'battery-level': 3,
  'cleaning-area': 8,
  'cleaning-time': 9,
  // Diagnostics go last.
  voltage: 10,
  'device-temperature': 11,
  'power-outage-count': 11,
  'link-quality': 12,
};

export const ACTION_ICONS = {
  toggle: 'power',
  'stop-sweeping': 'stop',
  ...Object.fromEntries(Object.entries(CARD_ACTIONS).map(([k, v]) => [k, v.icon])),
};

/** Short names for cards; the spec's description is the fallback. */
export const LABELS = {
  on: 'switch|Power',
  brightness: 'Brightness',
  'color-temperature': 'White tone',
  color: 'Color',
  'target-temperature': 'Target',
  'target-position': 'Position',
  'current-position': 'Position now',
  'motor-control': 'Motor',
  volume: 'Volume',
  mute: 'Mute',
  'battery-level': 'Battery',
  'relative-humidity': 'Humidity',
  'electric-power': 'Power',
  'power-consumption': 'Energy',
  'electric-current': 'Current',
  illumination: 'Light level',
  'no-motion-duration': 'Quiet for',
  'contact-state': 'Contact',
  'motion-state': 'Motion',
  'cleaning-area': 'Cleaned',
  'cleaning-time': 'Cleaning time',
  'vacuum/fan-level': 'Suction',
  'fan-level': 'Fan speed',
  'speed-level': 'Fan speed',
  'pm2.5-density': 'PM2.5',
  'pm10-density': 'PM10',
  'co2-density': 'CO₂',
  'voc-index': 'VOC index',
  'filter-life-level': 'Filter life',
  'filter-used-time': 'Filter used',
  'submersion-state': 'Water',
  'vibration-state': 'Vibration',
  'vibration-strength': 'Strength',
  'horizontal-swing': 'Oscillate',
  'physical-controls-locked': 'Child lock',
  'target-humidity': 'Target',
  'water-level': 'Water tank',
  'atmospheric-pressure': 'Pressure',
  'lock-state': 'Lock',
  'door-state': 'Door',
  'charging-state': 'Charging',
  'device-present': 'Phone',
  'output-power': 'Output',
  'playing-state': 'Playing',
};

/** Texts for booleans: [false, true]. */
export const BOOL_TEXT = {
  on: ['Off', 'On'],
  'contact-state': ['state|Open', 'state|Closed'],
  'motion-state': ['Clear', 'Detected'],
  mute: ['Sound on', 'Muted'],
  'device-present': ['None', 'Present'],
  'submersion-state': ['Dry', 'Leak'],
  'vibration-state': ['Still', 'Vibrating'],
};

/** Readings that make a device look "active" (highlighted) when they have this value. */
export const ACTIVE_WHEN = {
  'motion-state': true,
  'contact-state': false,
  'submersion-state': true,
  'vibration-state': true,
};

/** Readings that are an alarm at this value: the card turns red and says so first. */
export const ALARM_WHEN = {
  'submersion-state': true,
  'smoke-state': true,
  'gas-state': true,
};

/** Status descriptions (from value lists) of a device at rest; any other status is activity
 * (Sweeping, Playing, Opening, Heating...). */
export const RESTING = /^(idle|stopped|paused|charging|charged|standby|off|closed|none|error)$/i;

/** Statuses said even at their first value (a lock's "Locked" is news, a vacuum's "Idle" not). */
export const ALWAYS_SAID = new Set(['lock-state']);

/** Booleans in a card's one-line status, where no label says what they are: [false, true]. */
export const STATUS_TEXT = {
  'motion-state': ['No motion', 'Motion detected'],
  'submersion-state': ['Dry', 'Water leak!'],
  'vibration-state': ['Still', 'Vibrating'],
};

/** Readings left out of a card's one-line status (they have their own tile and say little
 * about what the device is doing). */
export const NOT_IN_STATUS = new Set([
  'battery-level',
  'voltage',
  'device-temperature',
  'power-outage-count',
  'link-quality',
]);

/** Diagnostics: not on a card (they say nothing about what the device does) but in the
 * device page's "Device info", for power users. Keyed like the other tables. */
export const DIAGNOSTICS = new Set([
  'link-quality',
  'device-temperature',
  'power-outage-count',
  'battery/voltage',
]);

export const isDiagnostic = (prop) =>
  DIAGNOSTICS.has(`${prop.service.key}/${prop.key}`) || DIAGNOSTICS.has(prop.key);

/** Icons by the spec's device type (urn:miot-spec-v2:device:<type>:...). */
export const DEVICE_ICONS = {
  light: 'bulb',
  outlet: 'plug',
  'temperature-humidity-sensor': 'thermometer',
  'magnet-sensor': 'door',
  'motion-sensor': 'motion',
  thermostat: 'thermostat',
  vacuum: 'vacuum',
  speaker: 'speaker',
  curtain: 'blinds',
  'wireless-charger': 'charger',
  'air-purifier': 'purifier',
  'air-monitor': 'air',
  'submersion-sensor': 'leak',
  'vibration-sensor': 'vibration',
  'remote-control': 'remote',
  'illumination-sensor': 'sun',
  fan: 'fan',
  lock: 'locked',
  humidifier: 'humidifier',
  heater: 'thermostat',
  'air-conditioner': 'snow',
  switch: 'power',
  gateway: 'hub',
};

/** Tints for a device's icon when it is active, by device type; lights use their own color. */
export const DEVICE_TINTS = {
  light: 'amber',
  outlet: 'blue',
  thermostat: 'orange',
  vacuum: 'green',
  speaker: 'violet',
  curtain: 'teal',
  'wireless-charger': 'blue',
  'motion-sensor': 'red',
  'magnet-sensor': 'red',
  'air-purifier': 'teal',
  'air-monitor': 'teal',
  'submersion-sensor': 'red',
  'vibration-sensor': 'orange',
  fan: 'teal',
  lock: 'violet',
  humidifier: 'blue',
  heater: 'orange',
  'air-conditioner': 'blue',
  switch: 'amber',
};

export const readable = (prop) => prop.access.includes('read');
/** Whether a value is there to show (a sensor that has not reported yet has none). */
export const known = (value) => value !== null && value !== undefined && value !== '';
export const writable = (prop) => prop.access.includes('write');
const NUMERIC = new Set(['int8', 'int16', 'int32', 'int64', 'uint8', 'uint16', 'uint32', 'float']);
export const numeric = (prop) => NUMERIC.has(prop.format) && !prop.choices && prop.unit !== 'rgb';

const lookup = (table, prop) => table[`${prop.service.key}/${prop.key}`] ?? table[prop.key];

/** An event's name in the reader's language ("Cleaning Finished" → "Reinigung beendet"). */
export const eventLabel = (event) => t(`event|${event.description || event.key}`);

export function label(prop) {
  const known = lookup(LABELS, prop);
  if (known) return t(known);
  let text = (prop.description || prop.key).replace(/\s*\(.*\)\s*$/, '');
  // "Linkquality" for link-quality: the key has the word breaks the description lost.
  if (text.toLowerCase() === prop.key.replace(/-/g, '')) text = prop.key;
  return t(text.charAt(0).toUpperCase() + text.slice(1).replace(/-/g, ' '));
}

export function find(device, name) {
  return device.byName.get(name);
}

export const deviceIcon = (device) => DEVICE_ICONS[device.type] ?? 'device';

/** A device's name inside its room: "Living room lamp" in the Living room is "Lamp". */
export function shortName(name, roomName) {
  if (!roomName) return name;
  const prefix = `${roomName.toLowerCase()} `;
  if (!name.toLowerCase().startsWith(prefix) || name.length === prefix.length) return name;
  const rest = name.slice(prefix.length);
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

const models = new WeakMap();

/** What a card shows for a device: the power switch, controls, readings (the first reading with
 * a value list is the status line), and action buttons. Cached per device: specs do not change. */
export function cardModel(device) {
  if (models.has(device)) return models.get(device);
  let power = null;
  const controls = [];
  const candidates = [];
  const consumed = new Set();
  for (const service of device.services) {
    if (HIDDEN_SERVICES.has(service.key)) continue;
    for (const p of service.properties) {
      const prop = device.props.get(`${p.siid}.${p.piid}`);
      let kind = lookup(CARD_CONTROLS, prop);
      if (kind === 'level') kind = prop.choices ? LEVEL_KINDS.list : numeric(prop) ? LEVEL_KINDS.range : null;
      if (kind && writable(prop)) {
        if (kind === 'power' && !power) {
          power = prop;
          continue;
        }
        if (kind === 'power') continue;
        const companionName = COMPANIONS[prop.key];
        const companion = companionName ? find(device, companionName) : null;
        if (companion) consumed.add(companion.id);
        controls.push({ kind, prop, companion });
      } else if (readable(prop) && !writable(prop) && !isDiagnostic(prop)) {
        candidates.push(prop);
      }
    }
  }
  const rank = (p) => READING_RANK[p.key] ?? 5;
  const readings = candidates.filter((p) => !consumed.has(p.id));
  readings.sort((a, b) => rank(a) - rank(b));
  const status = readings.find((p) => p.choices) ?? null;
  const order = Object.keys(CARD_ACTIONS);
  const actions = device.actions
    .filter((a) => lookup(CARD_ACTIONS, a))
    .map((a) => ({ action: a, ...lookup(CARD_ACTIONS, a) }))
    .sort((a, b) => order.indexOf(a.action.key) - order.indexOf(b.action.key));
  controls.sort((a, b) => CONTROL_ORDER.indexOf(a.kind) - CONTROL_ORDER.indexOf(b.kind));
  const model = {
    power,
    controls,
    status,
    readings: readings.filter((p) => p !== status),
    actions,
  };
  models.set(device, model);
  return model;
}

/** Seconds apart within which a light's colour and white tone count as reported together; then
 * the white tone is its mode (as the hub's scene capture decides, automation/scenes.py). */
const SAME_MOMENT = 0.25;

/** Whether a light shows colour or white now: 'color', 'white', or null (it has neither). */
export function lightMode(device) {
  const color = device.byName.get('light/color');
  const white = device.byName.get('light/color-temperature');
  if (!color || !writable(color)) return white && writable(white) ? 'white' : null;
  if (!white || !writable(white)) return 'color';
  const at = (p) => device.changedAt.get(p.id) ?? 0;
  return at(color) > at(white) + SAME_MOMENT ? 'color' : 'white';
}

/** The readings of a device that are raising an alarm now (a leak, smoke). */
export function alarms(device) {
  return cardModel(device).readings.filter((p) => {
    const wanted = ALARM_WHEN[p.key];
    return wanted !== undefined && device.values.get(p.id) === wanted;
  });
}

/** Whether a device is doing something worth highlighting. */
export function isActive(device) {
  const { power, readings, status } = cardModel(device);
  if (power) return device.values.get(power.id) === true;
  if (status) {
    const choice = status.choices.find((c) => c.value === device.values.get(status.id));
    if (choice && !RESTING.test(choice.description)) return true;
  }
  return readings.some((p) => {
    const wanted = ACTIVE_WHEN[p.key];
    return wanted !== undefined && device.values.get(p.id) === wanted;
  });
}

/** Properties that have a history worth charting (numbers, on/off, modes): readings first,
 * then settings. */
export function chartable(device) {
  const props = [...device.props.values()].filter(
    (p) =>
      !HIDDEN_SERVICES.has(p.service.key) &&
      readable(p) &&
      (numeric(p) || p.format === 'bool' || (p.choices && p.format !== 'string')),
  );
  const rank = (p) => READING_RANK[p.key] ?? 5;
  const readings = props.filter((p) => !writable(p)).sort((a, b) => rank(a) - rank(b));
  return [...readings, ...props.filter(writable)];
}
