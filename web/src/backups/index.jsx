// The Backups page, its own chunk: the hub's backups (make one, download one) and a backup
// file to upload and restore, each with a progress bar. The hub answers the progress of a
// running backup or check at GET /api/backups/job; an upload reports its own.
import './backups.css';

import { useEffect, useState } from 'preact/hooks';

import { ApiError, hubError, request, token } from '../api.js';
import { day } from '../format.js';
import { number, t } from '../i18n.js';
import { Icon } from '../icons.jsx';

const POLL_MS = 250;

function size(bytes) {
  if (bytes < 1000) return `${number(bytes)} B`;
  const units = ['kB', 'MB', 'GB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${number(value, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ${units[unit]}`;
}

/** A progress bar with what it measures in words; `total` 0 means not known yet. */
function Bar({ label, done, total }) {
  const percent = total ? Math.min(100, Math.round((done / total) * 100)) : null;
  return (
    <label>
      {label} {percent === null ? '…' : number(percent / 100, { style: 'percent' })}
      <progress aria-label={label} max={total || 1} value={total ? done : undefined} />
    </label>
  );
}

/** Follow the hub's job while `running`; calls `onStep(job)` with each answer. */
function useJob(running, onStep) {
  useEffect(() => {
    if (!running) return undefined;
    let live = true;
    const tick = async () => {
      try {
        const job = await request('GET', '/api/backups/job');
        if (live && job) onStep(job);
      } catch {
        // the page shows the outcome of the call itself
      }
      if (live) timer = setTimeout(tick, POLL_MS);
    };
    let timer = setTimeout(tick, POLL_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [running]);
}

async function download(name) {
  const response = await fetch(`/api/backups/${encodeURIComponent(name)}`, {
    headers: { Authorization: `Bearer ${token.get()}` },
  });
  if (!response.ok) {
    throw hubError(response.status, await response.json().catch(() => null), response.statusText);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Send `file` to the restore endpoint, reporting upload progress; resolves with the answer. */
function upload(file, password, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/backups/restore');
    xhr.setRequestHeader('Authorization', `Bearer ${token.get()}`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    if (password) xhr.setRequestHeader('X-Backup-Password', password);
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total);
    xhr.onerror = () => reject(new ApiError(0, t('The hub cannot be reached')));
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(hubError(xhr.status, body, xhr.statusText));
    };
    xhr.send(file);
  });
}

function BackupList({ backups, onError }) {
  if (backups.length === 0) {
    return <p>{t('No backups yet.')}</p>;
  }
  return (
    <ul>
      {[...backups].reverse().map((b) => (
        <li key={b.name} data-backup={b.name}>
          <span>
            <b>{b.name}</b>
            <br />
            <small>
              {b.created_at ? `${day(Date.parse(b.created_at) / 1000)} · ` : ''}
              {size(b.size)}
              {b.sealed ? ` · ${t('sealed with a password')}` : ''}
              {b.problem ? ` · ${b.problem}` : ''}
            </small>
          </span>
          <button
            type="button"
            class="icon-button"
            aria-label={t('Download {name}', { name: b.name })}
            title={t('Download')}
            onClick={() => download(b.name).catch((err) => onError(err.message))}
          >
            <Icon name="download" size={20} />
          </button>
        </li>
      ))}
    </ul>
  );
}

function Create({ onMade }) {
  const [job, setJob] = useState(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState('');
  const [made, setMade] = useState('');
  useJob(running, (found) => found.kind === 'create' && setJob(found));
  const start = async () => {
    setRunning(true);
    setError('');
    setMade('');
    setJob(null);
    try {
      const backup = await request('POST', '/api/backups');
      setMade(backup.name);
      onMade();
    } catch (err) {
      setError(err.message);
    } finally {
      setRunning(false);
    }
  };
  return (
    <section class="card" aria-labelledby="backup-now">
      <h2 id="backup-now">{t('Back up now')}</h2>
      <p>
        {t(
          'The database as of this moment, the keys and tokens of the integrations, and the configuration, in one file the hub keeps with its other backups.',
        )}
      </p>
      <button type="button" class="primary-button" onClick={start} disabled={running}>
        <Icon name="plus" size={18} /> {t('Back up now')}
      </button>
      {running && <Bar label={t('Backing up')} done={job?.done ?? 0} total={job?.total ?? 0} />}
      {made && (
        <p class="banner ok" role="status">
          <Icon name="check" size={16} /> {t('Backed up: {name}', { name: made })}
        </p>
      )}
      {error && (
        <p class="banner warn" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function Restore() {
  const [file, setFile] = useState(null);
  const [password, setPassword] = useState('');
  const [phase, setPhase] = useState('');
  const [sent, setSent] = useState([0, 0]);
  const [job, setJob] = useState(null);
  const [outcome, setOutcome] = useState(null);
  const [error, setError] = useState('');
  useJob(phase !== '', (found) => found.kind === 'restore' && setJob(found));
  const start = async (event) => {
    event.preventDefault();
    if (!file) return;
    setPhase('upload');
    setError('');
    setOutcome(null);
    setJob(null);
    setSent([0, file.size]);
    try {
      const answer = await upload(file, password, (loaded, total) => {
        setSent([loaded, total]);
        if (loaded >= total) setPhase('check');
      });
      setOutcome(answer);
    } catch (err) {
      setError(err.message);
    } finally {
      setPhase('');
    }
  };
  const checking = phase === 'check' && job && job.state === 'running' && job.total > 0;
  return (
    <section class="card" aria-labelledby="restore-head">
      <h2 id="restore-head">{t('Restore a backup')}</h2>
      <p>
        {t(
          'The whole file is checked first (every checksum, the password); a damaged or changed file is refused and nothing changes. A good one is put in place when the hub restarts.',
        )}
      </p>
      <form onSubmit={start}>
        <label>
          {t('Backup file')}
          <input
            type="file"
            accept=".hwbackup"
            onChange={(event) => setFile(event.currentTarget.files?.[0] ?? null)}
          />
        </label>
        <label>
          {t('Password (if it was sealed with one)')}
          <input
            type="password"
            autocomplete="off"
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="primary-button" disabled={!file || phase !== ''}>
          {t('Upload and restore')}
        </button>
      </form>
      {phase === 'upload' && <Bar label={t('Uploading')} done={sent[0]} total={sent[1]} />}
      {phase === 'check' && (
        <Bar label={t('Checking')} done={checking ? job.done : 0} total={checking ? job.total : 0} />
      )}
      {outcome && (
        <p class="banner ok" role="status">
          <Icon name="check" size={16} />{' '}
          {t('Checked: {n} files from a backup made {time}. Restart the hub to put it in place.', {
            n: number(outcome.files),
            time: day(Date.parse(outcome.created_at) / 1000),
          })}
        </p>
      )}
      {error && (
        <p class="banner warn" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

export function Backups() {
  const [backups, setBackups] = useState(null);
  const [error, setError] = useState('');
  const load = () =>
    request('GET', '/api/backups').then(setBackups, (err) => setError(err.message));
  useEffect(() => {
    load();
  }, []);
  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>{t('Backups')}</h1>
      </header>
      {error && (
        <p class="banner warn" role="alert">
          {error}
        </p>
      )}
      <div class="backups">
        <Create onMade={load} />
        <Restore />
        <section class="card" aria-labelledby="backups-head">
          <h2 id="backups-head">{t('Backups on the hub')}</h2>
          {backups === null ? <p>{t('Loading…')}</p> : <BackupList backups={backups} onError={setError} />}
        </section>
      </div>
    </>
  );
}
