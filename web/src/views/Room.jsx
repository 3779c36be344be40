import { useState } from 'preact/hooks';

import { DeviceCard } from '../components/DeviceCard.jsx';
import { LazyLogbook } from '../components/LazyLogbook.jsx';
import { RoomScenes } from '../components/SceneTiles.jsx';
import { useStore } from '../hooks.js';
import { Link } from '../router.jsx';
import { devicesText, RoomClimate } from './Home.jsx';
import { NotFound } from './NotFound.jsx';
import { t } from '../i18n.js';

export function findRoom(homes, id) {
  for (const home of homes) {
    const room = home.rooms.find((r) => r.id === id);
    if (room) return { home, room };
  }
  return null;
}

/** Admins invite a guest to the room; the form loads on demand (the sign-in pages' chunk). */
function InviteGuest({ room }) {
  const [chunk, setChunk] = useState(null);
  const [open, setOpen] = useState(false);
  if (open && chunk) return <chunk.InviteForm room={room} onClose={() => setOpen(false)} />;
  const show = () =>
    import('../signin/index.jsx').then((loaded) => {
      setChunk(loaded);
      setOpen(true);
    });
  return (
    <button type="button" class="text-button" onClick={show}>
      {t('Invite a guest')}
    </button>
  );
}

export function Room({ id }) {
  const s = useStore('registry');
  const found = findRoom(s.homes, id);
  if (!found) return <NotFound what="room" />;
  const { home, room } = found;
  return (
    <>
      <nav class="crumbs" aria-label={t('Breadcrumb')}>
        <Link href="/">{home.name}</Link>
      </nav>
      <header class="page-head">
        <h1 tabIndex={-1}>{room.name}</h1>
        <p class="page-sub">
          {devicesText(room.devices.length)}
          <RoomClimate devices={room.devices} />
        </p>
        {s.admin && <InviteGuest room={room} />}
      </header>
      <RoomScenes room={room} />
      <div class="card-grid" data-room={room.id}>
        {room.devices.map((deviceId) => (
          <DeviceCard key={deviceId} id={deviceId} room={room.name} />
        ))}
      </div>
      <LazyLogbook room={room.id} />
    </>
  );
}
