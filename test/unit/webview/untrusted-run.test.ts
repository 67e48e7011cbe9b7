import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateReport } from '../../../src/cli/commands/report';
import { buildRunViewData, isContainedRelPath } from '../../../src/runview/build';
import { nodeRunFolder } from '../../../src/runview/folder';
import { emptyManifest } from '../../../src/core/run/manifest';

const SECRET = existsSync('/etc/passwd') ? '/etc/passwd' : undefined;

/** A run folder as an attacker would craft it: manifest paths that climb out, an absolute path and a symlink. */
function hostileRun(): { dir: string; secret: string; marker: string } {
  const base = mkdtempSync(join(tmpdir(), 'mi-untrusted-'));
  const marker = 'TOP-SECRET-7f3a9c';
  const secret = join(base, 'secret.csv');
  writeFileSync(secret, `id,gap,gap_mean,gap_std\n${marker},1,1,1\n`);
  const dir = join(base, 'runs', 'x', 'run1');
  mkdirSync(dir, { recursive: true });
  const m = emptyManifest({ runId: 'run1', name: 'evil', status: 'completed', createdAt: '2026-01-01T00:00:00Z' });
  m.targets = [{ column: 'gap', goal: 'maximize' }];
  m.files = {
    predictions: '../../../secret.csv',
    suggestions: SECRET ?? secret,
    acquisition: 'sub/../../../../secret.csv',
    landscape: 'link.json',
    simulation: 'C:\\Windows\\win.ini',
  };
  writeFileSync(join(dir, 'run.mirun.json'), JSON.stringify(m));
  symlinkSync(secret, join(dir, 'link.json'));
  symlinkSync(secret, join(dir, 'suggestions.csv'));
  return { dir, secret, marker };
}

test('manifest file paths that leave the run folder are refused (lexically and through symlinks)', async () => {
  assert.equal(isContainedRelPath('predictions.csv'), true);
  assert.equal(isContainedRelPath('model/model.json'), true);
  for (const bad of ['../x', 'a/../../x', '/etc/passwd', 'C:\\x', '\\\\server\\x', '', 'a\0b']) assert.equal(isContainedRelPath(bad), false, bad);
  const { dir, marker } = hostileRun();
  const folder = nodeRunFolder(dir);
  assert.equal(await folder.read('../../../secret.csv'), undefined);
  assert.equal(await folder.read('link.json'), undefined, 'a symlink to a file outside is not followed');
  const data = await buildRunViewData(folder, 'run1');
  assert.equal(data.predictions, undefined);
  assert.equal(data.suggestions, undefined, 'the default suggestions.csv is a symlink out: not read either');
  assert.equal(data.landscape, undefined);
  assert.ok(!JSON.stringify(data).includes(marker));
  assert.ok(data.warnings.some((w) => /files\.predictions .* points outside the run folder: refused/.test(w)), data.warnings.join('\n'));
});

test('report on a traversal manifest never embeds /etc/passwd or any file outside the run folder', async () => {
  const { dir, marker } = hostileRun();
  const bundle = join(dir, '..', 'fake-report.js');
  writeFileSync(bundle, '/* renderer */');
  const out = await generateReport(dir, join(dir, '..', 'report.html'), bundle);
  const html = readFileSync(out, 'utf8');
  assert.ok(!html.includes(marker), 'the secret file next to the runs folder is not in the report');
  if (SECRET) assert.ok(!/root:.*:0:0:/.test(html), '/etc/passwd is not in the report');
  assert.match(html, /points outside the run folder: refused/);
});
