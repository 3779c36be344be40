import { useEffect, useState } from 'preact/hooks';

import { api } from '../api.js';
import { useCommand, useStore } from '../hooks.js';
import { state } from '../store.js';
import { t } from '../i18n.js';

const WAITING = ['needs pairing', 'pairing'];

/** Integrations whose hub or bridge waits for a person (it forgot our token): why, and a
 * button that starts pairing and says which button on the hub to press. */
export function Pairing() {
  useStore('*');
  const offline = [...state.devices.values()].filter((d) => !d.available).length;
  const [waiting, setWaiting] = useState([]);
  const [prompt, setPrompt] = useState({});
  const command = useCommand();
  useEffect(() => {
    // Looked at again whenever devices come or go: pairing brings them back.
    api.integrations().then(
      (all) => setWaiting(all.filter((i) => i.can_pair && WAITING.includes(i.state))),
      () => setWaiting([]),
    );
  }, [offline]);
  if (!waiting.length) return null;
  return (
    <div class="pairing" role="alert">
      {waiting.map((i) => (
        <p key={i.name} data-integration={i.name}>
          <strong>{i.name}</strong> {prompt[i.name] || i.reason}{' '}
          {i.state === 'needs pairing' && !prompt[i.name] && (
            <button
              type="button"
              class="primary-button"
              disabled={command.busy}
              onClick={() =>
                command.run(async () => {
                  const started = await api.pair(i.name);
                  setPrompt({ ...prompt, [i.name]: started.prompt });
                })
              }
            >
              {t('Pair')}
            </button>
          )}
        </p>
      ))}
      {command.error && <p class="command-error">{command.error}</p>}
    </div>
  );
}
