// Values for people: units, value-list descriptions, durations, colors, times.
import { BOOL_TEXT } from './capabilities.js';
import { currentLanguage, locale, t, tn } from './i18n.js';
import { shownHomes, state } from './store.js';

export const UNITS = {
  celsius: '°C',
  fahrenheit: '°F',
  percentage: '%',
  kelvin: 'K',
  lux: 'lx',
  watt: 'W',
  kWh: 'kWh',
  volt: 'V',
  millivolt: 'mV',
  ampere: 'A',
  m2: 'm²',
  minutes: 'unit|min',
  seconds: 'unit|s',
  hours: 'unit|h',
  days: 'unit|d',
  pascal: 'Pa',
  ppm: 'ppm',
  'mg/m3': 'mg/m³',
  'μg/m3': 'μg/m³',
  arcdegrees: '°',
};
const TIGHT = new Set(['%', '°C', '°F', '°']);

export const unitText = (unit) => (unit && unit !== 'none' ? t(UNITS[unit] ?? unit) : '');

/** Units people read in a bigger one: 3042 millivolt is 3.04 V. */
const SCALED = { millivolt: ['volt', 1000] };

/** Fraction digits: as many as the spec's step has; without a step, about three significant
 * digits (21.4°C, 3,042 mV), not the raw float's. */
function decimals(prop, value) {
  if (prop.format !== 'float') return 0;
  const step = prop.range?.[2];
  if (!step) return Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  if (step >= 1) return 0;
  return Math.min(3, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
}

const numberFormats = new Map();

/** `value` with `digits` fraction digits, as the chosen language writes numbers. */
export function fixed(value, digits) {
  const key = `${currentLanguage()}|${digits}`;
  if (!numberFormats.has(key)) {
    numberFormats.set(key, new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }));
  }
  return numberFormats.get(key).format(value);
}

export function formatNumber(prop, value) {
  return fixed(Number(value), decimals(prop, Number(value)));
}

export function withUnit(text, unit) {
  const shown = unitText(unit);
  if (!shown) return text;
  return TIGHT.has(shown) ? `${text}${shown}` : `${text} ${shown}`;
}

export function duration(seconds) {
  const s = Math.round(Number(seconds));
  if (s < 60) return t('{s} s', { s });
  if (s < 3600) return t('{m} min', { m: Math.floor(s / 60) });
  if (s < 86400) return t('{h} h {m} min', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return t('{d} d {h} h', { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600) });
}

export const toHex = (packed) => `#${(Number(packed) & 0xffffff).toString(16).padStart(6, '0')}`;
export const fromHex = (hex) => Number.parseInt(hex.replace('#', ''), 16);

/** The colour of white light at `kelvin` (Tanner Helland's fit), as #rrggbb. */
export function kelvinHex(kelvin) {
  const t = Number(kelvin) / 100;
  const clamp = (v) => Math.round(Math.min(255, Math.max(0, v)));
  const r = t <= 66 ? 255 : 329.7 * (t - 60) ** -0.1332;
  const g = t <= 66 ? 99.47 * Math.log(t) - 161.12 : 288.12 * (t - 60) ** -0.0755;
  const b = t >= 66 ? 255 : t <= 19 ? 0 : 138.52 * Math.log(t - 10) - 305.04;
  return toHex((clamp(r) << 16) | (clamp(g) << 8) | clamp(b));
}

/** Hue (degrees) and saturation (0..1) of a packed colour, for its place on a colour wheel. */
export function hueSat(packed) {
  const [r, g, b] = [16, 8, 0].map((shift) => ((Number(packed) >> shift) & 255) / 255);
  const max = Math.max(r, g, b);
  const d = max - Math.min(r, g, b);
  if (!d) return [0, 0];
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [(h * 60 + 360) % 360, d / max];
}

/** A fully bright colour from hue (degrees) and saturation (0..1), packed 0xRRGGBB. */
export function fromHueSat(hue, sat) {
  const f = (n) => {
    const k = (n + hue / 60) % 6;
    return Math.round(255 * (1 - sat * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return (f(5) << 16) | (f(3) << 8) | f(1);
}

/** A property's value as text, with its unit. */
export function formatValue(prop, value) {
  if (value === null || value === undefined) return '—';
  if (prop.choices) {
    const choice = prop.choices.find((c) => c.value === value);
    return choice ? t(choice.description) : String(value);
  }
  if (typeof value === 'boolean') {
    const texts = BOOL_TEXT[prop.key] ?? ['No', 'Yes'];
    return t(texts[value ? 1 : 0]);
  }
  if (prop.unit === 'rgb') return toHex(value).toUpperCase();
  if (prop.unit === 'seconds' && typeof value === 'number') return duration(value);
  if (typeof value === 'number' && SCALED[prop.unit]) {
    const [unit, by] = SCALED[prop.unit];
    return withUnit(formatNumber({ format: 'float' }, value / by), unit);
  }
  if (typeof value === 'number') return withUnit(formatNumber(prop, value), prop.unit);
  return value === '' ? '—' : String(value);
}

// --- times: always in the home's time zone (GET /api/homes gives it), always 24-hour, so the
// dashboard agrees with the hub's own texts ("after 16:18") whatever zone the browser is in; in
// the chosen language's format (Intl.DateTimeFormat). Every time on the dashboard comes from here.
const DAY_S = 86_400;
const formatters = new Map();

/** The home's time zone (undefined: the browser's, before the homes are loaded). */
export const homeZone = () => shownHomes()[0]?.time_zone || undefined;

/** An Intl formatter in the home's zone and the chosen language (cached per both and options);
 * `zone` for a report that names its own. */
export function zoned(options, tag = locale(), zone = homeZone()) {
  const key = `${tag}|${zone}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat(tag, { timeZone: zone, hourCycle: 'h23', ...options }));
  }
  return formatters.get(key);
}

const asDate = (at) => new Date(at * 1000);

/** "16:18" or "16:18:05". */
export const clock = (at, seconds = false) =>
  zoned({ hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(asDate(at));

/** "Mon 12 Jan" (in the chosen language: "Mo., 12. Jan.", "1月12日周一"). */
export const date = (at) => zoned({ weekday: 'short', day: 'numeric', month: 'short' }).format(asDate(at));

/** The hour of the day (0-23) at the home. */
export const hourAtHome = (at = Date.now() / 1000) => Number(zoned({ hour: 'numeric' }, 'en-US').format(asDate(at)));

/** Days since 1970 of the calendar day at the home: tells "today" from "yesterday". */
function dayNumber(at) {
  const parts = zoned({ year: 'numeric', month: 'numeric', day: 'numeric' }, 'en-US').formatToParts(asDate(at));
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return Date.UTC(get('year'), get('month') - 1, get('day')) / 1000 / DAY_S;
}

/** Whether `at` is today at the home. */
export const isToday = (at) => dayNumber(at) === dayNumber(Date.now() / 1000);

/** "today 18:02", "yesterday 07:00", "tomorrow 07:00", "Mon 12 Jan 07:00". */
export function day(at, seconds = false) {
  const days = dayNumber(at) - dayNumber(Date.now() / 1000);
  const time = clock(at, seconds);
  if (days === -1) return t('yesterday {time}', { time });
  if (days === 0) return t('today {time}', { time });
  if (days === 1) return t('tomorrow {time}', { time });
  return t('{date} {time}', { date: date(at), time });
}

export function ago(at, now = Date.now()) {
  if (!at) return '';
  const seconds = Math.max(0, now / 1000 - at);
  if (seconds < 45) return t('just now');
  if (seconds < 3600) return t('{m} min ago', { m: Math.round(seconds / 60) });
  if (seconds < DAY_S) return t('{h} h ago', { h: Math.round(seconds / 3600) });
  return date(at);
}
