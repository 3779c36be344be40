import { useState } from 'preact/hooks';

import { api } from '../api.js';
import { Icon, Spinner } from '../icons.jsx';

const REJECTED =
  'That token was not accepted. Copy it again from the admin-token file in the hub’s data folder.';

export function Login({ onLogin, notice = '' }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState(notice);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    const candidate = value.trim();
    if (!candidate) {
      setError('Paste the admin token first.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      await api.homes(candidate);
      onLogin(candidate);
    } catch (err) {
      setError(err.status === 401 ? REJECTED : err.message);
      setBusy(false);
    }
  };

  return (
    <main class="login" id="main">
      <form class="card login-card" onSubmit={submit} noValidate>
        <span class="brand-mark large">
          <Icon name="home" size={30} />
        </span>
        <h1>homeweave</h1>
        <p class="login-lead">Sign in to your home with the hub’s admin token.</p>
        <label for="token">Admin token</label>
        <div class="input-row">
          <input
            id="token"
            name="token"
            type={shown ? 'text' : 'password'}
            autocomplete="current-password"
            spellcheck={false}
            autocapitalize="off"
            value={value}
            aria-invalid={error ? 'true' : 'false'}
            aria-describedby={error ? 'token-error token-help' : 'token-help'}
            onInput={(e) => setValue(e.currentTarget.value)}
          />
          <button
            type="button"
            class="text-button"
            aria-pressed={shown ? 'true' : 'false'}
            onClick={() => setShown(!shown)}
          >
            {shown ? 'Hide' : 'Show'}
          </button>
        </div>
        <p id="token-help" class="hint">
          <code>homeweave demo</code> and <code>homeweave run</code> print it on first start and
          keep it in <code>admin-token</code> in the data folder.
        </p>
        {error && (
          <p id="token-error" class="form-error" role="alert">
            <Icon name="alert" size={18} />
            <span>{error}</span>
          </p>
        )}
        <button type="submit" class="primary-button" disabled={busy}>
          {busy && <Spinner label="Checking the token…" />}
          <span>Sign in</span>
        </button>
      </form>
    </main>
  );
}
