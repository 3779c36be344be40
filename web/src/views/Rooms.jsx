// Every room as one tile: its name, what is on, its climate; a tap opens the room.
import { cardModel, isActive } from '../capabilities.js';
import { useStore } from '../hooks.js';
import { Icon } from '../icons.jsx';
import { Link, roomPath } from '../router.jsx';
import { shownHomes, state } from '../store.js';
import { climateOf, devicesText } from './Home.jsx';
import { number, t } from '../i18n.js';

function onCount(ids) {
  return ids
    .map((id) => state.devices.get(id))
    .filter((d) => d && d.available && cardModel(d).power && isActive(d)).length;
}

export function Rooms() {
  const s = useStore('*');
  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>{t('Rooms')}</h1>
      </header>
      {shownHomes().map((home) => (
        <ul class="room-tiles" key={home.id} aria-label={home.name}>
          {home.rooms.map((room) => {
            const on = onCount(room.devices);
            const climate = climateOf(room.devices);
            const count = devicesText(room.devices.length);
            return (
              <li key={room.id} data-room={room.id}>
                <Link href={roomPath(room.id)} class="room-tile">
                  <span class="room-tile-name">{room.name}</span>
                  <span class="room-tile-status">
                    {[on ? t('{n} on', { n: number(on) }) : count, climate].filter(Boolean).join(' · ')}
                  </span>
                  <Icon name="chevron" size={18} />
                </Link>
              </li>
            );
          })}
        </ul>
      ))}
    </>
  );
}
