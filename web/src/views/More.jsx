// What the phone's tab bar has no room for: who is signed in, energy, the logbook, the audit log,
// backups, the theme, signing out, and how big the hub's database is (and what uses it).
import { useEffect, useState } from 'preact/hooks';

import { api } from '../api.js';
import { day, fixed } from '../format.js';
import { currentLanguage, LANGUAGES, setLanguage, t, tn } from '../i18n.js';
import { Icon } from '../icons.jsx';
import { Link } from '../router.jsx';
import { toggleTheme, useTheme } from '../theme.js';

/** The language picker: the browser's language at first; a choice is remembered here. */
function Language() {
  return (
    <label class="room-tile language-picker">
      <Icon name="globe" size={20} />
      <span class="room-tile-name">{t('Language')}</span>
      <select
        aria-label={t('Language')}
        value={currentLanguage()}
        onChange={(event) => setLanguage(event.currentTarget.value)}
      >
        {Object.entries(LANGUAGES).map(([code, name]) => (
          <option key={code} value={code} lang={code}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

const USES = [
  ['history', 'Raw history'],
  ['statistics', 'Long-term statistics'],
  ['other', 'Everything else'],
];

const megabytes = (bytes) => `${fixed(bytes / 1048576, bytes < 10485760 ? 1 : 0)} MB`;

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
      <h2 id="storage-title">{t('Storage')}</h2>
      <p data-testid="storage-size">
        {megabytes(usage.file_bytes + usage.wal_bytes)}
        {usage.max_bytes ? ` ${t('of {size} allowed', { size: megabytes(usage.max_bytes) })}` : ''}
        {usage.raw_days
          ? ` · ${tn(usage.raw_days, 'raw history kept {n} day, hourly statistics for good', 'raw history kept {n} days, hourly statistics for good')}`
          : ''}
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
              {t(text)}
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
  return roles.length ? roles.map((r) => t(r)).join(', ') : t('guest');
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
        <h1 tabIndex={-1}>{t('More')}</h1>
      </header>
      {me && (
        <p class="signed-in-as">
          {t('Signed in as')} <strong>{me.display_name}</strong> ({roleText(me)})
        </p>
      )}
      {me?.shares?.map((share) => (
        <p class="signed-in-as" key={share.id}>
          {t('Shared with you: {what}', { what: share.room || share.device || share.home })}
          {share.control ? '' : ` ${t('(to look at)')}`}
          {share.until ? `, ${t('until {time}', { time: day(share.until) })}` : ''}
        </p>
      ))}
      <ul class="room-tiles">
        <li>
          <Link href="/energy" class="room-tile">
            <Icon name="bolt" size={20} />
            <span class="room-tile-name">{t('Energy')}</span>
            <Icon name="chevron" size={18} />
          </Link>
        </li>
        <li>
          <Link href="/logbook" class="room-tile">
            <Icon name="clock" size={20} />
            <span class="room-tile-name">{t('Logbook')}</span>
            <Icon name="chevron" size={18} />
          </Link>
        </li>
        <li>
          <Link href="/audit" class="room-tile">
            <Icon name="clock" size={20} />
            <span class="room-tile-name">{t('Audit log')}</span>
            <Icon name="chevron" size={18} />
          </Link>
        </li>
        {admin && (
          <li>
            <Link href="/backups" class="room-tile">
              <Icon name="download" size={20} />
              <span class="room-tile-name">{t('Backups')}</span>
              <Icon name="chevron" size={18} />
            </Link>
          </li>
        )}
        <li>
          <button type="button" class="room-tile" onClick={toggleTheme}>
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} size={20} />
            <span class="room-tile-name">{theme === 'dark' ? t('Light theme') : t('Dark theme')}</span>
          </button>
        </li>
        <li>
          <Language />
        </li>
        <li>
          <button type="button" class="room-tile" onClick={onLogout}>
            <Icon name="logout" size={20} />
            <span class="room-tile-name">{t('Sign out')}</span>
          </button>
        </li>
      </ul>
      {!guest && <Storage />}
    </>
  );
}
