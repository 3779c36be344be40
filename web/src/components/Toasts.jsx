// Notifications from automations (their notify action), as they arrive over the WebSocket, and
// the "Undo" offered after a change made here (see ../undo.js).
import { useState } from 'preact/hooks';

import { useStore } from '../hooks.js';
import { Icon } from '../icons.jsx';
import { automationPath, Link } from '../router.jsx';
import { dismissToast, showToast } from '../store.js';
import { undo } from '../undo.js';

function UndoButton({ toast }) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await undo(toast.version);
      dismissToast(toast.key);
      showToast({ message: 'Undone.', level: 'info' });
    } catch (err) {
      dismissToast(toast.key);
      showToast({ title: 'Could not undo', message: err.message, level: 'warning' });
    }
  };
  return (
    <button type="button" class="pill-button toast-undo" disabled={busy} onClick={run}>
      Undo
    </button>
  );
}

export function Toasts() {
  const s = useStore('toasts');
  return (
    <div class="toasts" role="status" aria-live="polite" aria-label="Notifications">
      {s.toasts.map((t) => (
        <div
          key={t.key}
          class={`toast ${t.level === 'warning' ? 'is-warning' : ''}`}
          data-automation={t.automation}
        >
          <span class="toast-icon">
            <Icon name={t.level === 'warning' ? 'alert' : t.level === 'info' ? 'check' : 'bell'} size={18} />
          </span>
          <div class="toast-body">
            {t.title && <strong>{t.title}</strong>}
            <p>{t.message}</p>
            {t.trace && (
              <Link
                href={automationPath(t.automation, 'traces', t.trace)}
                onClick={() => dismissToast(t.key)}
              >
                See what happened
              </Link>
            )}
          </div>
          {t.version != null && <UndoButton toast={t} />}
          <button
            type="button"
            class="icon-button small"
            aria-label="Dismiss notification"
            onClick={() => dismissToast(t.key)}
          >
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
