// Signing in: user name and password (the hub sets its session cookie), or, for the hub's
// admin token or another API token, the token itself.
import { useState } from 'preact/hooks';

import { api } from '../api.js';
import { Icon, Spinner } from '../icons.jsx';
import { pieces, t } from '../i18n.js';

const REJECTED =
  'That token was not accepted. Copy it again from the admin-token file in the hub’s data folder.';

function Problem({ id, text }) {
  if (!text) return null;
  return (
    <p id={id} class="form-error" role="alert">
      <Icon name="alert" size={18} />
      <span>{text}</span>
    </p>
  );
}

/** The card every sign-in page shares: the brand, a heading and a lead line. */
export function SignInCard({ title = 'homeweave', lead, onSubmit, children }) {
  return (
    <main class="login" id="main">
      <form class="card login-card" onSubmit={onSubmit} noValidate>
        <span class="brand-mark large">
          <Icon name="home" size={30} />
        </span>
        <h1>{title}</h1>
        {lead && <p class="login-lead">{lead}</p>}
        {children}
      </form>
    </main>
  );
}

function TokenForm({ onToken, onPassword, notice }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState(notice);
  const [busy, setBusy] = useState(false);
  const [shown, setShown] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    const candidate = value.trim();
    if (!candidate) {
      setError(t('Paste the admin token first.'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      await api.homes(candidate);
      onToken(candidate);
    } catch (err) {
      setError(err.status === 401 ? t(REJECTED) : err.message);
      setBusy(false);
    }
  };

  return (
    <SignInCard lead={t('Sign in to your home with the hub’s admin token.')} onSubmit={submit}>
      <label for="token">{t('Admin token')}</label>
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
          {shown ? t('Hide') : t('Show')}
        </button>
      </div>
      <p id="token-help" class="hint">
        {pieces('{demo} and {run} print it on first start and keep it in {file} in the data folder.', {
          demo: <code>homeweave demo</code>,
          run: <code>homeweave run</code>,
          file: <code>admin-token</code>,
        })}
      </p>
      <Problem id="token-error" text={error} />
      <button type="submit" class="primary-button" disabled={busy}>
        {busy && <Spinner label={t('Checking the token…')} />}
        <span>{t('Sign in')}</span>
      </button>
      {onPassword && (
        <button type="button" class="text-button" onClick={onPassword}>
          {t('Use name and password instead')}
        </button>
      )}
    </SignInCard>
  );
}

/** The name and password fields (shared with the first-run page). */
export function Credentials({ user, setUser, password, setPassword, invalid, fresh = false }) {
  return (
    <>
      <label for="user">{t('User name')}</label>
      <input
        id="user"
        name="username"
        autocomplete="username"
        autocapitalize="off"
        spellcheck={false}
        value={user}
        aria-invalid={invalid ? 'true' : 'false'}
        onInput={(e) => setUser(e.currentTarget.value)}
      />
      <label for="password">{t('Password')}</label>
      <input
        id="password"
        name="password"
        type="password"
        autocomplete={fresh ? 'new-password' : 'current-password'}
        value={password}
        aria-invalid={invalid ? 'true' : 'false'}
        onInput={(e) => setPassword(e.currentTarget.value)}
      />
    </>
  );
}

export function TokenSwitch({ onClick }) {
  return (
    <button type="button" class="text-button" onClick={onClick}>
      {t('Use the admin token instead')}
    </button>
  );
}

/** The sign-in page: name and password, or (a button away, or after a token stopped working)
 * the admin token. */
export function Login({ onLogin, onToken, notice = '', withToken = false }) {
  const [tokenMode, setTokenMode] = useState(withToken);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(notice);
  const [busy, setBusy] = useState(false);

  if (tokenMode) {
    return (
      <TokenForm onToken={onToken} notice={notice} onPassword={() => setTokenMode(false)} />
    );
  }

  const submit = async (event) => {
    event.preventDefault();
    if (!user.trim() || !password) {
      setError(t('Enter your user name and password.'));
      return;
    }
    setBusy(true);
    setError('');
    try {
      onLogin(await api.login(user.trim(), password));
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  };

  return (
    <SignInCard lead={t('Sign in to your home.')} onSubmit={submit}>
      <Credentials
        user={user}
        setUser={setUser}
        password={password}
        setPassword={setPassword}
        invalid={Boolean(error) && error !== notice}
      />
      <Problem id="login-error" text={error} />
      <button type="submit" class="primary-button" disabled={busy}>
        {busy && <Spinner label={t('Signing in…')} />}
        <span>{t('Sign in')}</span>
      </button>
      <TokenSwitch onClick={() => setTokenMode(true)} />
    </SignInCard>
  );
}
