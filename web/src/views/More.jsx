// What the phone's tab bar has no room for: energy, the logbook, the audit log, backups, the theme, signing out, and how
// big the hub's database is (and what uses it).
import { useEffect, useState } from 'preact/hooks';

import { api } from '../api.js';
import { Icon } from '../icons.jsx';
import { Link } from '../router.jsx';
import { toggleTheme, useTheme } from '../theme.js';

const USES = [
  ['history', 'Raw history'],
  ['statistics', 'Long-term statistics'],
  ['other', 'Everything else'],
];

const megabytes = (bytes) => `${(bytes / 1048576).toFixed(bytes < 10485760 ? 1 : 0)} MB`;

function Storage() {
  const [usage, setUsage] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.storage().then(setUsage, (err) => setError(err.message));
  }, []);
  if (error) return <p class="command-error" role="alert">{error}</p>;
  if (!usage || usage.backend === 'none') return null;
  const total = Math.max(1, usage.tables.history + usage.tables.statistics + usage.tables.other);
  return (
    <section class="card storage" aria-labelledby="storage-title">
      <h2 id="storage-title">Storage</h2>
      <p data-testid="storage-size">
        {megabytes(usage.file_bytes + usage.wal_bytes)}
        {usage.max_bytes ? ` of ${megabytes(usage.max_bytes)} allowed` : ''}
        {usage.raw_days ? ` · raw history kept ${usage.raw_days} days, hourly statistics for good` : ''}
      </p>
      <div class="storage-bar" aria-hidden="true">
        {USES.map(([key]) => (
          <span key={key} class={`use-${key}`} style={{ width: `${(100 * usage.tables[key]) / total}%` }} />
        ))}
      </div>
      <dl class="stats">
        {USES.map(([key, text]) => (
          <div key={key}>
            <dt>
              <span class={`swatch use-${key}`} aria-hidden="true" />
              {text}
            </dt>
            <dd>{megabytes(usage.tables[key])}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

export function More({ onLogout }) {
  const theme = useTheme();
  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>More</h1>
      </header>
      <ul class="room-tiles">
        <li>
          <Link href="/energy" class="room-tile">
            <Icon name="bolt" size={20} />
            <span class="room-tile-name">Energy</span>
            <Icon name="chevron" size={18} />
          </Link>
        </li>
        <li>
          <Link href="/logbook" class="room-tile">
            <Icon name="clock" size={20} />
            <span class="room-tile-name">Logbook</span>
            <Icon name="chevron" size={18} />
          </Link>
        </li>
        <li>
          <Link href="/audit" class="room-tile">
            <Icon name="clock" size={20} />
            <span class="room-tile-name">Audit log</span>
            <Icon name="chevron" size={18} />
          </Link>
        </li>
        <li>
          <Link href="/backups" class="room-tile">
            <Icon name="download" size={20} />
            <span class="room-tile-name">Backups</span>
            <Icon name="chevron" size={18} />
          </Link>
        </li>
        <li>
          <button type="button" class="room-tile" onClick={toggleTheme}>
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} size={20} />
            <span class="room-tile-name">{theme === 'dark' ? 'Light theme' : 'Dark theme'}</span>
          </button>
        </li>
        <li>
          <button type="button" class="room-tile" onClick={onLogout}>
            <Icon name="logout" size={20} />
            <span class="room-tile-name">Sign out</span>
          </button>
        </li>
      </ul>
      <Storage />
    </>
  );
}
