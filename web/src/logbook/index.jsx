// The logbook, loaded on first use: what happened, newest first, with who caused it
// ("Living room lamp turned on by automation Evening · 18:02"). The sentences are the hub's
// (GET /api/logbook words them, one place for every channel); times are the home's, 24-hour.
// Shown on a device's page, a room's page and, for the whole home, at /logbook.
import './logbook.css';

import { useEffect, useState } from 'preact/hooks';

import { request } from '../api.js';
import { clock, day, isToday } from '../format.js';
import { Spinner } from '../icons.jsx';
import { devicePath, Link } from '../router.jsx';
import { onStateMessage, state } from '../store.js';
import { currentLanguage, t } from '../i18n.js';

const PAGE = 50;
const REFRESH_MS = 1500;
const PERIODS = [
  ['period|24 h', 86400],
  ['period|7 d', 7 * 86400],
];

function query(params) {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== null) q.set(key, value);
  return q.toString();
}

/** "18:02" today, "yesterday 18:02" or "Mon 12 Jan 18:02" before. */
function when(at) {
  return isToday(at) ? clock(at) : day(at);
}

function Line({ entry, links }) {
  // The hub words the whole sentence in the asked language with the cause inside it, word for
  // word (at the end in English, in the middle in German, at the start in Chinese): muted in place.
  const cause = entry.cause?.text ?? '';
  const at = cause ? entry.text.indexOf(cause) : -1;
  const sentence =
    at < 0 ? (
      entry.text
    ) : (
      <>
        {entry.text.slice(0, at)}
        <span class="logbook-cause">{cause}</span>
        {entry.text.slice(at + cause.length)}
      </>
    );
  return (
    <li class="logbook-line" data-device={entry.device} data-kind={entry.kind}>
      <span class="logbook-text">{links ? <Link href={devicePath(entry.device)}>{sentence}</Link> : sentence}</span>
      <time dateTime={new Date(entry.at * 1000).toISOString()}>{when(entry.at)}</time>
    </li>
  );
}

/** The logbook of one `device`, one `room` or (neither) the home, refreshed as changes arrive;
 * `page` lines at first, more on request. */
export function Logbook({ device = null, room = null, heading = null, periods = false, page = PAGE }) {
  const [lines, setLines] = useState(null);
  const [error, setError] = useState('');
  const [limit, setLimit] = useState(page);
  const [period, setPeriod] = useState(86400);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let timer = null;
    const concerns = (id) => !device || id === device;
    const inRoom = (id) => !room || state.devices.get(id)?.room === room;
    return onStateMessage((message) => {
      if (timer || !concerns(message.device) || !inRoom(message.device)) return;
      timer = setTimeout(() => {
        timer = null;
        setTick((t) => t + 1);
      }, REFRESH_MS);
    });
  }, [device, room]);

  const language = currentLanguage();
  useEffect(() => {
    let cancelled = false;
    const since = Math.floor(Date.now() / 1000 - period);
    // The hub words the lines in the dashboard's language.
    const asked = query({ device, room, since, limit: limit + 1, language });
    request('GET', `/api/logbook?${asked}`).then(
      (found) => {
        if (cancelled) return;
        setLines(found);
        setError('');
      },
      (err) => !cancelled && setError(err.message),
    );
    return () => {
      cancelled = true;
    };
  }, [device, room, limit, period, tick, language]);

  const id = `logbook-${device ?? room ?? 'home'}`;
  return (
    <section class="card logbook" aria-labelledby={id}>
      <div class="section-head">
        <h2 id={id}>{heading ?? t('Logbook')}</h2>
        {periods && (
          <div class="segmented" role="group" aria-label={t('Period')}>
            {PERIODS.map(([text, seconds]) => (
              <button
                key={seconds}
                type="button"
                aria-pressed={period === seconds ? 'true' : 'false'}
                onClick={() => setPeriod(seconds)}
              >
                {t(text)}
              </button>
            ))}
          </div>
        )}
      </div>
      {error && (
        <p class="command-error" role="alert">
          {error}
        </p>
      )}
      {lines === null && !error && <Spinner label={t('Loading the logbook…')} />}
      {lines && lines.length === 0 && <p class="empty">{t('Nothing happened in this period.')}</p>}
      {lines && lines.length > 0 && (
        <ol class="logbook-lines">
          {lines.slice(0, limit).map((entry) => (
            <Line key={`${entry.at}-${entry.address}`} entry={entry} links={!device} />
          ))}
        </ol>
      )}
      {lines && lines.length > limit && (
        <button type="button" class="pill-button" onClick={() => setLimit(limit + page)}>
          {t('Show more')}
        </button>
      )}
    </section>
  );
}

/** The whole home's logbook, at /logbook (from More and the sidebar). */
export function LogbookPage() {
  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>{t('Logbook')}</h1>
      </header>
      <Logbook heading={t('What happened')} periods />
    </>
  );
}
