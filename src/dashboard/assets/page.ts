/**
 * The dashboard page: static markup that `app.js` fills from the JSON API. It carries no task data itself, so it
 * is served without a token; the server's title is its only dynamic part, HTML-escaped.
 */

export function pageHtml(title: string): string {
  const name = escapeHtml(title);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Tasks · ${name}</title>
<link rel="stylesheet" href="style.css">
<script src="app.js" defer></script>
</head>
<body>
<header class="top">
  <h1>Tasks <span class="server">${name}</span></h1>
  <span id="viewer" class="viewer"></span>
  <span id="connection" class="pill" data-state="idle">not connected</span>
  <button id="sign-out" type="button" class="link" hidden>Sign out</button>
</header>

<form id="login" class="login" hidden>
  <h2>Open the dashboard</h2>
  <p>Paste the dashboard's admin token, or your own access token to see your tasks.
     A link ending in <code>#token=…</code> fills it in for you.</p>
  <label>Token <input id="token-input" type="password" autocomplete="off" spellcheck="false" required></label>
  <button type="submit">Open</button>
  <p id="login-error" class="error" role="alert"></p>
</form>

<main id="board" hidden>
  <div class="toolbar">
    <label>Status
      <select id="filter-status">
        <option value="">all</option>
        <option value="working">working</option>
        <option value="input_required">input required</option>
        <option value="completed">completed</option>
        <option value="failed">failed</option>
        <option value="cancelled">cancelled</option>
      </select>
    </label>
    <label>Tool <input id="filter-tool" list="tools" placeholder="any tool" autocomplete="off"></label>
    <datalist id="tools"></datalist>
    <span id="counts" class="counts"></span>
  </div>
  <div class="layout">
    <div class="table-wrap">
    <table id="tasks">
      <thead>
        <tr>
          <th class="col-id">Task</th><th class="col-tool">Tool</th><th class="col-owner">Owner</th>
          <th class="col-status">Status</th><th class="col-progress">Progress</th><th class="col-message">Message</th>
          <th class="col-elapsed">Elapsed</th><th class="col-actions"></th>
        </tr>
      </thead>
      <tbody></tbody>
    </table>
    </div>
    <aside id="detail" class="detail" hidden>
      <header>
        <h2>Task <code id="detail-id"></code></h2>
        <button id="detail-close" type="button" class="link" aria-label="Close">✕</button>
      </header>
      <dl id="detail-fields"></dl>
      <div class="actions"><button id="detail-cancel" type="button" class="danger" hidden>Cancel task</button></div>
      <section id="detail-sections"></section>
    </aside>
  </div>
  <p id="empty" class="empty" hidden>No tasks match.</p>
</main>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
