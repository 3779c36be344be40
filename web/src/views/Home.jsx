import { cardModel, find, isActive } from '../capabilities.js';
import { setProp } from '../components/commands.js';
import { Pairing } from '../components/Pairing.jsx';
import { Tile } from '../components/Tile.jsx';
import { Talk } from '../components/Talk.jsx';
import { formatValue, hourAtHome } from '../format.js';
import { useCommand, useStore } from '../hooks.js';
import { Icon } from '../icons.jsx';
import { Link, roomPath } from '../router.jsx';
import { shownHomes, stale, state, usable } from '../store.js';
import { number, t, tn } from '../i18n.js';

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
      <span class="room-climate">{on === 0 ? t('Lights off') : tn(on, '{n} light on', '{n} lights on')}</span>
      <button
        type="button"
        role="switch"
        class="switch small"
        aria-checked={on > 0 ? 'true' : 'false'}
        aria-label={t('All lights in {room}', { room: room.name })}
        aria-busy={command.busy ? 'true' : 'false'}
        disabled={stale()}
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
    { icon: 'power', text: on === 0 ? t('Everything is off') : tn(on, '{n} device on', '{n} devices on') },
    { icon: 'rooms', text: `${tn(home.rooms.length, '{n} room', '{n} rooms')} · ${devicesText(devices.length)}` },
  ];
  if (offline) chips.push({ icon: 'offline', text: t('{n} unavailable', { n: number(offline) }), warn: true });
  return (
    <ul class="summary" aria-label={t('Summary')}>
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
        <Link href={roomPath(room.id)} class="section-link" aria-label={t('Open {room}', { room: room.name })}>
          <span>{devicesText(room.devices.length)}</span>
          <Icon name="chevron" size={16} />
        </Link>
      </div>
      {room.devices.length === 0 ? (
        <p class="empty">{t('No devices in this room yet.')}</p>
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

/** "1 device", "3 devices". */
export const devicesText = (n) => tn(n, '{n} device', '{n} devices');

function greeting() {
  const hour = hourAtHome();
  if (hour < 6) return t('Good night');
  if (hour < 12) return t('Good morning');
  if (hour < 18) return t('Good afternoon');
  return t('Good evening');
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
