/** The dashboard's stylesheet (served as `style.css`): system fonts, light and dark, no external resources. */

export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f7f8fa; --panel: #fff; --text: #1d2330; --muted: #667085; --line: #e3e6eb; --accent: #2f6fde;
  --working: #2f6fde; --input: #b26b00; --completed: #1f8a4c; --failed: #c4321f; --cancelled: #7a7f8a;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root { --bg: #14171c; --panel: #1c2027; --text: #e6e9ef; --muted: #98a1b2; --line: #2c323c; --accent: #6a9cff; }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
button { font: inherit; cursor: pointer; border-radius: 6px; border: 1px solid var(--line); background: var(--panel);
  color: var(--text); padding: 3px 10px; }
button:disabled { opacity: .5; cursor: default; }
button.link { border: none; background: none; color: var(--accent); padding: 2px 4px; }
button.danger { border-color: color-mix(in srgb, var(--failed) 45%, transparent); color: var(--failed); }
button.danger:hover:not(:disabled) { background: color-mix(in srgb, var(--failed) 10%, transparent); }
.top { display: flex; align-items: center; gap: 14px; padding: 12px 20px; background: var(--panel);
  border-bottom: 1px solid var(--line); }
.top h1 { font-size: 17px; margin: 0; font-weight: 600; }
.top .server { color: var(--muted); font-weight: 400; margin-left: 4px; }
.viewer { color: var(--muted); margin-left: auto; }
.pill { border-radius: 999px; padding: 1px 10px; font-size: 12px; border: 1px solid var(--line); color: var(--muted); }
.pill[data-state="live"] { color: var(--completed); border-color: color-mix(in srgb, var(--completed) 40%, transparent); }
.pill[data-state="live"]::before { content: "● "; }
.pill[data-state="reconnecting"], .pill[data-state="refused"] { color: var(--failed); }
.login { max-width: 460px; margin: 60px auto; background: var(--panel); border: 1px solid var(--line);
  border-radius: 10px; padding: 22px 26px; }
.login h2 { margin-top: 0; font-size: 17px; }
.login label { display: flex; flex-direction: column; gap: 4px; margin: 14px 0; }
.login input { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px;
  background: var(--bg); color: var(--text); }
.error { color: var(--failed); min-height: 1em; }
main { padding: 14px 20px 30px; }
.toolbar { display: flex; align-items: center; gap: 16px; margin-bottom: 12px; }
.toolbar label { display: flex; align-items: center; gap: 6px; color: var(--muted); }
.toolbar select, .toolbar input { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 6px;
  background: var(--panel); color: var(--text); }
.counts { margin-left: auto; color: var(--muted); }
.layout { display: flex; gap: 16px; align-items: flex-start; }
.table-wrap { flex: 1; min-width: 0; overflow-x: auto; }
table { width: 100%; border-collapse: collapse; background: var(--panel); border: 1px solid var(--line);
  border-radius: 10px; overflow: hidden; }
th { text-align: left; font-weight: 500; color: var(--muted); font-size: 12px; text-transform: uppercase;
  letter-spacing: .03em; padding: 8px 9px; border-bottom: 1px solid var(--line); }
td { padding: 8px 9px; border-bottom: 1px solid var(--line); vertical-align: middle; }
tbody tr:last-child td { border-bottom: none; }
tbody tr { cursor: pointer; }
tbody tr:hover, tbody tr.selected { background: color-mix(in srgb, var(--accent) 7%, transparent); }
body:not(.admin) .col-owner { display: none; }
.col-message { max-width: 220px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.col-elapsed { font-variant-numeric: tabular-nums; white-space: nowrap; }
.col-owner { color: var(--muted); max-width: 160px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.status { display: inline-block; border-radius: 999px; padding: 0 9px; font-size: 12px; font-weight: 500;
  white-space: nowrap; border: 1px solid currentColor; }
.status[data-status="working"] { color: var(--working); }
.status[data-status="input_required"] { color: var(--input); }
.status[data-status="completed"] { color: var(--completed); }
.status[data-status="failed"] { color: var(--failed); }
.status[data-status="cancelled"] { color: var(--cancelled); }
.progress { display: flex; align-items: center; gap: 6px; min-width: 124px; }
.progress span { font-variant-numeric: tabular-nums; color: var(--muted); font-size: 12px; min-width: 34px; }
progress { appearance: none; width: 84px; height: 8px; border: none; border-radius: 4px; overflow: hidden;
  background: var(--line); }
progress::-webkit-progress-bar { background: var(--line); border-radius: 4px; }
progress::-webkit-progress-value { background: var(--accent); border-radius: 4px; transition: width .3s; }
progress::-moz-progress-bar { background: var(--accent); }
tr[data-status="completed"] progress::-webkit-progress-value { background: var(--completed); }
tr[data-status="failed"] progress::-webkit-progress-value, tr[data-status="cancelled"] progress::-webkit-progress-value {
  background: var(--cancelled); }
.detail { width: 340px; flex: none; background: var(--panel); border: 1px solid var(--line); border-radius: 10px;
  padding: 4px 16px 16px; position: sticky; top: 12px; max-height: calc(100vh - 24px); overflow: auto; }
.detail header { display: flex; align-items: center; justify-content: space-between; }
.detail h2 { font-size: 15px; margin: 12px 0; }
.detail dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 0 0 12px; }
.detail dt { color: var(--muted); }
.detail dd { margin: 0; overflow-wrap: anywhere; }
.detail h3 { font-size: 13px; margin: 14px 0 4px; color: var(--muted); font-weight: 500; }
.detail pre { margin: 0; padding: 8px 10px; background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
  overflow: auto; max-height: 260px; white-space: pre-wrap; overflow-wrap: anywhere; }
.detail pre.is-error { border-color: color-mix(in srgb, var(--failed) 50%, transparent); }
.empty { color: var(--muted); text-align: center; padding: 30px; }
`;
