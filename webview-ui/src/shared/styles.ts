/** Shared stylesheet of the webviews (adopted as a constructable stylesheet: no inline style attributes under the CSP). */
export const baseCss = `
:root { color-scheme: light dark; }
[hidden] { display: none !important; }
body { font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px);
  color: var(--vscode-foreground, #ccc); background: var(--vscode-editor-background, #1e1e1e); margin: 0; padding: 0 16px 24px; }
h1 { font-size: 1.4em; font-weight: 600; margin: 14px 0 4px; display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
h2 { font-size: 1.15em; font-weight: 600; margin: 18px 0 8px; }
h3 { font-size: 1em; font-weight: 600; margin: 12px 0 6px; }
.muted { color: var(--vscode-descriptionForeground, #9d9d9d); }
.badge { font-size: 0.75em; padding: 2px 8px; border-radius: 10px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em;
  background: var(--vscode-badge-background, #616161); color: var(--vscode-badge-foreground, #fff); }
.badge.completed { background: var(--vscode-testing-iconPassed, #388a34); color: #fff; }
.badge.failed, .badge.cancelled { background: var(--vscode-errorForeground, #f14c4c); color: #fff; }
.badge.running { background: var(--vscode-progressBar-background, #0e70c0); color: #fff; }
.run-progress { margin: 6px 0 2px; font-size: 0.95em; }
.run-progress progress { vertical-align: middle; width: 180px; height: 8px; accent-color: var(--vscode-progressBar-background, #0e70c0); }
.kv { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 8px 0; }
.kv dt { color: var(--vscode-descriptionForeground, #9d9d9d); }
.kv dd { margin: 0; overflow-wrap: anywhere; }
.grid { margin-top: 14px; display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 16px; }
.card { border: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border, #454545)); border-radius: 4px; padding: 8px 12px 12px; min-width: 0; }
.chart { position: relative; height: 320px; }
.chart.tall { height: 420px; }
.chart canvas { display: block; }
table.data { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.data.compact { width: auto; min-width: 50%; }
table.data th, table.data td { text-align: right; padding: 3px 8px; border-bottom: 1px solid var(--vscode-editorWidget-border, #454545); white-space: nowrap; }
table.data th:first-child, table.data td:first-child { text-align: left; }
table.data td.text, table.data th.text { text-align: left; }
table.data thead th { position: sticky; top: 0; background: var(--vscode-editor-background, #1e1e1e); }
th button.sort { all: unset; cursor: pointer; font-weight: 600; }
button.link { all: unset; cursor: pointer; color: var(--vscode-textLink-foreground, #3794ff); }
button.link:hover { text-decoration: underline; }
button.link:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0078d4); }
th button.sort:focus-visible, .focusable:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0078d4); outline-offset: 2px; }
.toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 8px 0; }
.toolbar label { color: var(--vscode-descriptionForeground, #9d9d9d); }
.warn { color: var(--vscode-editorWarning-foreground, #cca700); }
.error { color: var(--vscode-errorForeground, #f14c4c); white-space: pre-wrap; }
.status-line { min-height: 1.4em; }
.scroll-x { overflow-x: auto; }
.legend-bar { height: 10px; width: 220px; border-radius: 2px; display: inline-block; vertical-align: middle; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
vscode-tabs { margin-top: 8px; }
/* high contrast: the active tab gets the theme's contrast border, not just a thin underline */
body.vscode-high-contrast vscode-tab-header[active], body.vscode-high-contrast-light vscode-tab-header[active] {
  outline: 2px solid var(--vscode-contrastActiveBorder, var(--vscode-focusBorder, #f38518)); outline-offset: -2px; }
.chart-tools { display: flex; gap: 6px; align-items: center; flex-wrap: wrap; margin: 4px 0 0; font-size: 0.9em; }
button.chart-tool { font: inherit; color: var(--vscode-foreground, #ccc); background: var(--vscode-button-secondaryBackground, rgba(128,128,128,0.18));
  border: 1px solid var(--vscode-button-border, var(--vscode-contrastBorder, transparent)); border-radius: 2px; padding: 1px 8px; cursor: pointer; }
button.chart-tool:hover { background: var(--vscode-button-secondaryHoverBackground, rgba(128,128,128,0.3)); }
button.chart-tool:focus-visible { outline: 1px solid var(--vscode-focusBorder, #0078d4); outline-offset: 1px; }
.row-details { margin: 6px 0 0; padding: 6px 10px; border-left: 3px solid var(--vscode-focusBorder, #0078d4); background: var(--vscode-textBlockQuote-background, rgba(128,128,128,0.08)); }
.row-details .kv { grid-template-columns: max-content 1fr; margin: 4px 0 0; }
table.data th.num { text-align: right; }
vscode-single-select { min-width: 180px; }
`;
