/**
 * Suggestions tab: the suggested batch (suggestions.csv) with every column the file has (extra ones such as
 * `in_domain` and its reason are shown as they are), units in the headers, sort, select, Copy (tab-separated),
 * Export CSV and "Append to dataset as pending rows". Copied and exported cells pass `spreadsheetSafe`.
 */
import { spreadsheetSafe } from '../../../../src/core/data/csvSafe';
import { toCsv } from '../../../../src/runview/csv';
import { fmt, h } from '../../shared/dom';
import type { RunContext, RunTab } from '../context';
import { col, columnUnit, num } from '../util';

interface SortState {
  key?: string;
  desc: boolean;
}

function build(ctx: RunContext, el: HTMLElement): void {
  const s = ctx.data.suggestions;
  if (!s) return;
  const sort: SortState = { key: ctx.state.sortKey, desc: !!ctx.state.sortDesc };
  const rankCol = col(s, 'rank');
  const rankOf = (r: string[], i: number): number => (rankCol >= 0 ? Number(r[rankCol]) : i + 1);
  if (!ctx.selected.size) s.rows.forEach((r, i) => ctx.selected.add(rankOf(r, i)));
  const status = h('p', { class: 'status-line muted', role: 'status', 'aria-live': 'polite' });
  const numeric = s.header.map((_, j) => s.rows.some((r) => r[j] !== '') && s.rows.every((r) => r[j] === '' || Number.isFinite(Number(r[j]))));
  const tbody = h('tbody');
  const headRow = h('tr', {}, h('th', { scope: 'col', class: 'text' }, h('span', { class: 'sr-only' }, 'selected')));
  const table = h('table', { class: 'data', id: 'suggestions-table', 'aria-label': 'Suggested experiments' }, h('thead', {}, headRow), tbody);
  const headerCells: HTMLElement[] = [];
  const targets = ctx.data.manifest.targets;
  const idCol = col(s, 'id');
  s.header.forEach((name, j) => {
    const unit = columnUnit(name, targets);
    const btn = h('button', { class: 'sort', type: 'button', 'aria-label': `Sort by ${name}` }, unit ? `${name} [${unit}]` : name);
    const th = h('th', { scope: 'col', class: numeric[j] ? 'num' : 'text' }, btn);
    headerCells.push(th);
    btn.addEventListener('click', () => {
      sort.desc = sort.key === name ? !sort.desc : false;
      sort.key = name;
      ctx.saveState({ sortKey: sort.key, sortDesc: sort.desc });
      fill();
    });
    headRow.append(th);
  });
  const sortedRows = (): string[][] => {
    const j = sort.key ? s.header.indexOf(sort.key) : -1;
    if (j < 0) return s.rows;
    const dir = sort.desc ? -1 : 1;
    return [...s.rows].sort((a, b) => (numeric[j] ? num(a[j]) - num(b[j]) : a[j].localeCompare(b[j])) * dir);
  };
  const fill = (): void => {
    headerCells.forEach((th, j) => th.setAttribute('aria-sort', s.header[j] === sort.key ? (sort.desc ? 'descending' : 'ascending') : 'none'));
    tbody.replaceChildren(
      ...sortedRows().map((r) => {
        const rank = rankOf(r, s.rows.indexOf(r));
        const cb = h('input', { type: 'checkbox', 'aria-label': `Select suggestion ${rank}` }) as HTMLInputElement;
        cb.checked = ctx.selected.has(rank);
        cb.addEventListener('change', () => {
          if (cb.checked) ctx.selected.add(rank);
          else ctx.selected.delete(rank);
        });
        return h('tr', { 'data-rank': rank }, h('td', { class: 'text' }, cb), ...r.map((c, j) => h('td', { class: numeric[j] ? 'num' : 'text', title: j === idCol ? ctx.rowName(c) : undefined }, numeric[j] && c !== '' ? fmt(Number(c), 5) : c)));
      }),
    );
  };
  fill();
  const chosen = (): { header: string[]; rows: string[][] } => ({ header: s.header, rows: sortedRows().filter((r) => ctx.selected.has(rankOf(r, s.rows.indexOf(r)))) });
  const copyBtn = h('vscode-button', { secondary: true, id: 'copy-suggestions', 'aria-label': 'Copy selected suggestions as tab-separated text' }, 'Copy');
  copyBtn.addEventListener('click', async () => {
    const c = chosen();
    const text = [c.header, ...c.rows].map((r) => r.map((x) => spreadsheetSafe(x).replace(/[\t\r\n]+/g, ' ')).join('\t')).join('\n') + '\n';
    try {
      if (ctx.opts.canEdit) await ctx.opts.host.request('copy', { text });
      else await navigator.clipboard.writeText(text);
      status.textContent = `Copied ${c.rows.length} row(s).`;
    } catch (e) {
      status.textContent = `Copy failed: ${(e as Error).message}`;
    }
  });
  const exportBtn = h('vscode-button', { secondary: true, id: 'export-suggestions', 'aria-label': 'Export selected suggestions as CSV' }, 'Export CSV…');
  exportBtn.addEventListener('click', async () => {
    const c = chosen();
    const text = toCsv(c.header, c.rows);
    const name = `suggestions-${ctx.data.manifest.runId}.csv`;
    if (!ctx.opts.canEdit) {
      h('a', { download: name, href: URL.createObjectURL(new Blob([text], { type: 'text/csv' })) }).click();
      status.textContent = `Downloaded ${name}.`;
      return;
    }
    try {
      const r = await ctx.opts.host.request('exportCsv', { suggestedName: name, text });
      status.textContent = r.saved ? `Saved ${c.rows.length} row(s) to ${r.path}.` : 'Export cancelled.';
    } catch (e) {
      status.textContent = `Export failed: ${(e as Error).message}`;
    }
  });
  const bar = h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Suggestion actions' }, copyBtn, exportBtn);
  if (ctx.opts.canEdit) {
    const appendBtn = h('vscode-button', { id: 'append-pending', 'aria-label': 'Append selected suggestions to the dataset as pending rows (asks for confirmation)' }, 'Append to dataset as pending rows…');
    appendBtn.addEventListener('click', async () => {
      const ranks = chosen().rows.map((r) => rankOf(r, s.rows.indexOf(r)));
      if (!ranks.length) {
        status.textContent = 'Select at least one suggestion first.';
        return;
      }
      try {
        const r = await ctx.opts.host.request('appendPending', { ranks });
        status.textContent = r.cancelled ? 'Nothing written (cancelled).' : `Appended ${r.appended} pending row(s) to ${r.path}.`;
      } catch (e) {
        status.textContent = `Append failed: ${(e as Error).message}`;
      }
    });
    bar.append(appendBtn);
  }
  const m = ctx.data.manifest;
  const units = targets.filter((t) => t.unit).map((t) => `${t.column} in ${t.unit}`);
  el.append(
    h('p', { class: 'muted' }, `${s.rows.length} suggestion(s)${m.optimize ? ` by ${m.optimize.acquisition} (batch ${m.optimize.batch}) from ${m.optimize.candidatesScored} scored candidates` : ''}${ctx.data.acquisitionRows !== undefined ? `; every scored candidate is in acquisition.csv (${ctx.data.acquisitionRows} rows)` : ''}. Columns <target>_mean / _std are the model's prediction and its standard deviation${units.length ? ` (${units.join(', ')})` : ''}.`),
    bar,
    h('div', { class: 'scroll-x' }, table),
    status,
  );
}

export const suggestionsTab: RunTab = {
  id: 'suggestions',
  order: 10,
  title: (d) => `Suggestions (${d.suggestions?.rows.length ?? 0})`,
  available: (d) => !!d.suggestions,
  // a finished Suggest (or a run that suggested) opens here
  news: (d) => !!d.suggestions && d.manifest.status !== 'running',
  build,
};
