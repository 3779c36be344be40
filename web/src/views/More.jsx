// What the phone's tab bar has no room for: who is signed in, energy, the logbook, the audit log,
// backups, the theme, signing out, and how big the hub's database is (and what uses it).
import { useEffect, useState } from 'preact/hooks';

import { api } from '../api.js';
import { day } from '../format.js';
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
              <span class={`legend-swatch use-${key}`} aria-hidden="true" />
              {text}
            </dt>
            <dd>{megabytes(usage.tables[key])}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

const ROLE_WORDS = { owner: 'owner', admin: 'admin', member: 'member', guest: 'guest' };

function roleText(me) {
  const roles = [...new Set(Object.values(me.roles ?? {}))].map((r) => ROLE_WORDS[r] || r);
  return roles.length ? roles.join(', ') : 'guest';
}

export function More({ me, onLogout }) {
  const theme = useTheme();
  // Signed in with the admin token there is no `me`: everything is for them.
  const roles = me ? Object.values(me.roles ?? {}) : ['owner'];
  const admin = roles.some((r) => r === 'owner' || r === 'admin');
  const guest = !roles.some((r) => r !== 'guest');
  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>More</h1>
      </header>
      {me && (
        <p class="signed-in-as">
          Signed in as <strong>{me.display_name}</strong> ({roleText(me)})
        </p>
      )}
      {me?.shares?.map((share) => (
        <p class="signed-in-as" key={share.id}>
          Shared with you: {share.room || share.device || share.home}
          {share.control ? '' : ' (to look at)'}
          {share.until ? `, until ${day(share.until)}` : ''}
        </p>
      ))}
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
        {admin && (
          <li>
            <Link href="/backups" class="room-tile">
              <Icon name="download" size={20} />
              <span class="room-tile-name">Backups</span>
              <Icon name="chevron" size={18} />
            </Link>
          </li>
        )}
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
      {!guest && <Storage />}
    </>
  );
}
