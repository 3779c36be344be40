// The audit log, loaded on first use: who did what, when, through which channel, old → new.
// A person's or a device's name filters the list to them ("who turned the heating off?" is one
// click on the heating); a change that can be undone has an Undo button (the hub checks that
// the one pressing it may make that change).
import './audit.css';

import { useEffect, useState } from 'preact/hooks';

import { request } from '../api.js';
import { day } from '../format.js';
import { useStore } from '../hooks.js';
import { Icon, Spinner } from '../icons.jsx';
import { devicePath, Link } from '../router.jsx';
import { showToast, state } from '../store.js';
import { undo } from '../undo.js';

const DAYS = 30;
const LIMIT = 300;
const CHANNELS = {
  api: 'app',
  ws: 'app',
  cli: 'command line',
  voice: 'voice',
  alexa: 'Alexa',
  automation: 'automation',
  bridge: 'bridge',
  hub: 'hub',
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
  if (value === true) return 'on';
  if (value === false) return 'off';
  return String(value);
}

/** What was done, in words: "set Brightness", "renamed", "undo of an automation edit". */
function what(entry) {
  const [kind, verb] = entry.action.includes('.') ? entry.action.split('.') : ['', entry.action];
  if (entry.action === 'set') return `set ${entry.target.split('/').slice(1).join(' ')}`;
  if (entry.action === 'do') return `ran ${entry.target.split('/').slice(1).join(' ')}`;
  if (verb === 'undo' || verb === 'restore') {
    const done = verb === 'undo' ? 'undid a change to' : 'restored';
    return entry.device ? done : `${done} ${kind} ${entry.target}`;
  }
  if (kind === 'device') return verb === 'name' ? 'renamed' : 'moved';
  if (kind) return `${verb} ${kind} ${entry.target}`;
  return `${entry.action} ${entry.target}`;
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
      showToast({ message: 'Undone.', level: 'info' });
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
          title={`Only what ${entry.user} did`}
          onClick={() => onFilter({ user: entry.user })}
        >
          {entry.user}
        </button>
        <span class="audit-what">{what(entry)}</span>
        {entry.device && (
          <button
            type="button"
            class="audit-device"
            title={`Only what happened to ${deviceName(entry.device)}`}
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
        <span>via {CHANNELS[entry.channel] ?? entry.channel}</span>
        {failed && <span class="command-error">{entry.result}</span>}
        {entry.undoable && (
          <button type="button" class="pill-button audit-undo" disabled={busy} onClick={run}>
            {busy ? <Spinner /> : 'Undo'}
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
    filters.user && { key: 'user', text: `Person: ${filters.user}` },
    filters.device && { key: 'device', text: `Device: ${deviceName(filters.device)}` },
  ].filter(Boolean);
  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>Audit log</h1>
        <p class="page-sub">
          Who did what in the last {DAYS} days. Tap a person or a device to see only theirs.
        </p>
      </header>
      {chips.length > 0 && (
        <div class="chip-row" role="group" aria-label="Filters">
          {chips.map((chip) => (
            <button
              key={chip.key}
              type="button"
              class="chip audit-chip"
              aria-label={`Remove filter ${chip.text}`}
              onClick={() => filter({ [chip.key]: '' })}
            >
              {chip.text}
              <Icon name="close" size={12} />
            </button>
          ))}
          {filters.device && (
            <Link class="audit-open" href={devicePath(filters.device)}>
              Open {deviceName(filters.device)}
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
          <Spinner label="Loading the audit log…" />
        </div>
      )}
      {entries && entries.length === 0 && <p class="empty">Nothing recorded.</p>}
      {entries && entries.length > 0 && (
        <ol class="audit-list" aria-label="Audit entries, newest first">
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
