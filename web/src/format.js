// Values for people: units, value-list descriptions, durations, colors, times.
import { BOOL_TEXT } from './capabilities.js';
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
  minutes: 'min',
  seconds: 's',
  hours: 'h',
  days: 'd',
  pascal: 'Pa',
  ppm: 'ppm',
  'mg/m3': 'mg/m³',
  'μg/m3': 'μg/m³',
  arcdegrees: '°',
};
const TIGHT = new Set(['%', '°C', '°F', '°']);

export const unitText = (unit) => (unit && unit !== 'none' ? (UNITS[unit] ?? unit) : '');

/** Fraction digits: as many as the spec's step has; without a step, about three significant
 * digits (21.4°C, 3,042 mV), not the raw float's. */
function decimals(prop, value) {
  if (prop.format !== 'float') return 0;
  const step = prop.range?.[2];
  if (!step) return Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  if (step >= 1) return 0;
  return Math.min(3, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
}

export function formatNumber(prop, value) {
  const digits = decimals(prop, Number(value));
  return Number(value).toLocaleString(undefined, {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

export function withUnit(text, unit) {
  const shown = unitText(unit);
  if (!shown) return text;
  return TIGHT.has(shown) ? `${text}${shown}` : `${text} ${shown}`;
}

export function duration(seconds) {
  const s = Math.round(Number(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export const toHex = (packed) => `#${(Number(packed) & 0xffffff).toString(16).padStart(6, '0')}`;
export const fromHex = (hex) => Number.parseInt(hex.replace('#', ''), 16);

/** A property's value as text, with its unit. */
export function formatValue(prop, value) {
  if (value === null || value === undefined) return '—';
  if (prop.choices) {
    const choice = prop.choices.find((c) => c.value === value);
    return choice ? choice.description : String(value);
  }
  if (typeof value === 'boolean') {
    const texts = BOOL_TEXT[prop.key] ?? ['No', 'Yes'];
    return texts[value ? 1 : 0];
  }
  if (prop.unit === 'rgb') return toHex(value).toUpperCase();
  if (prop.unit === 'seconds' && typeof value === 'number') return duration(value);
  if (typeof value === 'number') return withUnit(formatNumber(prop, value), prop.unit);
  return value === '' ? '—' : String(value);
}

// --- times: always in the home's time zone (GET /api/homes gives it), always 24-hour, so the
// dashboard agrees with the hub's own texts ("after 16:18") whatever zone the browser is in.
const DAY_S = 86_400;
const formatters = new Map();

/** An Intl formatter in the home's zone (cached per zone and options). */
function zoned(options, locale = undefined) {
  const zone = shownHomes()[0]?.time_zone || undefined;
  const key = `${locale}|${zone}|${JSON.stringify(options)}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat(locale, { timeZone: zone, hourCycle: 'h23', ...options }));
  }
  return formatters.get(key);
}

const asDate = (at) => new Date(at * 1000);

/** "16:18" or "16:18:05". */
export const clock = (at, seconds = false) =>
  zoned({ hour: '2-digit', minute: '2-digit', ...(seconds ? { second: '2-digit' } : {}) }).format(asDate(at));

/** "Mon 12 Jan" (in the reader's language). */
export const date = (at) => zoned({ weekday: 'short', day: 'numeric', month: 'short' }).format(asDate(at));

/** The hour of the day (0-23) at the home. */
export const hourAtHome = (at = Date.now() / 1000) => Number(zoned({ hour: 'numeric' }, 'en-US').format(asDate(at)));

/** Days since 1970 of the calendar day at the home: tells "today" from "yesterday". */
function dayNumber(at) {
  const parts = zoned({ year: 'numeric', month: 'numeric', day: 'numeric' }, 'en-US').formatToParts(asDate(at));
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  return Date.UTC(get('year'), get('month') - 1, get('day')) / 1000 / DAY_S;
}

/** "today 18:02", "yesterday 07:00", "tomorrow 07:00", "Mon 12 Jan 07:00". */
export function day(at, seconds = false) {
  const days = dayNumber(at) - dayNumber(Date.now() / 1000);
  const words = { '-1': 'yesterday', 0: 'today', 1: 'tomorrow' };
  return `${words[days] ?? date(at)} ${clock(at, seconds)}`;
}

export function ago(at, now = Date.now()) {
  if (!at) return '';
  const seconds = Math.max(0, now / 1000 - at);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < DAY_S) return `${Math.round(seconds / 3600)} h ago`;
  return date(at);
}
