// Notifications from automations (their notify action), as they arrive over the WebSocket, and
// the "Undo" offered after a change made here (see ../undo.js).
import { useState } from 'preact/hooks';

import { useStore } from '../hooks.js';
import { Icon } from '../icons.jsx';
import { automationPath, Link } from '../router.jsx';
import { dismissToast, showToast } from '../store.js';
import { undo } from '../undo.js';
import { t } from '../i18n.js';

function UndoButton({ toast }) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await undo(toast.version);
      dismissToast(toast.key);
      showToast({ message: t('Undone.'), level: 'info' });
    } catch (err) {
      dismissToast(toast.key);
      showToast({ title: t('Could not undo'), message: err.message, level: 'warning' });
    }
  };
  return (
    <button type="button" class="pill-button toast-undo" disabled={busy} onClick={run}>
      {t('Undo')}
    </button>
  );
}

export function Toasts() {
  const s = useStore('toasts');
  return (
    <div class="toasts" role="status" aria-live="polite" aria-label={t('Notifications')}>
      {s.toasts.map((toast) => (
        <div
          key={toast.key}
          class={`toast ${toast.level === 'warning' ? 'is-warning' : ''}`}
          data-automation={toast.automation}
        >
          <span class="toast-icon">
            <Icon name={toast.level === 'warning' ? 'alert' : toast.level === 'info' ? 'check' : 'bell'} size={18} />
          </span>
          <div class="toast-body">
            {toast.title && <strong>{toast.title}</strong>}
            <p>{toast.message}</p>
            {toast.trace && (
              <Link
                href={automationPath(toast.automation, 'traces', toast.trace)}
                onClick={() => dismissToast(toast.key)}
              >
                {t('See what happened')}
              </Link>
            )}
          </div>
          {toast.version != null && <UndoButton toast={toast} />}
          <button
            type="button"
            class="icon-button small"
            aria-label={t('Dismiss notification')}
            onClick={() => dismissToast(toast.key)}
          >
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
