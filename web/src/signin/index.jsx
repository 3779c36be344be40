// Pages a person sees once, loaded on demand in their own chunk: the first run (creating the
// owner with the setup code the hub printed in its log) and opening an invite link.
import { useEffect, useState } from 'preact/hooks';

import { api } from '../api.js';
import { Icon, Spinner } from '../icons.jsx';
import { Credentials, SignInCard, TokenSwitch } from '../views/Login.jsx';

/** First run: no one can sign in yet. Only who can read the hub's log (the setup code) or its
 * data folder (the admin token) may create the owner. */
export function Setup({ onLogin, onTokenMode }) {
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    if (!code.trim() || !user.trim() || !password) {
      setError('Enter the setup code, a user name and a password.');
      return;
    }
    setBusy(true);
    setError('');
    try {
      const body = { code, user: user.trim(), password, display_name: name.trim() || null };
      onLogin(await api.setup(body));
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  };

  return (
    <SignInCard
      title="Welcome to homeweave"
      lead="Create the owner of this home. The hub printed a one-time setup code in its log when it started."
      onSubmit={submit}
    >
      <label for="code">Setup code</label>
      <input
        id="code"
        name="code"
        autocomplete="one-time-code"
        autocapitalize="characters"
        spellcheck={false}
        value={code}
        onInput={(e) => setCode(e.currentTarget.value)}
      />
      <label for="display-name">Your name</label>
      <input
        id="display-name"
        name="name"
        autocomplete="name"
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <Credentials
        user={user}
        setUser={setUser}
        password={password}
        setPassword={setPassword}
        invalid={Boolean(error)}
        fresh
      />
      <p class="hint">At least 8 characters. You can add family and guests afterwards.</p>
      {error && (
        <p class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{error}</span>
        </p>
      )}
      <button type="submit" class="primary-button" disabled={busy}>
        {busy && <Spinner label="Creating the owner…" />}
        <span>Create the owner</span>
      </button>
      <TokenSwitch onClick={onTokenMode} />
    </SignInCard>
  );
}

/** An invite link (/invite/SECRET): sign in as its guest, then show what was shared. */
export function Invite({ secret, onLogin }) {
  const [error, setError] = useState('');
  useEffect(() => {
    api.openInvite(secret).then(onLogin, (err) =>
      setError(
        err.status === 404
          ? 'This invite link does not work any more: it was revoked or has ended. Ask whoever sent it for a new one.'
          : err.message,
      ),
    );
  }, [secret]);
  return (
    <SignInCard title="You are invited" lead={error ? '' : 'Opening your invite…'}>
      {error ? (
        <p class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{error}</span>
        </p>
      ) : (
        <Spinner label="Opening your invite…" />
      )}
    </SignInCard>
  );
}
