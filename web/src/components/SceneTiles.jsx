// Scenes as tiles: the colours of the lights a scene sets (a swatch each; a lamp it turns off is
// dark), and one tap to apply it. A room page shows the scenes whose devices are all in it.
import { useEffect, useState } from 'preact/hooks';

import { request } from '../api.js';
import { kelvinHex, toHex } from '../format.js';
import { useCommand, useStore } from '../hooks.js';
import { Icon, Spinner } from '../icons.jsx';
import { stale, state } from '../store.js';
import { CommandError } from './controls.jsx';
import { lampColor } from './DeviceCard.jsx';
import { t } from '../i18n.js';

const WARM = '#ffb46b';

/** The devices a scene sets, in the order it names them. */
export const sceneDevices = (scene) => [
  ...new Set(Object.keys(scene.values).map((address) => address.split('/')[0])),
];

/** One colour per light the scene sets: its colour or white tone, else (turned on or dimmed
 * only) the lamp's own colour now; `null` for a light it turns off. */
export function sceneColors(scene) {
  return sceneDevices(scene)
    .filter((id) => Object.keys(scene.values).some((a) => a.startsWith(`${id}/light/`)))
    .map((id) => {
      const set = (key) => scene.values[`${id}/light/${key}`];
      if (set('on') === false) return null;
      if (set('color') !== undefined) return toHex(set('color'));
      if (set('color-temperature') !== undefined) return kelvinHex(set('color-temperature'));
      const device = state.devices.get(id);
      return (device && lampColor(device)) || WARM;
    });
}

/** A scene's lights as a row of swatches. */
export function SceneColors({ scene }) {
  const colors = sceneColors(scene);
  if (colors.length === 0) return null;
  return (
    <span
      class="scene-colors"
      aria-hidden="true"
      data-colors={colors.map((c) => c ?? 'off').join(' ')}
    >
      {colors.map((color, i) => (
        <span
          key={i}
          class={`scene-color ${color ? '' : 'is-off'}`}
          style={color ? { '--swatch': color } : {}}
        />
      ))}
    </span>
  );
}

export function SceneTile({ scene }) {
  useStore('connection');
  const command = useCommand();
  const apply = () =>
    command.run(async () => {
      const outcome = await request('POST', `/api/scenes/${encodeURIComponent(scene.id)}/apply`);
      const failed = outcome.devices.filter((d) => !d.ok);
      if (failed.length) throw new Error(failed.map((d) => d.error).join('; '));
    });
  const count = sceneDevices(scene).length;
  return (
    <article class="tile scene-tile" data-scene={scene.id}>
      <button
        type="button"
        class="tile-open"
        aria-label={t('Apply {scene}', { scene: scene.name })}
        disabled={command.busy || stale() || !scene.valid}
        onClick={apply}
      >
        <span class="icon-bubble is-active tint-violet">
          {command.busy ? <Spinner /> : <Icon name="scene" size={22} />}
        </span>
        <span class="card-titles">
          <span class="card-name">{scene.name}</span>
          <span class="card-status">
            <SceneColors scene={scene} />
            {count} {count === 1 ? 'device' : 'devices'}
          </span>
        </span>
      </button>
      <CommandError command={command} />
    </article>
  );
}

/** The scenes that set only devices in `room`, as tiles (nothing while the hub has none). */
export function RoomScenes({ room }) {
  const s = useStore('registry');
  const [scenes, setScenes] = useState([]);
  useEffect(() => {
    if (!s.automations) return;
    request('GET', '/api/scenes').then(setScenes, () => setScenes([]));
  }, [s.automations]);
  const inRoom = new Set(room.devices);
  const mine = scenes.filter((scene) => {
    const ids = sceneDevices(scene);
    return ids.length > 0 && ids.every((id) => inRoom.has(id));
  });
  if (mine.length === 0) return null;
  return (
    <section class="room-scenes" aria-label={t('Scenes for {room}', { room: room.name })}>
      <div class="tile-grid">
        {mine.map((scene) => (
          <SceneTile key={scene.id} scene={scene} />
        ))}
      </div>
    </section>
  );
}
