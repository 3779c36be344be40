// What the phone's tab bar has no room for: who is signed in, the theme and signing out.
import { day } from '../format.js';
import { Icon } from '../icons.jsx';
import { toggleTheme, useTheme } from '../theme.js';

const ROLE_WORDS = { owner: 'owner', admin: 'admin', member: 'member', guest: 'guest' };

function roleText(me) {
  const roles = [...new Set(Object.values(me.roles ?? {}))].map((r) => ROLE_WORDS[r] || r);
  return roles.length ? roles.join(', ') : 'guest';
}

export function More({ me, onLogout }) {
  const theme = useTheme();
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
    </>
  );
}
