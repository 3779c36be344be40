import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

import { api, token, whenReachable, whenUnauthorized } from './api.js';
import { useStore } from './hooks.js';
import { Icon, Spinner } from './icons.jsx';
import { connectLive } from './live.js';
import { JobsBanner } from './components/JobsBanner.jsx';
import { Toasts } from './components/Toasts.jsx';
import { clock } from './format.js';
import { currentLanguage, onLanguage, preferred, setLanguage, t } from './i18n.js';
import { AUTOMATION_VIEWS, Link, navigate, route, roomPath, usePath } from './router.jsx';
import {
  applyMessage,
  chooseHome,
  load,
  reset,
  setAutomations,
  setConnection,
  setMember,
  setReachable,
  shownHomes,
  stale,
  state,
} from './store.js';
import './styles.css';
import { toggleTheme, useTheme } from './theme.js';
import { Home } from './views/Home.jsx';
import { Login } from './views/Login.jsx';
import { NotFound } from './views/NotFound.jsx';
import { More } from './views/More.jsx';
import { findRoom, Room } from './views/Room.jsx';
import { Rooms } from './views/Rooms.jsx';

const CONNECTION_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

function Connection() {
  const s = useStore('connection');
  return (
    <span class={`connection is-${s.connection}`} role="status" title={t('Live updates')}>
      <span class="dot" aria-hidden="true" />
      <span class="connection-text">{t(CONNECTION_TEXT[s.connection])}</span>
    </span>
  );
}

/** While the hub is out of reach, say that what is shown is the last known state. */
function Offline() {
  const s = useStore('connection');
  useEffect(() => {
    if (!s.unreachable) return undefined;
    // Calls found no hub while the live connection holds: ask now and then whether it is back.
    const probe = setInterval(() => api.homes().catch(() => {}), 5000);
    return () => clearInterval(probe);
  }, [s.unreachable]);
  if (!stale()) return null;
  return (
    <p class="banner offline-banner" role="status">
      <Icon name="offline" size={18} />
      {t('Hub offline since {time} — values as last seen; controls return with it.', { time: clock(s.offlineSince) })}
    </p>
  );
}

function NavLink({ href, current, icon, children }) {
  return (
    <li>
      <Link href={href} class="nav-link" aria-current={current ? 'page' : undefined}>
        <Icon name={icon} size={20} />
        <span>{children}</span>
      </Link>
    </li>
  );
}

/** The phone's bottom tab bar: every section one tap away (the sidebar takes over on wide
 * screens). Automations and Scenes appear once the hub has them. */
function TabBar({ here, roomOfDevice, automations }) {
  const tabs = [
    { href: '/', icon: 'home', text: t('Home'), current: here.view === 'home' },
    {
      href: '/rooms',
      icon: 'rooms',
      text: t('Rooms'),
      current: here.view === 'rooms' || here.view === 'room' || Boolean(roomOfDevice),
    },
  ];
  if (automations) {
    tabs.push(
      {
        href: '/automations',
        icon: 'automations',
        text: t('Automations'),
        current: AUTOMATION_VIEWS.has(here.view) && here.view !== 'scenes',
      },
      { href: '/scenes', icon: 'scene', text: t('Scenes'), current: here.view === 'scenes' },
    );
  }
  const more = ['more', 'energy', 'logbook', 'audit', 'backups'].includes(here.view);
  tabs.push({ href: '/more', icon: 'more', text: t('More'), current: more });
  return (
    <nav class="tabbar" aria-label={t('Sections')}>
      {tabs.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          class="tab"
          aria-current={tab.current ? 'page' : undefined}
        >
          <Icon name={tab.icon} size={22} />
          <span>{tab.text}</span>
        </Link>
      ))}
    </nav>
  );
}

/** Which home the pages show, for a person who belongs to several (Mi Home's home switcher). */
function HomeSwitcher() {
  const s = useStore('registry');
  if (s.homes.length < 2) return null;
  return (
    <select
      class="home-switcher"
      aria-label={t('Home')}
      value={shownHomes()[0]?.id}
      onChange={(e) => chooseHome(e.currentTarget.value)}
    >
      {s.homes.map((home) => (
        <option key={home.id} value={home.id}>
          {home.name}
        </option>
      ))}
    </select>
  );
}

function Brand() {
  return (
    <Link href="/" class="brand">
      <span class="brand-mark">
        <Icon name="home" size={18} />
      </span>
      <span class="brand-name">homeweave</span>
    </Link>
  );
}

function Shell({ path, onLogout, children }) {
  const s = useStore('registry');
  const theme = useTheme();
  const here = route(path);
  const roomOfDevice = here.view === 'device' ? state.devices.get(here.id)?.room : null;
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        {t('Skip to content')}
      </a>
      <header class="topbar">
        <Brand />
        <div class="topbar-actions">
          <HomeSwitcher />
          <Connection />
          <button
            type="button"
            class="icon-button"
            aria-label={theme === 'dark' ? t('Use light theme') : t('Use dark theme')}
            title={theme === 'dark' ? t('Light theme') : t('Dark theme')}
            onClick={toggleTheme}
          >
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} size={20} />
          </button>
          <button type="button" class="icon-button" aria-label={t('Log out')} title={t('Log out')} onClick={onLogout}>
            <Icon name="logout" size={20} />
          </button>
        </div>
        <JobsBanner />
      </header>
      <nav class="sidebar" aria-label={t('Main')}>
        <div class="sidebar-inner">
        <Brand />
        <ul>
          <NavLink href="/" icon="home" current={here.view === 'home'}>
            {t('Home')}
          </NavLink>
          {shownHomes().flatMap((home) =>
            home.rooms.map((room) => (
              <NavLink
                key={room.id}
                href={roomPath(room.id)}
                icon="rooms"
                current={here.id === room.id || roomOfDevice === room.id}
              >
                {room.name}
              </NavLink>
            )),
          )}
          {s.automations && (
            <NavLink
              href="/automations"
              icon="automations"
              current={AUTOMATION_VIEWS.has(here.view) && here.view !== 'scenes'}
            >
              {t('Automations')}
            </NavLink>
          )}
          {s.automations && (
            <NavLink href="/scenes" icon="scene" current={here.view === 'scenes'}>
              {t('Scenes')}
            </NavLink>
          )}
          <NavLink href="/energy" icon="bolt" current={here.view === 'energy'}>
            {t('Energy')}
          </NavLink>
          <NavLink href="/logbook" icon="clock" current={here.view === 'logbook'}>
            {t('Logbook')}
          </NavLink>
          <NavLink href="/audit" icon="clock" current={here.view === 'audit'}>
            {t('Audit log')}
          </NavLink>
          <NavLink href="/backups" icon="download" current={here.view === 'backups'}>
            {t('Backups')}
          </NavLink>
          <NavLink href="/more" icon="more" current={here.view === 'more'}>
            {t('More')}
          </NavLink>
        </ul>
        </div>
      </nav>
      <main id="main" class="main" tabIndex={-1}>
        <Offline />
        {children}
      </main>
      <TabBar here={here} roomOfDevice={roomOfDevice} automations={s.automations} />
      <Toasts />
    </div>
  );
}

function titleOf(here) {
  if (here.view === 'rooms') return t('Rooms');
  if (here.view === 'more') return t('More');
  if (here.view === 'energy') return t('Energy');
  if (here.view === 'audit') return t('Audit log');
  if (here.view === 'logbook') return t('Logbook');
  if (here.view === 'backups') return t('Backups');
  if (here.view === 'room') return findRoom(state.homes, here.id)?.room.name;
  if (here.view === 'device') return state.devices.get(here.id)?.name;
  if (AUTOMATION_VIEWS.has(here.view)) return null; // those pages name themselves
  return shownHomes()[0]?.name;
}

function View({ here, me, onLogout }) {
  const s = useStore('registry');
  if (s.loadError && !s.loaded) {
    return (
      <div class="empty-state" role="alert">
        <h1 tabIndex={-1}>{t('The hub did not answer')}</h1>
        <p>{s.loadError}</p>
        <button type="button" class="primary-button" onClick={load}>
          {t('Try again')}
        </button>
      </div>
    );
  }
  if (!s.loaded) {
    return (
      <div class="empty-state">
        <Spinner label={t('Loading your home…')} />
      </div>
    );
  }
  switch (here.view) {
    case 'home':
      return <Home />;
    case 'rooms':
      return <Rooms />;
    case 'more':
      return <More me={me} onLogout={onLogout} />;
    case 'room':
      return <Room id={here.id} />;
    case 'device':
      return <Lazy key="device" part={CHUNKS.device} render={(chunk) => <chunk.DeviceDetail id={here.id} />} />;
    case 'energy':
      return <Lazy key="energy" part={CHUNKS.energy} render={(chunk) => <chunk.EnergyPage here={here} />} />;
    case 'audit':
      return <Lazy key="audit" part={CHUNKS.audit} render={(chunk) => <chunk.AuditView here={here} />} />;
    case 'logbook':
      return <Lazy key="logbook" part={CHUNKS.logbook} render={(chunk) => <chunk.LogbookPage />} />;
    case 'backups':
      return <Lazy key="backups" part={CHUNKS.backups} render={(chunk) => <chunk.Backups />} />;
    default:
      return AUTOMATION_VIEWS.has(here.view) ? (
        <Lazy key="automations" part={CHUNKS.automations} render={(chunk) => <chunk.AutomationsView here={here} />} />
      ) : (
        <NotFound />
      );
  }
}

// Parts of the dashboard loaded on first use, each in its own chunk: automations, scenes and
// their editor; a device page; energy; the audit log; backups.
const CHUNKS = {
  // a device's page (controls, history, device info): a tap away from the first page
  device: { load: () => import('./views/Device.jsx'), label: 'Loading the device…' },
  automations: { load: () => import('./automations/index.jsx'), label: 'Loading automations…' },
  energy: { load: () => import('./energy/index.jsx'), label: 'Loading energy…' },
  audit: { load: () => import('./audit/index.jsx'), label: 'Loading the audit log…' },
  logbook: { load: () => import('./logbook/index.jsx'), label: 'Loading the logbook…' },
  backups: { load: () => import('./backups/index.jsx'), label: 'Loading backups…' },
};
const loadedChunks = new Map();

function Lazy({ part, render }) {
  const [chunk, setChunk] = useState(loadedChunks.get(part));
  const [error, setError] = useState('');
  useEffect(() => {
    if (chunk) return;
    part.load().then(
      (loaded) => {
        loadedChunks.set(part, loaded);
        setChunk(loaded);
      },
      () => setError(t('This part of the dashboard could not be loaded. Reload the page.')),
    );
  }, [part]);
  if (error) return <p class="banner warn" role="alert">{error}</p>;
  if (!chunk || loadedChunks.get(part) !== chunk) {
    return (
      <div class="empty-state">
        <Spinner label={t(part.label)} />
      </div>
    );
  }
  return render(chunk);
}

// The first-run and invite pages load on demand, in their own chunk.
let signinChunk = null;

function SignInPages({ view, ...props }) {
  const [chunk, setChunk] = useState(signinChunk);
  useEffect(() => {
    if (!chunk) {
      import('./signin/index.jsx').then((loaded) => {
        signinChunk = loaded;
        setChunk(loaded);
      });
    }
  }, []);
  if (!chunk) {
    return (
      <main class="login" id="main">
        <Spinner label={t('Loading…')} />
      </main>
    );
  }
  return view === 'invite' ? <chunk.Invite {...props} /> : <chunk.Setup {...props} />;
}

const TOKEN_ENDED = 'The hub no longer accepts this token. Sign in again.';
const SESSION_ENDED = 'You are signed out: your access has ended or was revoked.';

const isGuest = (me) => Object.values(me?.roles ?? {}).every((role) => role === 'guest');

/** Who is signed in: `checking` (asking the hub), `out` (the sign-in page), `setup` (no one
 * exists yet), `invite` (opening an invite link), `token` (an API token in localStorage) or
 * `session` (the hub's session cookie). */
function App() {
  const path = usePath();
  const here = route(path);
  const [auth, setAuth] = useState(() =>
    here.view === 'invite' ? 'invite' : token.get() ? 'token' : 'checking',
  );
  const [me, setMe] = useState(null);
  const [notice, setNotice] = useState('');
  const [withToken, setWithToken] = useState(false);
  const first = useRef(true);
  const signedIn = auth === 'token' || auth === 'session';
  useStore('registry');

  const logout = (message = '') => {
    const was = auth;
    if (!message && was === 'session') api.logout().catch(() => {});
    token.clear();
    reset();
    setMe(null);
    setNotice(message);
    setWithToken(was === 'token');
    setAuth('out');
  };
  const ended = () => logout(t(auth === 'token' ? TOKEN_ENDED : SESSION_ENDED));

  useEffect(() => {
    whenUnauthorized(ended);
    whenReachable(setReachable);
  }, [auth]);

  useEffect(() => {
    if (auth !== 'checking') return;
    // A session cookie from an earlier visit? Else: the first-run page or the sign-in page.
    api.me(null).then(
      (found) => {
        setMe(found);
        setAuth('session');
      },
      () =>
        api.setupNeeded().then(
          (setup) => setAuth(setup.needed ? 'setup' : 'out'),
          () => setAuth('out'),
        ),
    );
  }, [auth]);

  useEffect(() => {
    if (!signedIn) return undefined;
    const bearer = auth === 'token' ? token.get() : '';
    if (!me) api.me(bearer).then(setMe, () => {});
    // The automations view appears once the hub has an automations API (asked after the
    // home is on screen: the hub builds its API description on first request); not for guests.
    load()
      .then(() => api.me(bearer))
      .then((who) => {
        // Guests may not talk to the home nor see automations; admins may invite guests.
        const roles = Object.values(who.roles ?? {});
        setMember(!isGuest(who), roles.some((r) => r === 'owner' || r === 'admin'));
        return isGuest(who) ? { paths: {} } : api.openapi();
      })
      .then(
        (doc) => {
          const paths = Object.keys(doc.paths ?? {});
          setAutomations(paths.some((p) => p.startsWith('/api/automations')));
        },
        () => setAutomations(false),
      );
    return connectLive(bearer, {
      onMessage: applyMessage,
      onStatus: setConnection,
      onRejected: ended,
      onReconnected: load,
    });
  }, [auth]);

  useEffect(() => {
    const title = signedIn ? titleOf(here) : t('Sign in');
    if (title !== null) document.title = title ? `${title} · homeweave` : 'homeweave';
  });

  useEffect(() => {
    // After a client-side navigation, move focus to the new page's heading (screen readers
    // announce it; keyboard users continue from there).
    if (first.current) {
      first.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector('#main h1')?.focus());
  }, [path]);

  const signedInAs = (found) => {
    token.clear();
    setNotice('');
    setMe(found);
    setAuth('session');
    if (here.view === 'invite') navigate('/', { replace: true });
  };
  const withAdminToken = (value) => {
    token.set(value);
    setNotice('');
    setAuth('token');
  };

  if (auth === 'checking') {
    return (
      <main class="login" id="main">
        <Spinner label={t('Loading homeweave…')} />
      </main>
    );
  }
  if (auth === 'invite') return <SignInPages view="invite" secret={here.id} onLogin={signedInAs} />;
  if (auth === 'setup') {
    return (
      <SignInPages
        view="setup"
        onLogin={signedInAs}
        onTokenMode={() => {
          setWithToken(true);
          setAuth('out');
        }}
      />
    );
  }
  if (!signedIn) {
    return (
      <Login
        key={`${withToken}-${notice}`}
        notice={notice}
        withToken={withToken}
        onLogin={signedInAs}
        onToken={withAdminToken}
      />
    );
  }
  return (
    <Shell path={path} onLogout={() => logout()}>
      <View here={here} me={me} onLogout={() => logout()} />
    </Shell>
  );
}

// The static "Loading homeweave…" placeholder goes first: Preact reuses it only when the first
// root is a <div> (the shell), so with the sign-in <main> it would stay on screen above it.
const root = document.getElementById('app');
// The chosen language's table first (English has none to load); a switch renders it all anew.
const show = () => render(<App key={currentLanguage()} />, root);
setLanguage(preferred(), false)
  .catch(() => setLanguage('en', false))
  .finally(() => {
    root.replaceChildren();
    show();
    onLanguage(show);
  });
