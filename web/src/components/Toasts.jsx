// Notifications from automations (their notify action), as they arrive over the WebSocket.
import { useStore } from '../hooks.js';
import { Icon } from '../icons.jsx';
import { automationPath, Link } from '../router.jsx';
import { dismissToast } from '../store.js';

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
            <Icon name={t.level === 'warning' ? 'alert' : 'bell'} size={18} />
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
