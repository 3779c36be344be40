// What the phone's tab bar has no room for: energy, the theme and signing out.
import { Icon } from '../icons.jsx';
import { Link } from '../router.jsx';
import { toggleTheme, useTheme } from '../theme.js';

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
    </>
  );
}
