/**
 * The second half of the dashboard's script (see script.ts): the table (rows kept per task and updated in place,
 * every value set with `textContent`, never as HTML), the elapsed times, the detail view, cancelling, and the
 * wiring of the filters and the form.
 */

export const VIEW = `  // ---- rendering ---------------------------------------------------------------------------------------------
  function scheduleRender() {
    if (state.renderQueued) return;
    state.renderQueued = true;
    requestAnimationFrame(() => {
      state.renderQueued = false;
      render();
    });
  }

  function matches(task) {
    const status = byId('filter-status').value;
    const tool = byId('filter-tool').value.trim();
    return (!status || task.status === status) && (!tool || task.toolName === tool);
  }

  function render() {
    const shown = [...state.tasks.values()]
      .filter(matches)
      .sort((a, b) => b.createdAt - a.createdAt || (a.taskId < b.taskId ? 1 : -1))
      .slice(0, MAX_ROWS);
    const body = document.querySelector('#tasks tbody');
    const keep = new Set(shown.map((task) => task.taskId));
    for (const [taskId, row] of state.rows) {
      if (!keep.has(taskId)) {
        row.remove();
        state.rows.delete(taskId);
      }
    }
    for (const task of shown) body.append(rowFor(task));
    byId('empty').hidden = shown.length > 0;
    renderCounts();
    tick();
  }

  function rowFor(task) {
    let row = state.rows.get(task.taskId);
    if (!row) {
      row = document.createElement('tr');
      row.dataset.taskId = task.taskId;
      row.innerHTML = '<td class="col-id mono"></td><td class="col-tool"></td><td class="col-owner"></td>' +
        '<td class="col-status"><span class="status"></span></td>' +
        '<td class="col-progress"><div class="progress"><progress max="1"></progress><span></span></div></td>' +
        '<td class="col-message"></td><td class="col-elapsed"></td>' +
        '<td class="col-actions"><button type="button" class="cancel danger">Cancel</button></td>';
      row.addEventListener('click', (event) => {
        if (event.target.closest('button')) return;
        select(task.taskId);
      });
      row.querySelector('button.cancel').addEventListener('click', () => cancel(task.taskId));
      state.rows.set(task.taskId, row);
    }
    const cells = row.children;
    row.dataset.status = task.status;
    row.classList.toggle('selected', task.taskId === state.selected);
    cells[0].textContent = task.taskId.slice(0, 10);
    cells[0].title = task.taskId;
    cells[1].textContent = task.toolName;
    cells[2].textContent = task.owner || '';
    cells[2].title = task.owner || '';
    const badge = cells[3].firstChild;
    badge.dataset.status = task.status;
    badge.textContent = STATUS_LABEL[task.status] || task.status;
    const bar = cells[4].querySelector('progress');
    const percent = cells[4].querySelector('span');
    const fraction = task.status === 'completed' ? 1 : fractionOf(task);
    if (fraction === undefined) {
      if (ACTIVE.has(task.status)) bar.removeAttribute('value');
      else bar.value = 0;
      percent.textContent = '';
    } else {
      bar.value = fraction;
      percent.textContent = Math.round(fraction * 100) + '%';
    }
    cells[5].textContent = task.statusMessage || '';
    cells[5].title = task.statusMessage || '';
    const button = cells[7].firstChild;
    button.hidden = !ACTIVE.has(task.status);
    return row;
  }

  function fractionOf(task) {
    const progress = task.progress;
    if (!progress || !progress.total) return undefined;
    return Math.max(0, Math.min(1, progress.progress / progress.total));
  }

  function renderCounts() {
    const counts = {};
    for (const task of state.tasks.values()) counts[task.status] = (counts[task.status] || 0) + 1;
    const parts = Object.keys(STATUS_LABEL)
      .filter((status) => counts[status])
      .map((status) => counts[status] + ' ' + STATUS_LABEL[status]);
    if (state.admin && state.queueDepth !== undefined && state.queueDepth !== null) {
      parts.push(state.queueDepth + ' queued');
    }
    byId('counts').textContent = parts.join(' · ');
  }

  /** Elapsed times move every second without any event. */
  function tick() {
    const now = Date.now() + state.skew;
    for (const [taskId, row] of state.rows) {
      const task = state.tasks.get(taskId);
      if (!task) continue;
      const end = ACTIVE.has(task.status) ? now : task.lastUpdatedAt;
      row.children[6].textContent = duration(end - task.createdAt);
    }
  }

  function duration(ms) {
    const seconds = Math.max(0, ms) / 1000;
    if (seconds < 60) return seconds.toFixed(1) + 's';
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return minutes + 'm ' + String(Math.floor(seconds % 60)).padStart(2, '0') + 's';
    return Math.floor(minutes / 60) + 'h ' + String(minutes % 60).padStart(2, '0') + 'm';
  }

  // ---- detail and cancel -------------------------------------------------------------------------------------
  function select(taskId) {
    state.selected = taskId;
    byId('detail').hidden = false;
    byId('detail-id').textContent = taskId;
    byId('detail-fields').replaceChildren();
    byId('detail-sections').replaceChildren();
    scheduleRender();
    refreshDetail();
  }

  async function refreshDetail() {
    if (state.detailLoading) {
      state.detailDirty = true;
      return;
    }
    const taskId = state.selected;
    if (!taskId) return;
    state.detailLoading = true;
    try {
      const { task } = await api('tasks/' + encodeURIComponent(taskId));
      if (state.selected === taskId) renderDetail(task);
    } catch (error) {
      if (!(error instanceof Refused) && state.selected === taskId) {
        byId('detail-sections').replaceChildren(section('Error', error.message, true));
      }
    } finally {
      state.detailLoading = false;
      if (state.detailDirty) {
        state.detailDirty = false;
        refreshDetail();
      }
    }
  }

  function renderDetail(task) {
    const fields = [
      ['Tool', task.toolName],
      ['Status', STATUS_LABEL[task.status] || task.status],
      ['Message', task.statusMessage],
      ['Owner', task.owner],
      ['Created', new Date(task.createdAt).toLocaleString()],
      ['Updated', new Date(task.lastUpdatedAt).toLocaleString()],
      ['Expires', task.expiresAt ? new Date(task.expiresAt).toLocaleString() : undefined],
      ['Attempt', task.attempt + ' of ' + task.maxAttempts],
    ];
    const list = byId('detail-fields');
    list.replaceChildren();
    for (const [name, value] of fields) {
      if (value === undefined || value === '') continue;
      const term = document.createElement('dt');
      term.textContent = name;
      const definition = document.createElement('dd');
      definition.textContent = String(value);
      definition.dataset.field = name.toLowerCase();
      list.append(term, definition);
    }
    const sections = [section('Arguments', JSON.stringify(task.args, null, 2))];
    if (task.inputRequests) sections.push(section('Waiting for input', JSON.stringify(task.inputRequests, null, 2)));
    if (task.result && task.result.contents) {
      // A resource read as a task (2025-11-25): its contents, text as it is and binary ones described.
      sections.push(section('Result', task.result.contents
        .map((item) => item.text !== undefined ? item.text
          : '(' + (item.mimeType || 'binary') + ', ' + Math.floor((item.blob || '').length * 3 / 4) + ' bytes)')
        .join('\\n')));
    } else if (task.result && task.result.messages) {
      // A prompt got as a task: its messages, one "role: text" line each.
      sections.push(section('Result', task.result.messages
        .map((message) => message.role + ': ' + (message.content.type === 'text'
          ? message.content.text : JSON.stringify(message.content)))
        .join('\\n')));
    } else if (task.result) {
      const title = task.result.isError ? 'Result (error)' : 'Result';
      const text = (task.result.content || [])
        .map((block) => (block.type === 'text' ? block.text : JSON.stringify(block)))
        .join('\\n');
      const structured = task.result.structuredContent;
      // A tool returning an object gets it twice (as text and as structured content): show it once, readably.
      if (structured === undefined) sections.push(section(title, text, task.result.isError));
      else {
        if (text !== JSON.stringify(structured)) sections.push(section(title, text, task.result.isError));
        sections.push(section(text === JSON.stringify(structured) ? title : 'Structured content',
          JSON.stringify(structured, null, 2), task.result.isError));
      }
    }
    if (task.error) sections.push(section('Error', task.error.message + ' (' + task.error.code + ')', true));
    byId('detail-sections').replaceChildren(...sections);
    const button = byId('detail-cancel');
    button.hidden = !ACTIVE.has(task.status);
    button.disabled = false;
  }

  function section(title, text, isError) {
    const wrapper = document.createElement('div');
    wrapper.className = 'section';
    wrapper.dataset.section = title.toLowerCase();
    const heading = document.createElement('h3');
    heading.textContent = title;
    const pre = document.createElement('pre');
    pre.textContent = text;
    if (isError) pre.className = 'is-error';
    wrapper.append(heading, pre);
    return wrapper;
  }

  async function cancel(taskId) {
    const row = state.rows.get(taskId);
    const buttons = [row && row.querySelector('button.cancel'), taskId === state.selected && byId('detail-cancel')];
    for (const button of buttons) if (button) button.disabled = true;
    try {
      const { task } = await api('tasks/' + encodeURIComponent(taskId) + '/cancel', { method: 'POST' });
      upsert(task);
      scheduleRender();
      if (taskId === state.selected) refreshDetail();
    } catch (error) {
      if (!(error instanceof Refused)) alert('Could not cancel ' + taskId + ': ' + error.message);
    } finally {
      for (const button of buttons) if (button) button.disabled = false;
    }
  }

  // ---- wiring ------------------------------------------------------------------------------------------------
  let filterTimer;
  byId('filter-status').addEventListener('change', () => {
    scheduleRender();
    connect();
  });
  byId('filter-tool').addEventListener('input', () => {
    scheduleRender();
    clearTimeout(filterTimer);
    filterTimer = setTimeout(connect, 300);
  });
  byId('login').addEventListener('submit', (event) => {
    event.preventDefault();
    const token = byId('token-input').value.trim();
    if (!token) return;
    byId('token-input').value = '';
    sessionStorage.setItem(TOKEN_KEY, token);
    start(token);
  });
  byId('sign-out').addEventListener('click', () => signOut());
  byId('detail-close').addEventListener('click', () => {
    state.selected = null;
    byId('detail').hidden = true;
    scheduleRender();
  });
  byId('detail-cancel').addEventListener('click', () => {
    if (state.selected) cancel(state.selected);
  });
  setInterval(tick, 1000);

  const token = takeToken();
  if (token) start(token);
  else signOut();
`;
