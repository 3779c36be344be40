// Values for people: units, value-list descriptions, durations, colors.
import { BOOL_TEXT } from './capabilities.js';

export const UNITS = {
  celsius: '°C',
  fahrenheit: '°F',
  percentage: '%',
  kelvin: 'K',
  lux: 'lx',
  watt: 'W',
  kWh: 'kWh',
  volt: 'V',
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

function decimals(prop) {
  if (prop.format !== 'float') return 0;
  const step = prop.range ? prop.range[2] : 0.01;
  if (!step || step >= 1) return 0;
  return Math.min(3, Math.max(0, Math.ceil(-Math.log10(step) - 1e-9)));
}

export function formatNumber(prop, value) {
  const digits = decimals(prop);
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

export function ago(at, now = Date.now()) {
  if (!at) return '';
  const seconds = Math.max(0, now / 1000 - at);
  if (seconds < 45) return 'just now';
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)} h ago`;
  return new Date(at * 1000).toLocaleDateString();
}
