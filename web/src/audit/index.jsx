// The audit log, loaded on first use: who did what, when, through which channel, old → new.
// A person's or a device's name filters the list to them ("who turned the heating off?" is one
// click on the heating); a change that can be undone has an Undo button (the hub checks that
// the one pressing it may make that change).
import './audit.css';

import { useEffect, useState } from 'preact/hooks';

import { request } from '../api.js';
import { label } from '../capabilities.js';
import { day } from '../format.js';
import { useStore } from '../hooks.js';
import { inSentence, t } from '../i18n.js';
import { Icon, Spinner } from '../icons.jsx';
import { devicePath, Link } from '../router.jsx';
import { showToast, state } from '../store.js';
import { undo } from '../undo.js';

const DAYS = 30;
const LIMIT = 300;
const CHANNELS = {
  api: 'via app',
  ws: 'via app',
  cli: 'via command line',
  voice: 'via voice',
  alexa: 'via Alexa',
  automation: 'via automation',
  bridge: 'via bridge',
  hub: 'via hub',
};

/** The filters in the address bar (`/audit?user=mia&device=heater`), so a view can be shared. */
function fromQuery() {
  const query = new URLSearchParams(location.search);
  return { user: query.get('user') || '', device: query.get('device') || '' };
}

function toQuery(filters) {
  const query = new URLSearchParams();
  if (filters.user) query.set('user', filters.user);
  if (filters.device) query.set('device', filters.device);
  const text = query.toString();
  history.replaceState(null, '', `/audit${text ? `?${text}` : ''}`);
}

const deviceName = (id) => state.devices.get(id)?.name ?? id;

function shown(value) {
  if (value === null || value === undefined) return '–';
  if (value === true) return inSentence(t('On'));
  if (value === false) return inSentence(t('Off'));
  return String(value);
}

/** What a property or action address (`thermostat/thermostat/on`) is called on its device's
 * card, in a sentence ("power"); its service and key when the device is not known here. */
function named(address, kind) {
  const [id, service, key] = address.split('/');
  const device = state.devices.get(id);
  if (kind === 'prop' && device?.byName.has(`${service}/${key}`)) {
    return inSentence(label(device.byName.get(`${service}/${key}`)));
  }
  const action = device?.actions.find((a) => a.service.key === service && a.key === key);
  if (action) return inSentence(t(action.description || action.key));
  return `${service} ${key}`;
}

/** The hub's verbs (`automation.create`) as sentences with {kind} and {target}. */
const DONE = {
  add: 'added {kind} {target}',
  create: 'created {kind} {target}',
  update: 'changed {kind} {target}',
  delete: 'deleted {kind} {target}',
  remove: 'removed {kind} {target}',
  revoke: 'revoked {kind} {target}',
  open: 'opened {kind} {target}',
  run: 'ran {kind} {target}',
  enable: 'enabled {kind} {target}',
  disable: 'disabled {kind} {target}',
  role: 'changed the role of {kind} {target}',
  password: 'changed the password of {kind} {target}',
};
const KINDS = {
  automation: 'kind|automation',
  scene: 'kind|scene',
  user: 'kind|user',
  share: 'kind|share',
  token: 'kind|token',
  invite: 'kind|invite',
  link: 'kind|link',
};
const ALONE = { 'sign-in': 'signed in', 'sign-out': 'signed out' };

/** What was done, in words: "set Brightness", "renamed", "undid a change to automation x".
 * The hub's names for kinds and verbs (automation, create) stay as they are. */
function what(entry) {
  const [key, verb] = entry.action.includes('.') ? entry.action.split('.') : ['', entry.action];
  const kind = KINDS[key] ? t(KINDS[key]) : key;
  const target = entry.target;
  if (entry.action === 'set') return t('set {what}', { what: named(target, 'prop') });
  if (entry.action === 'do') return t('ran {what}', { what: named(target, 'action') });
  if (verb === 'undo') {
    return entry.device ? t('undid a change to') : t('undid a change to {kind} {target}', { kind, target });
  }
  if (verb === 'restore') {
    return entry.device ? t('restored') : t('restored {kind} {target}', { kind, target });
  }
  if (key === 'device') return verb === 'name' ? t('renamed') : t('moved');
  if (key && DONE[verb]) return t(DONE[verb], { kind, target });
  if (key) return `${verb} ${kind} ${target}`;
  if (ALONE[entry.action]) return t(ALONE[entry.action]);
  return `${entry.action} ${target}`;
}

function Entry({ entry, onFilter, onUndone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const failed = entry.result !== 'ok';
  const change = entry.old !== null || entry.new !== null;
  const run = async () => {
    setBusy(true);
    setError('');
    try {
      await undo(entry.version);
      showToast({ message: t('Undone.'), level: 'info' });
      onUndone();
    } catch (err) {
      setError(err.message);
    }
    setBusy(false);
  };
  return (
    <li class="audit-entry" data-action={entry.action}>
      <div class="audit-line">
        <button
          type="button"
          class="audit-who"
          title={t('Only what {user} did', { user: entry.user })}
          onClick={() => onFilter({ user: entry.user })}
        >
          {entry.user}
        </button>
        <span class="audit-what">{what(entry)}</span>
        {entry.device && (
          <button
            type="button"
            class="audit-device"
            title={t('Only what happened to {device}', { device: deviceName(entry.device) })}
            onClick={() => onFilter({ device: entry.device })}
          >
            {deviceName(entry.device)}
          </button>
        )}
      </div>
      {change && (
        <div class="audit-change muted">
          <span class="audit-old">{shown(entry.old)}</span>
          <Icon name="chevron" size={12} />
          <span class="audit-new">{shown(entry.new)}</span>
        </div>
      )}
      <div class="audit-meta muted">
        <time>{day(entry.at)}</time>
        <span>{CHANNELS[entry.channel] ? t(CHANNELS[entry.channel]) : entry.channel}</span>
        {failed && <span class="command-error">{entry.result}</span>}
        {entry.undoable && (
          <button type="button" class="pill-button audit-undo" disabled={busy} onClick={run}>
            {busy ? <Spinner /> : t('Undo')}
          </button>
        )}
      </div>
      {error && (
        <p class="command-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

export function AuditView() {
  useStore('registry'); // device names
  const [filters, setFilters] = useState(fromQuery);
  const [entries, setEntries] = useState(null);
  const [error, setError] = useState('');
  const [round, setRound] = useState(0);
  useEffect(() => {
    toQuery(filters);
    let alive = true;
    const query = new URLSearchParams({ since: String(Date.now() / 1000 - DAYS * 86400) });
    query.set('limit', String(LIMIT));
    if (filters.user) query.set('user', filters.user);
    if (filters.device) query.set('device', filters.device);
    request('GET', `/api/audit?${query}`).then(
      (found) => alive && (setEntries(found.reverse()), setError('')),
      (err) => alive && setError(err.message),
    );
    return () => {
      alive = false;
    };
  }, [filters.user, filters.device, round]);
  const filter = (more) => setFilters({ ...filters, ...more });
  const chips = [
    filters.user && { key: 'user', text: t('Person: {name}', { name: filters.user }) },
    filters.device && { key: 'device', text: t('Device: {name}', { name: deviceName(filters.device) }) },
  ].filter(Boolean);
  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>{t('Audit log')}</h1>
        <p class="page-sub">
          {t('Who did what in the last {n} days. Tap a person or a device to see only theirs.', { n: DAYS })}
        </p>
      </header>
      {chips.length > 0 && (
        <div class="chip-row" role="group" aria-label={t('Filters')}>
          {chips.map((chip) => (
            <button
              key={chip.key}
              type="button"
              class="chip audit-chip"
              aria-label={t('Remove filter {filter}', { filter: chip.text })}
              onClick={() => filter({ [chip.key]: '' })}
            >
              {chip.text}
              <Icon name="close" size={12} />
            </button>
          ))}
          {filters.device && (
            <Link class="audit-open" href={devicePath(filters.device)}>
              {t('Open {room}', { room: deviceName(filters.device) })}
            </Link>
          )}
        </div>
      )}
      {error && (
        <p class="banner warn" role="alert">
          {error}
        </p>
      )}
      {!entries && !error && (
        <div class="empty-state">
          <Spinner label={t('Loading the audit log…')} />
        </div>
      )}
      {entries && entries.length === 0 && <p class="empty">{t('Nothing recorded.')}</p>}
      {entries && entries.length > 0 && (
        <ol class="audit-list" aria-label={t('Audit entries, newest first')}>
          {entries.map((entry, i) => (
            <Entry
              key={`${entry.at}-${i}`}
              entry={entry}
              onFilter={filter}
              onUndone={() => setRound(round + 1)}
            />
          ))}
        </ol>
      )}
    </>
  );
}
