import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

import { api, token, whenUnauthorized } from './api.js';
import { useStore } from './hooks.js';
import { Icon, Spinner } from './icons.jsx';
import { connectLive } from './live.js';
import { Toasts } from './components/Toasts.jsx';
import { AUTOMATION_VIEWS, Link, route, roomPath, usePath } from './router.jsx';
import { applyMessage, load, reset, setAutomations, setConnection, state } from './store.js';
import './styles.css';
import { toggleTheme, useTheme } from './theme.js';
import { DeviceDetail } from './views/Device.jsx';
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
    <span class={`connection is-${s.connection}`} role="status" title="Live updates">
      <span class="dot" aria-hidden="true" />
      <span class="connection-text">{CONNECTION_TEXT[s.connection]}</span>
    </span>
  );
}

/** While the hub is out of reach, say that what is shown is the last known state. */
function Offline() {
  const s = useStore('connection');
  if (s.connection !== 'reconnecting') return null;
  return (
    <p class="banner offline-banner" role="status">
      <Icon name="offline" size={18} />
      Hub offline — showing the last known values; controls return when it is back.
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
    { href: '/', icon: 'home', text: 'Home', current: here.view === 'home' },
    {
      href: '/rooms',
      icon: 'rooms',
      text: 'Rooms',
      current: here.view === 'rooms' || here.view === 'room' || Boolean(roomOfDevice),
    },
  ];
  if (automations) {
    tabs.push(
      {
        href: '/automations',
        icon: 'automations',
        text: 'Automations',
        current: AUTOMATION_VIEWS.has(here.view) && here.view !== 'scenes',
      },
      { href: '/scenes', icon: 'scene', text: 'Scenes', current: here.view === 'scenes' },
    );
  }
  const more = ['more', 'energy', 'logbook', 'audit', 'backups'].includes(here.view);
  tabs.push({ href: '/more', icon: 'more', text: 'More', current: more });
  return (
    <nav class="tabbar" aria-label="Sections">
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
        Skip to content
      </a>
      <header class="topbar">
        <Brand />
        <div class="topbar-actions">
          <Connection />
          <button
            type="button"
            class="icon-button"
            aria-label={theme === 'dark' ? 'Use light theme' : 'Use dark theme'}
            title={theme === 'dark' ? 'Light theme' : 'Dark theme'}
            onClick={toggleTheme}
          >
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} size={20} />
          </button>
          <button type="button" class="icon-button" aria-label="Log out" title="Log out" onClick={onLogout}>
            <Icon name="logout" size={20} />
          </button>
        </div>
      </header>
      <nav class="sidebar" aria-label="Main">
        <div class="sidebar-inner">
        <Brand />
        <ul>
          <NavLink href="/" icon="home" current={here.view === 'home'}>
            Home
          </NavLink>
          {s.homes.flatMap((home) =>
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
              Automations
            </NavLink>
          )}
          {s.automations && (
            <NavLink href="/scenes" icon="scene" current={here.view === 'scenes'}>
              Scenes
            </NavLink>
          )}
          <NavLink href="/energy" icon="bolt" current={here.view === 'energy'}>
            Energy
          </NavLink>
          <NavLink href="/logbook" icon="clock" current={here.view === 'logbook'}>
            Logbook
          </NavLink>
          <NavLink href="/audit" icon="clock" current={here.view === 'audit'}>
            Audit log
          </NavLink>
          <NavLink href="/backups" icon="download" current={here.view === 'backups'}>
            Backups
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
  if (here.view === 'rooms') return 'Rooms';
  if (here.view === 'more') return 'More';
  if (here.view === 'energy') return 'Energy';
  if (here.view === 'audit') return 'Audit log';
  if (here.view === 'logbook') return 'Logbook';
  if (here.view === 'backups') return 'Backups';
  if (here.view === 'room') return findRoom(state.homes, here.id)?.room.name;
  if (here.view === 'device') return state.devices.get(here.id)?.name;
  if (AUTOMATION_VIEWS.has(here.view)) return null; // those pages name themselves
  return state.homes[0]?.name;
}

function View({ here, onLogout }) {
  const s = useStore('registry');
  if (s.loadError && !s.loaded) {
    return (
      <div class="empty-state" role="alert">
        <h1 tabIndex={-1}>The hub did not answer</h1>
        <p>{s.loadError}</p>
        <button type="button" class="primary-button" onClick={load}>
          Try again
        </button>
      </div>
    );
  }
  if (!s.loaded) {
    return (
      <div class="empty-state">
        <Spinner label="Loading your home…" />
      </div>
    );
  }
  switch (here.view) {
    case 'home':
      return <Home />;
    case 'rooms':
      return <Rooms />;
    case 'more':
      return <More onLogout={onLogout} />;
    case 'room':
      return <Room id={here.id} />;
    case 'device':
      return <DeviceDetail id={here.id} />;
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
// their editor; energy; the audit log; backups.
const CHUNKS = {
  automations: { load: () => import('./automations/index.jsx'), label: 'automations' },
  energy: { load: () => import('./energy/index.jsx'), label: 'energy' },
  audit: { load: () => import('./audit/index.jsx'), label: 'the audit log' },
  logbook: { load: () => import('./logbook/index.jsx'), label: 'the logbook' },
  backups: { load: () => import('./backups/index.jsx'), label: 'backups' },
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
      () => setError('This part of the dashboard could not be loaded. Reload the page.'),
    );
  }, [part]);
  if (error) return <p class="banner warn" role="alert">{error}</p>;
  if (!chunk) {
    return (
      <div class="empty-state">
        <Spinner label={`Loading ${part.label}…`} />
      </div>
    );
  }
  return render(chunk);
}

function App() {
  const [bearer, setBearer] = useState(token.get());
  const [notice, setNotice] = useState('');
  const path = usePath();
  const here = route(path);
  const first = useRef(true);
  useStore('registry');

  const logout = (message = '') => {
    token.clear();
    reset();
    setNotice(message);
    setBearer('');
  };

  useEffect(() => {
    whenUnauthorized(() => logout('The hub no longer accepts this token. Sign in again.'));
  }, []);

  useEffect(() => {
    if (!bearer) return undefined;
    // The automations view appears once the hub has an automations API (asked after the
    // home is on screen: the hub builds its API description on first request).
    load()
      .then(() => api.openapi())
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
      onRejected: () => logout('The hub no longer accepts this token. Sign in again.'),
      onReconnected: load,
    });
  }, [bearer]);

  useEffect(() => {
    const title = bearer ? titleOf(here) : 'Sign in';
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

  if (!bearer) {
    return (
      <Login
        notice={notice}
        onLogin={(value) => {
          token.set(value);
          setNotice('');
          setBearer(value);
        }}
      />
    );
  }
  return (
    <Shell path={path} onLogout={() => logout()}>
      <View here={here} onLogout={() => logout()} />
    </Shell>
  );
}

// The static "Loading homeweave…" placeholder goes first: Preact reuses it only when the first
// root is a <div> (the shell), so with the sign-in <main> it would stay on screen above it.
const root = document.getElementById('app');
root.replaceChildren();
render(<App />, root);
