// The WebSocket (/api/ws): subscribe to everything with a snapshot, reconnect with jittered
// backoff, ping to keep idle proxies from closing it. Protocol: src/homeweave/api/ws.py.

const POLICY_VIOLATION = 1008;
const PING_MS = 25_000;
const MAX_DELAY_MS = 30_000;

export function connectLive(bearer, { onMessage, onStatus, onRejected, onReconnected }) {
  let socket = null;
  let attempt = 0;
  let retry = 0;
  let ping = 0;
  let stopped = false;
  let opened = false;

  function open() {
    const url = new URL('/api/ws', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    if (bearer) url.searchParams.set('token', bearer); // else the session cookie goes along
    socket = new WebSocket(url);
    socket.onopen = () => {
      attempt = 0;
      socket.send(JSON.stringify({ type: 'subscribe', snapshot: true }));
      onStatus('live');
      if (opened) onReconnected();
      opened = true;
      ping = setInterval(() => socket.send(JSON.stringify({ type: 'ping' })), PING_MS);
    };
    socket.onmessage = (event) => {
      try {
        onMessage(JSON.parse(event.data));
      } catch (err) {
        console.error('homeweave: bad message', err, event.data);
      }
    };
    socket.onclose = (event) => {
      clearInterval(ping);
      if (stopped) return;
      if (event.code === POLICY_VIOLATION) {
        onRejected(event.reason);
        return;
      }
      onStatus('reconnecting');
      const delay = Math.min(MAX_DELAY_MS, 500 * 2 ** attempt) * (0.5 + Math.random());
      attempt += 1;
      retry = setTimeout(open, delay);
    };
  }

  open();
  return () => {
    stopped = true;
    clearTimeout(retry);
    clearInterval(ping);
    if (socket) socket.close();
  };
}
