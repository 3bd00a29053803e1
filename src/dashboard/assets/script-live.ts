/**
 * The first half of the dashboard's script (see script.ts): its state, the token (taken from a `#token=` link,
 * which is then removed from the address bar, and kept in session storage), the API calls, and the live stream,
 * read with `fetch` so the token goes in the `Authorization` header. Reconnects with backoff; a refused token
 * brings back the form.
 */

export const LIVE = `
  const ACTIVE = new Set(['working', 'input_required']);
  const STATUS_LABEL = { working: 'working', input_required: 'input required', completed: 'completed',
    failed: 'failed', cancelled: 'cancelled' };
  const TOKEN_KEY = 'taskmcp-dashboard-token:' + location.pathname;
  const MAX_ROWS = 200;
  const byId = (id) => document.getElementById(id);

  const state = {
    token: null,
    admin: false,
    tasks: new Map(),
    rows: new Map(),
    tools: new Set(),
    skew: 0,
    queueDepth: undefined,
    selected: null,
    generation: 0,
    abort: null,
    retryMs: 500,
    renderQueued: false,
    detailLoading: false,
    detailDirty: false,
  };

  class Refused extends Error {}

  // ---- token -------------------------------------------------------------------------------------------------
  function takeToken() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const fromLink = fragment.get('token');
    if (fromLink) {
      sessionStorage.setItem(TOKEN_KEY, fromLink);
      history.replaceState(null, '', location.pathname + location.search);
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    state.generation++;
    if (state.abort) state.abort.abort();
    setConnection(message ? 'refused' : 'idle', message ? 'token refused' : 'not connected');
    byId('board').hidden = true;
    byId('sign-out').hidden = true;
    byId('viewer').textContent = '';
    byId('login').hidden = false;
    byId('login-error').textContent = message || '';
    byId('token-input').focus();
  }

  function start(token) {
    state.token = token;
    byId('login').hidden = true;
    byId('board').hidden = false;
    byId('sign-out').hidden = false;
    connect();
  }

  // ---- API ---------------------------------------------------------------------------------------------------
  function headers() {
    return { authorization: 'Bearer ' + state.token };
  }

  async function api(path, init) {
    const response = await fetch('api/' + path, Object.assign({ cache: 'no-store' }, init, { headers: headers() }));
    if (response.status === 401 || response.status === 403) {
      signOut('The server refused this token (' + response.status + ').');
      throw new Refused();
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || 'HTTP ' + response.status);
    return body;
  }

  function filters() {
    const params = new URLSearchParams();
    const status = byId('filter-status').value;
    const tool = byId('filter-tool').value.trim();
    if (status) params.set('status', status);
    if (tool) params.set('tool', tool);
    return params;
  }

  // ---- live stream -------------------------------------------------------------------------------------------
  async function connect() {
    const generation = ++state.generation;
    if (state.abort) state.abort.abort();
    const abort = new AbortController();
    state.abort = abort;
    setConnection('connecting', 'connecting…');
    try {
      const response = await fetch('api/events?' + filters(), { headers: headers(), signal: abort.signal,
        cache: 'no-store' });
      if (response.status === 401 || response.status === 403) {
        signOut('The server refused this token (' + response.status + ').');
        return;
      }
      if (!response.ok || !response.body) throw new Error('HTTP ' + response.status);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end = buffer.indexOf('\\n\\n');
        while (end >= 0) {
          onEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\\n\\n');
        }
      }
    } catch (error) {
      if (abort.signal.aborted) return;
    }
    if (generation !== state.generation || abort.signal.aborted) return;
    setConnection('reconnecting', 'reconnecting…');
    setTimeout(() => {
      if (generation === state.generation) connect();
    }, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 10000);
  }

  function onEvent(block) {
    let type = 'message';
    let data = '';
    for (const line of block.split('\\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data += line.slice(5).trim();
    }
    if (!data) return;
    const payload = JSON.parse(data);
    if (type === 'snapshot') {
      state.admin = payload.viewer.admin;
      document.body.classList.toggle('admin', state.admin);
      byId('viewer').textContent = state.admin ? 'admin view: every principal' : 'your tasks';
      state.tasks.clear();
      for (const task of payload.tasks) upsert(task);
      onStats(payload);
      state.retryMs = 500;
      setConnection('live', 'live');
    } else if (type === 'task') {
      upsert(payload);
      if (payload.taskId === state.selected) refreshDetail();
    } else if (type === 'stats') {
      onStats(payload);
    } else if (type === 'failure') {
      setConnection('reconnecting', payload.message);
    }
    scheduleRender();
  }

  function onStats(payload) {
    state.skew = payload.now - Date.now();
    state.queueDepth = payload.queueDepth;
  }

  function upsert(task) {
    const known = state.tasks.get(task.taskId);
    if (known && known.lastUpdatedAt > task.lastUpdatedAt) return;
    state.tasks.set(task.taskId, task);
    if (!state.tools.has(task.toolName)) {
      state.tools.add(task.toolName);
      const option = document.createElement('option');
      option.value = task.toolName;
      byId('tools').append(option);
    }
  }

  function setConnection(kind, text) {
    const pill = byId('connection');
    pill.dataset.state = kind;
    pill.textContent = text;
  }

`;
