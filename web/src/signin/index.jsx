// Pages a person sees once, loaded on demand in their own chunk: the first run (creating the
// owner with the setup code the hub printed in its log) and opening an invite link.
import { useEffect, useState } from 'preact/hooks';

import { api } from '../api.js';
import { day } from '../format.js';
import { pieces, t } from '../i18n.js';
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
      setError(t('Enter the setup code, a user name and a password.'));
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
      title={t('Welcome to homeweave')}
      lead={t('Create the owner of this home. The hub printed a one-time setup code in its log when it started.')}
      onSubmit={submit}
    >
      <label for="code">{t('Setup code')}</label>
      <input
        id="code"
        name="code"
        autocomplete="one-time-code"
        autocapitalize="characters"
        spellcheck={false}
        value={code}
        onInput={(e) => setCode(e.currentTarget.value)}
      />
      <label for="display-name">{t('Your name')}</label>
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
      <p class="hint">{t('At least 8 characters. You can add family and guests afterwards.')}</p>
      {error && (
        <p class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{error}</span>
        </p>
      )}
      <button type="submit" class="primary-button" disabled={busy}>
        {busy && <Spinner label={t('Creating the owner…')} />}
        <span>{t('Create the owner')}</span>
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
          ? t('This invite link does not work any more: it was revoked or has ended. Ask whoever sent it for a new one.')
          : err.message,
      ),
    );
  }, [secret]);
  return (
    <SignInCard title={t('You are invited')} lead={error ? '' : t('Opening your invite…')}>
      {error ? (
        <p class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{error}</span>
        </p>
      ) : (
        <Spinner label={t('Opening your invite…')} />
      )}
    </SignInCard>
  );
}

/** The local time `seconds` from now as a datetime-local value ("2026-12-06T18:00:00"). */
const localInput = (at) => {
  const d = new Date(at - new Date(at).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 19);
};

/** An admin invites a guest to a room: a link to hand over, shown once. */
export function InviteForm({ room, onClose }) {
  const [name, setName] = useState('');
  const [until, setUntil] = useState(localInput(Date.now() + 86_400_000));
  const [readOnly, setReadOnly] = useState(false);
  const [made, setMade] = useState(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      const ends = until ? new Date(until).getTime() / 1000 : null;
      const body = { room: room.id, name: name.trim() || null, until: ends, control: !readOnly };
      setMade(await api.createInvite(body));
    } catch (err) {
      setError(err.message);
    }
    setBusy(false);
  };

  if (made) {
    return (
      <div class="card login-card">
        <h2>{t('Invite link for {name}', { name: made.name })}</h2>
        <label for="invite-link">{t('Invite link')}</label>
        <input id="invite-link" readOnly value={`${location.origin}${made.link}`} />
        <p class="hint">
          {pieces(
            made.until
              ? 'Shown this once. It opens {room} on every device it is opened on until {time}; revoke it with {command}.'
              : 'Shown this once. It opens {room} on every device it is opened on until revoked; revoke it with {command}.',
            {
              room: room.name,
              time: made.until ? day(made.until) : '',
              command: <code>homeweave invite revoke {made.id}</code>,
            },
          )}
        </p>
        <button type="button" class="text-button" onClick={onClose}>
          {t('Done')}
        </button>
      </div>
    );
  }
  return (
    <form class="card login-card" onSubmit={submit} noValidate>
      <h2>{t('Invite a guest to {room}', { room: room.name })}</h2>
      <label for="guest-name">{t('Guest’s name')}</label>
      <input id="guest-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <label for="guest-until">{t('Until')}</label>
      <input
        id="guest-until"
        type="datetime-local"
        step="1"
        value={until}
        onInput={(e) => setUntil(e.currentTarget.value)}
      />
      <label>
        <input
          type="checkbox"
          checked={readOnly}
          onChange={(e) => setReadOnly(e.currentTarget.checked)}
        />{' '}
        {t('Only to look at')}
      </label>
      {error && (
        <p class="form-error" role="alert">
          <Icon name="alert" size={18} />
          <span>{error}</span>
        </p>
      )}
      <button type="submit" class="primary-button" disabled={busy}>
        <span>{t('Create the invite link')}</span>
      </button>
      <button type="button" class="text-button" onClick={onClose}>
        {t('Cancel')}
      </button>
    </form>
  );
}
