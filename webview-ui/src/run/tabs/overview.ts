/** Overview tab: summary, cross-validation metrics, parity plot per target, learning curve, feature relevance. */
import { fmt, h } from '../../shared/dom';
import { buildCurve } from '../charts/curve';
import { buildParity } from '../charts/parity';
import { buildRelevance } from '../charts/relevance';
import type { RunContext, RunTab } from '../context';
import { cvSkipped, goalName } from '../util';

function summary(ctx: RunContext, el: HTMLElement): void {
  const d = ctx.data;
  const m = d.manifest;
  const kv = h('dl', { class: 'kv' });
  const add = (k: string, v: string | Node): void => {
    kv.append(h('dt', {}, k), h('dd', {}, v));
  };
  add('Status', m.status + (m.finishedAt ? ` (finished ${m.finishedAt})` : ''));
  if (m.status === 'running' && m.progress) add('Progress', `${m.progress.phase}${m.progress.fraction !== undefined ? ` ${Math.round(m.progress.fraction * 100)}%` : ''} — ${m.progress.message}`);
  add('Created', m.createdAt ?? '–');
  const sha = (v: unknown): string => (v ? ` (sha256 ${String(v).slice(0, 12)}…)` : '');
  add('Spec', `${m.spec?.path || '–'}${sha(m.spec?.sha256)}`);
  if (m.dataset) add('Dataset', `${m.dataset.path || '–'} — ${m.dataset.rows} rows${m.dataset.dropped ? `, ${m.dataset.dropped} dropped` : ''}${sha(m.dataset.sha256)}`);
  add('Seed', String(m.seed));
  add('Backend', m.backend ?? '–');
  add('Model', `${m.model?.type ?? '–'}${m.features?.count ? ` on ${m.features.count} features` : ''}${m.features?.dropped?.length ? ` (${m.features.dropped.length} constant dropped)` : ''}`);
  const cands = (m.model as { candidates?: { type?: string; model?: string; score?: number; [k: string]: unknown }[] } | undefined)?.candidates;
  if (Array.isArray(cands) && cands.length) add('Models tried', cands.map((c) => `${c.type ?? c.model ?? '?'}${typeof c.score === 'number' ? ` (${fmt(c.score, 3)})` : ''}`).join(' · '));
  add('Targets', m.targets.map((t) => `${t.column}${t.unit ? ` [${t.unit}]` : ''} — ${goalName(t.goal)}`).join('; ') || '–');
  const timings = Object.entries(m.timings ?? {});
  if (timings.length) add('Timings', timings.map(([k, v]) => `${k} ${fmt(v, 3)} s`).join(' · '));
  if (m.optimize) add('Optimize', `${m.optimize.acquisition}, batch ${m.optimize.batch}, ${m.optimize.suggestions} suggestions from ${m.optimize.candidatesScored} candidates`);
  if (m.packageVersion) add('Version', `mi-studio ${m.packageVersion}`);
  const files = Object.entries(m.files ?? {});
  if (files.length) {
    const dd = h('span');
    files.forEach(([name, rel], i) => {
      if (i) dd.append(' · ');
      if (ctx.opts.canEdit && typeof rel === 'string' && !rel.endsWith('/')) {
        const b = h('button', { class: 'link', type: 'button', 'aria-label': `Open ${rel}` }, rel);
        b.addEventListener('click', () => void ctx.opts.host.request('openFile', { relPath: rel }).catch(() => undefined));
        dd.append(b);
      } else dd.append(name === 'model' ? `${String(rel)} (model)` : String(rel));
    });
    add('Files', dd);
  }
  el.append(h('h2', {}, 'Summary'), kv);
  if (m.error) {
    const e = m.error;
    const where = e.file ? `${e.file}${e.line ? `:${e.line}` : ''}${e.column !== undefined ? ` column ${e.column}` : ''}: ` : '';
    el.append(h('p', { class: 'error', role: 'alert' }, `Error: ${where}${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`));
  }
  for (const w of d.warnings) el.append(h('p', { class: 'warn' }, `⚠ ${w}`));
}

function metrics(ctx: RunContext, el: HTMLElement): void {
  const m = ctx.data.manifest;
  const cv = m.metrics?.cv ?? {};
  const targets = Object.keys(cv);
  if (!targets.length) {
    if (ctx.data.kind === 'run' && m.status !== 'running' && (cvSkipped(m) || m.status === 'completed')) {
      el.append(h('h2', {}, 'Cross-validation'), h('p', { class: 'muted', id: 'no-cv' }, cvSkipped(m) ? 'No cross-validation (cv: none): this run has no out-of-fold metrics or parity plot.' : 'No cross-validation metrics in this run.'));
    }
    return;
  }
  const cols: [string, string, boolean][] = [['mae', 'MAE', true], ['rmse', 'RMSE', true], ['r2', 'R²', false], ['spearman', 'Spearman ρ', false], ['nlpd', 'NLPD', false], ['coverage90', '90% coverage', false]];
  const table = h('table', { class: 'data compact', 'aria-label': 'Cross-validation metrics per target' },
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'target'), ...cols.map(([, l]) => h('th', { scope: 'col' }, l)))),
    h('tbody', {}, ...targets.map((t) => h('tr', {}, h('th', { scope: 'row', class: 'text' }, t), ...cols.map(([k, , unitful]) => h('td', {}, `${fmt((cv[t] as unknown as Record<string, number>)[k], 3)}${unitful ? ctx.unit(t).replace(/[[\]]/g, '') : ''}`))))),
  );
  el.append(h('h2', {}, 'Cross-validation metrics'), h('p', { class: 'muted' }, 'Out-of-fold predictions; a well-calibrated model covers about 90% of the measured values with its 90% intervals.'), h('div', { class: 'scroll-x' }, table));
}

export const overviewTab: RunTab = {
  id: 'overview',
  order: 0,
  title: (d) => (d.kind === 'simulation' ? 'About' : 'Overview'),
  available: () => true,
  news: (d) => d.kind === 'run' && d.manifest.command !== 'suggest' && d.manifest.command !== 'simulate',
  build(ctx, el) {
    summary(ctx, el);
    metrics(ctx, el);
    if (ctx.data.kind === 'simulation') return;
    const m = ctx.data.manifest;
    const grid = h('div', { class: 'grid' });
    // hide what is empty: parity only with predictions (or while CV may still bring them), curve only with points
    const running = m.status === 'running';
    const targets = m.targets.map((x) => x.column);
    const withParity = running ? (cvSkipped(m) ? [] : targets) : ctx.data.predictions ? targets : [];
    for (const t of withParity) buildParity(ctx, grid, t);
    if (m.curve.length || running) buildCurve(ctx, grid);
    buildRelevance(ctx, grid);
    if (grid.childElementCount) el.append(grid);
  },
};
