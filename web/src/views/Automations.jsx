// Automations and scenes. The hub's automations API (/api/automations) comes with the
// automations issue; until it answers, the navigation hides this view. This first version lists
// what the API returns; enable/disable, run, traces and the editor belong here.
import { useEffect, useState } from 'preact/hooks';

import { api } from '../api.js';
import { Icon, Spinner } from '../icons.jsx';

export function Automations() {
  const [items, setItems] = useState(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api
      .automations()
      .then((data) => setItems(Array.isArray(data) ? data : (data?.automations ?? [])))
      .catch((err) => setError(err.status === 404 ? 'This hub has no automations yet.' : err.message));
  }, []);
  return (
    <>
      <header class="page-head">
        <h1 tabIndex={-1}>Automations</h1>
      </header>
      {error && <p class="empty">{error}</p>}
      {!error && items === null && <Spinner label="Loading automations…" />}
      {items && (
        <ul class="card list-card">
          {items.length === 0 && <li class="empty">No automations yet.</li>}
          {items.map((item) => (
            <li key={item.id ?? item.name} class="list-row">
              <Icon name="automations" size={20} />
              <span class="list-title">{item.name ?? item.id}</span>
              {'enabled' in item && (
                <span class={`badge ${item.enabled ? 'ok' : ''}`}>{item.enabled ? 'On' : 'Off'}</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
