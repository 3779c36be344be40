// The automation API (src/homeweave/api/automations.py), what its results mean to people, times,
// and YAML: a small writer for definitions (the hub reads the YAML back with its own loader, so
// the dashboard needs no YAML library) and a reader of one-line top-level keys for the form.
import { request } from '../api.js';
import { duration } from '../format.js';
import { currentLanguage, number, t } from '../i18n.js';
import { navigate } from '../router.jsx';

const YAML = 'application/yaml';
const part = encodeURIComponent;
const one = (id, rest = '') => `/api/automations/${part(id)}${rest}`;
// The hub words traces' sentences in the dashboard's language.
const lang = () => `language=${currentLanguage()}`;

export const auto = {
  list: () => request('GET', `/api/automations?${lang()}`),
  get: (id) => request('GET', one(id, `?${lang()}`)),
  traces: (id, limit = 25) => request('GET', one(id, `/traces?limit=${limit}&${lang()}`)),
  trace: (id) => request('GET', `/api/traces/${part(id)}?${lang()}`),
  enable: (id, on) => request('POST', one(id, `/${on ? 'en' : 'dis'}able?${lang()}`)),
  run: (id) => request('POST', one(id, `/run?${lang()}`)),
  dryRun: (id, state = {}) => request('POST', one(id, `/dry-run?${lang()}`), { state }),
  create: (text) => request('POST', '/api/automations', text, undefined, YAML),
  update: (id, text) => request('PUT', one(id), text, undefined, YAML),
  remove: (id) => request('DELETE', one(id)),
  scenes: () => request('GET', '/api/scenes'),
  apply: (id) => request('POST', `/api/scenes/${part(id)}/apply`),
  capture: (body) => request('POST', '/api/scenes/capture', body),
  removeScene: (id) => request('DELETE', `/api/scenes/${part(id)}`),
};

/** A trace's result: [label (an English key, t() where shown), tone, icon]. */
export const RESULTS = {
  ran: ['Ran', 'ok', 'check'],
  running: ['Running', 'info', 'play'],
  queued: ['Queued', 'info', 'clock'],
  waiting: ['Waiting', 'info', 'clock'],
  'condition-false': ['Conditions not met', 'warn', 'filter'],
  'not-triggered': ['Not triggered', 'muted', 'minus'],
  skipped: ['Skipped', 'muted', 'minus'],
  failed: ['Failed', 'danger', 'alert'],
  cancelled: ['Cancelled', 'muted', 'close'],
  'would-run': ['Would run', 'ok', 'check'],
  'would-not-run': ['Would not run', 'warn', 'filter'],
};

/** An action's outcome in a trace: [label, tone, icon]. */
export const OUTCOMES = {
  ok: ['Done', 'ok', 'check'],
  error: ['Failed', 'danger', 'alert'],
  timeout: ['Timed out', 'danger', 'clock'],
  cancelled: ['Cancelled', 'muted', 'close'],
  skipped: ['Skipped', 'muted', 'minus'],
  running: ['Running', 'info', 'play'],
  would: ['Would do', 'info', 'flask'],
};

export const MODES = {
  single: 'Single: while it runs, new triggers are ignored',
  restart: 'Restart: a new trigger starts it over',
  queued: 'Queued: runs one after another',
  parallel: 'Parallel: runs side by side',
};

/** Whether a trigger fired (not a mere evaluation that did not match, or a `for:` wait). */
export const fired = (trace) => !['not-triggered', 'waiting'].includes(trace.result);
export const isLive = (trace) => trace.result === 'running' || trace.result === 'queued';

/** How long something took: "0.2 ms", "1.5 s", "2 min". */
export function took(seconds) {
  const digits = (n) => ({ minimumFractionDigits: n, maximumFractionDigits: n });
  if (seconds < 0.0001) return `< ${number(0.1, digits(1))} ms`;
  if (seconds < 1) return `${number(seconds * 1000, digits(seconds < 0.01 ? 1 : 0))} ms`;
  if (seconds < 60) return `${number(seconds, digits(1))} s`;
  return duration(seconds);
}

// --- YAML -----------------------------------------------------------------------------------------
const RESERVED = /^(y|n|yes|no|true|false|on|off|null|~)$/i;
const PLAIN = /^[A-Za-z_/][^:#\n"'{}[\],&*!|>%@`]*$/;
const SHORT_DURATION = /^-?\d+[a-df-z][a-z\d]*$/i; // 2m, 1h30m, -15m: plain in YAML too

export function scalar(value) {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'string') return String(value);
  const plain = (PLAIN.test(value) && !RESERVED.test(value)) || SHORT_DURATION.test(value);
  return plain && value.trim() === value ? value : JSON.stringify(value);
}

const isBlock = (v) => v !== null && typeof v === 'object' && Object.keys(v).length > 0;
const inline = (v) =>
  Array.isArray(v) ? '[]' : v !== null && typeof v === 'object' ? '{}' : scalar(v);

const DURATIONS = new Set([
  'for',
  'timeout',
  'duration',
  'offset',
  'after_offset',
  'before_offset',
]);

/** Seconds as the schema's short form: 90 as "1m30s", -900 as "-15m". */
function short(seconds) {
  if (!Number.isInteger(seconds) || seconds === 0) return seconds;
  let rest = Math.abs(seconds);
  let out = '';
  for (const [unit, size] of [
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ]) {
    if (rest >= size) out += `${Math.floor(rest / size)}${unit}`;
    rest %= size;
  }
  return `${seconds < 0 ? '-' : ''}${out}`;
}

/** An item's entries with `type` first (then `name`), as people write them; durations short. */
function ordered(object) {
  const keys = Object.keys(object);
  const first = 'type' in object ? ['type', 'name'].filter((k) => k in object) : [];
  return [...first, ...keys.filter((k) => !first.includes(k))].map((k) => [
    k,
    DURATIONS.has(k) && typeof object[k] === 'number' ? short(object[k]) : object[k],
  ]);
}

function lines(value, pad) {
  const out = [];
  if (Array.isArray(value)) {
    for (const item of value) {
      if (!isBlock(item)) {
        out.push(`${pad}- ${inline(item)}`);
        continue;
      }
      const inner = lines(item, `${pad}  `);
      out.push(`${pad}- ${inner[0].slice(pad.length + 2)}`, ...inner.slice(1));
    }
    return out;
  }
  for (const [key, v] of ordered(value)) {
    if (isBlock(v)) out.push(`${pad}${scalar(key)}:`, ...lines(v, `${pad}  `));
    else out.push(`${pad}${scalar(key)}: ${inline(v)}`);
  }
  return out;
}

/** A definition (JSON) as YAML text, the way homeweave.yaml would hold it. */
export const toYaml = (value) => `${lines(value, '').join('\n')}\n`;

const topLine = (key) => new RegExp(`^${key}:(.*)$`, 'm');

/** A top-level key's value when it is written on its own line: undefined if absent, null if it
 * cannot be read here (a block scalar, a value on the next lines). */
export function readTop(text, key) {
  const found = text.match(topLine(key));
  if (!found) return undefined;
  const raw = found[1].trim();
  if (raw === '' || /^[|>[{&*!]/.test(raw)) return null;
  if (raw.startsWith('"')) {
    try {
      return JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (raw.startsWith("'")) return raw.endsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : null;
  const plain = raw.replace(/\s+#.*$/, '');
  if (/^(true|yes|on)$/i.test(plain)) return true;
  if (/^(false|no|off)$/i.test(plain)) return false;
  return plain;
}

/** The text with a top-level key set on its line (added after `after` or first), or removed
 * when `value` is undefined. */
export function writeTop(text, key, value, after = '') {
  const line = value === undefined ? '' : `${key}: ${scalar(value)}`;
  const re = topLine(key);
  if (re.test(text)) {
    return line
      ? text.replace(re, () => line)
      : text.replace(new RegExp(`^${key}:.*\\n?`, 'm'), '');
  }
  if (!line) return text;
  const anchor = after && text.match(new RegExp(`^${after}:.*\\n?`, 'm'));
  if (!anchor) return `${line}\n${text}`;
  const end = anchor.index + anchor[0].length;
  return `${text.slice(0, end)}${anchor[0].endsWith('\n') ? '' : '\n'}${line}\n${text.slice(end)}`;
}

export const slug = (name) =>
  name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

/** The definition to edit: as the hub holds it, with `enabled` when it is off. */
export function editable(automation) {
  const out = { ...automation.definition };
  if (!automation.enabled) out.enabled = false;
  else delete out.enabled;
  return out;
}

/** Device ids an automation's definition names (so its page can refresh when they change). */
export function devicesOf(definition) {
  const found = new Set();
  const walk = (node) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'address' && typeof v === 'string') found.add(v.split('/')[0]);
        else if (k === 'device' && typeof v === 'string') found.add(v);
        else walk(v);
      }
    }
  };
  walk(definition);
  return found;
}

/** Addresses an automation's conditions look at (choose and repeat conditions included). */
export function conditionAddresses(definition) {
  const found = new Set();
  const walk = (node, inCondition) => {
    if (Array.isArray(node)) node.forEach((n) => walk(n, inCondition));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === 'address' && inCondition && typeof v === 'string') found.add(v);
        else walk(v, inCondition || ['conditions', 'when', 'while', 'until'].includes(k));
      }
    }
  };
  walk(definition, false);
  return [...found];
}

/** Between pages: a draft for the editor (a copy) and a note to show once ("Saved."). */
export const handoff = { draft: null, flash: '' };

/** Open the editor on a copy of an automation (a new id and name, the rest the same). */
export function editCopy(automation) {
  const copy = { ...editable(automation), id: `${automation.id}-copy` };
  copy.name = t('{name} (copy)', { name: automation.name });
  handoff.draft = toYaml(copy);
  navigate('/automations/new');
}
