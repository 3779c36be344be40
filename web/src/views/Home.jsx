import { cardModel, find, isActive } from '../capabilities.js';
import { setProp } from '../components/commands.js';
import { Pairing } from '../components/Pairing.jsx';
import { Tile } from '../components/Tile.jsx';
import { Talk } from '../components/Talk.jsx';
import { formatValue, hourAtHome } from '../format.js';
import { useCommand, useStore } from '../hooks.js';
import { Icon } from '../icons.jsx';
import { Link, roomPath } from '../router.jsx';
import { shownHomes, state, usable } from '../store.js';

/** A room's climate from the first device reading it (a sensor, a thermostat). */
export function climateOf(deviceIds) {
  const parts = [];
  for (const key of ['temperature', 'relative-humidity']) {
    for (const id of deviceIds) {
      const device = state.devices.get(id);
      const prop = device && device.available && find(device, key);
      if (prop && !prop.access.includes('write') && device.values.get(prop.id) != null) {
        parts.push(formatValue(prop, device.values.get(prop.id)));
        break;
      }
    }
  }
  return parts.join(' · ');
}

/** The room's lamps that can be switched: [device, its power property]. */
function lightsOf(deviceIds) {
  return deviceIds
    .map((id) => state.devices.get(id))
    .filter((d) => d && d.type === 'light' && cardModel(d).power)
    .map((d) => [d, cardModel(d).power]);
}

/** "2 lights on" and a switch for all of the room's lamps (on if any is on; a tap turns all
 * off, or all on when none is). */
export function RoomLights({ room }) {
  useStore('*');
  const command = useCommand();
  const lights = lightsOf(room.devices);
  if (lights.length === 0) return null;
  const on = lights.filter(([d, p]) => d.available && d.values.get(p.id) === true).length;
  const flip = () =>
    command.run(() =>
      Promise.all(lights.filter(([d]) => usable(d)).map(([d, p]) => setProp(d, p, on === 0))),
    );
  return (
    <span class="room-lights">
      <span class="room-climate">{on === 0 ? 'Lights off' : `${on} ${on === 1 ? 'light' : 'lights'} on`}</span>
      <button
        type="button"
        role="switch"
        class="switch small"
        aria-checked={on > 0 ? 'true' : 'false'}
        aria-label={`All lights in ${room.name}`}
        aria-busy={command.busy ? 'true' : 'false'}
        onClick={flip}
      >
        <span class="switch-thumb" />
      </button>
    </span>
  );
}

export function RoomClimate({ devices }) {
  useStore('*');
  const text = climateOf(devices);
  return text ? <span class="room-climate">{text}</span> : null;
}

function Summary({ home }) {
  useStore('*');
  const ids = home.rooms.flatMap((r) => r.devices);
  const devices = ids.map((id) => state.devices.get(id)).filter(Boolean);
  const on = devices.filter((d) => d.available && cardModel(d).power && isActive(d)).length;
  const offline = devices.filter((d) => !d.available).length;
  const chips = [
    { icon: 'power', text: on === 0 ? 'Everything is off' : `${on} ${on === 1 ? 'device' : 'devices'} on` },
    { icon: 'rooms', text: `${counted(home.rooms.length, 'room')} · ${counted(devices.length, 'device')}` },
  ];
  if (offline) chips.push({ icon: 'offline', text: `${offline} unavailable`, warn: true });
  return (
    <ul class="summary" aria-label="Summary">
      {chips.map((chip) => (
        <li key={chip.text} class={`chip ${chip.warn ? 'warn' : ''}`}>
          <Icon name={chip.icon} size={16} />
          {chip.text}
        </li>
      ))}
    </ul>
  );
}

export function RoomSection({ room }) {
  const headingId = `room-${room.id}`;
  return (
    <section class="room-section" aria-labelledby={headingId} data-room={room.id}>
      <div class="section-head">
        <h2 id={headingId}>
          <Link href={roomPath(room.id)}>{room.name}</Link>
        </h2>
        <RoomClimate devices={room.devices} />
        <RoomLights room={room} />
        <Link href={roomPath(room.id)} class="section-link" aria-label={`Open ${room.name}`}>
          <span>
            {room.devices.length} {room.devices.length === 1 ? 'device' : 'devices'}
          </span>
          <Icon name="chevron" size={16} />
        </Link>
      </div>
      {room.devices.length === 0 ? (
        <p class="empty">No devices in this room yet.</p>
      ) : (
        <div class="tile-grid">
          {room.devices.map((id) => (
            <Tile key={id} id={id} room={room.name} />
          ))}
        </div>
      )}
    </section>
  );
}

const counted = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

function greeting() {
  const hour = hourAtHome();
  if (hour < 6) return 'Good night';
  if (hour < 12) return 'Good morning';
  if (hour < 18) return 'Good afternoon';
  return 'Good evening';
}

export function Home() {
  const s = useStore('registry');
  return (
    <>
      {shownHomes().map((home) => (
        <div class="home" key={home.id}>
          <header class="page-head">
            <p class="eyebrow">{greeting()}</p>
            <h1 tabIndex={-1}>{home.name}</h1>
            <Summary home={home} />
          </header>
          <Pairing />
          {s.member && <Talk />}
          {home.rooms.map((room) => (
            <RoomSection key={room.id} room={room} />
          ))}
        </div>
      ))}
    </>
  );
}
