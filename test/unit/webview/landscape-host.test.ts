// The run editor host draws a landscape map over any pair on request (`landscapeMap` → `reply` by id): from a real
// Suggest run on the OER composition simplex (sum 1, "ce_load + la_load <= 0.5"), the map over a pair the run did not
// precompute has only cells inside the space marked feasible; errors come back as `ok: false` replies; the tab is
// titled by experiment and run id.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installFakeVscode, fakePanel, Uri, waitFor } from './fake-vscode';
import type { Landscape } from '../../../src/core/bo/landscape';
import type { LandscapeGrid, RunViewData } from '../../../src/protocol/webview';
import { fullRow, insideSimplex } from './simplex';

const root = process.env.MI_ROOT ?? process.cwd();
type Editors = typeof import('../../../src/extension/editors/runResults');
let editors: Editors;
let runDir: string;

before(async () => {
  installFakeVscode();
  editors = await import('../../../src/extension/editors/runResults');
  // the extension requires dist/models.js at run time; tests run from out/, so hand the module in
  (await import('../../../src/extension/lazyModels')).useModelBundle(await import('../../../src/extension/modelBundle'));
  const { executeRun } = await import('../../../src/core/run');
  const dir = mkdtempSync(join(tmpdir(), 'mi-landscape-host-'));
  mkdirSync(join(dir, 'data'));
  cpSync(join(root, 'examples', 'bo-oer', 'oer-campaign.mi.yaml'), join(dir, 'oer-campaign.mi.yaml'));
  cpSync(join(root, 'examples', 'bo-oer', 'data', 'measured.csv'), join(dir, 'data', 'measured.csv'));
  const r = await executeRun(join(dir, 'oer-campaign.mi.yaml'), { command: 'suggest', optimize: true, runId: '20260101-000000-land' });
  assert.equal(r.manifest.status, 'completed', JSON.stringify(r.manifest.error));
  runDir = join(dir, 'runs', 'oer-campaign', '20260101-000000-land');
  assert.ok(readdirSync(runDir).includes('landscape.json'));
});


test('landscapeMap request: a pair the run did not precompute, drawn from the saved model, feasible cells only inside the simplex', async () => {
  const L = JSON.parse(readFileSync(join(runDir, 'landscape.json'), 'utf8')) as Landscape;
  const provider = new editors.RunResultsEditorProvider(Uri.file(root) as never);
  const p = fakePanel();
  provider.resolveCustomEditor(provider.openCustomDocument(Uri.file(join(runDir, 'run.mirun.json')) as never), p.panel as never);
  p.send({ type: 'ready' });
  const init = await waitFor(() => p.posted.find((m) => m.type === 'init'), 'init');
  const view = (init.data as RunViewData).landscape!;
  assert.equal(view.onDemand, true, 'the host offers maps over any pair (the run has a saved model)');
  assert.deepEqual(view.mapFeatures, L.featureNames);
  assert.equal((p.panel as unknown as { title: string }).title, 'oer-campaign · 20260101-000000-land', 'tab title: experiment · run id');

  // the reverse of the first precomputed map: the same pair, axes swapped — not among the precomputed maps
  const x = L.grid2d!.yFeature;
  const y = L.grid2d!.xFeature;
  assert.ok(![L.grid2d!, ...(L.grids ?? [])].some((g) => g.xFeature === x && g.yFeature === y));
  p.send({ type: 'request', id: 7, method: 'landscapeMap', params: { x, y } });
  const reply = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 7), 'reply 7', 30_000);
  assert.equal(reply.ok, true, String(reply.error));
  const g = reply.result as LandscapeGrid;
  assert.deepEqual([g.kind, g.xLabel, g.yLabel, g.label], ['features', x, y, `${x} × ${y}`]);
  assert.equal(g.layers?.length, 3, 'acquisition, mean and σ layers');
  let feasible = 0;
  let outside = 0;
  g.y.forEach((yv, j) => g.x.forEach((xv, i) => {
    const ok = insideSimplex(fullRow(L, { [x]: xv, [y]: yv }), L);
    assert.equal(g.feasible![j][i], ok, `${x}=${xv}, ${y}=${yv}`);
    if (ok) feasible++;
    else outside++;
  }));
  assert.ok(feasible > 50 && outside > 50, `${feasible} cells inside, ${outside} outside`);
  // transposed, it is the precomputed map
  const pre = L.grid2d!;
  g.z.forEach((row, j) => row.forEach((v, i) => assert.equal(v, pre.acquisition[i][j])));
  assert.equal(g.suggestions.length, 4, 'the 4 suggestions on the map');

  // errors are replies too
  p.send({ type: 'request', id: 8, method: 'landscapeMap', params: { x, y: 'no_such_feature' } });
  const bad = await waitFor(() => p.posted.find((m) => m.type === 'reply' && m.id === 8), 'reply 8');
  assert.equal(bad.ok, false);
  assert.match(String(bad.error), /unknown feature "no_such_feature"/);
  p.dispose();
});
