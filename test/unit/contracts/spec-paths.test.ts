/**
 * Issue 14 item 7: paths a spec names must stay inside the spec's folder tree (CLI) or the workspace (editor) unless
 * the user opts in; file contents never reach diagnostics; /proc, /sys, /dev are refused and fail fast.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateSpecText } from '../../../src/core/spec';
import { executeRun } from '../../../src/core/run';
import { checkSpecPath } from '../../../src/core/spec/pathPolicy';
import { parseRunArgs } from '../../../src/cli/commands/run';

function layout(): { root: string; specDir: string; spec: (body: string) => string } {
  const root = mkdtempSync(join(tmpdir(), 'mi-paths-'));
  const specDir = join(root, 'project');
  mkdirSync(specDir);
  const rows = ['id,x,y', ...Array.from({ length: 12 }, (_, i) => `r${i},${i},${(i * 0.7 + Math.sin(i)).toFixed(3)}`)];
  writeFileSync(join(root, 'outside.csv'), rows.join('\n') + '\n');
  writeFileSync(join(specDir, 'inside.csv'), rows.join('\n') + '\n');
  return {
    root,
    specDir,
    spec: (body) => {
      const p = join(specDir, 's.mi.yaml');
      writeFileSync(p, body);
      return p;
    },
  };
}

const spec = (path: string, extra = ''): string =>
  `version: 1\nname: s\ndataset:\n  path: ${path}\n  id: id\n  inputs: [{column: x, kind: numeric}]\n  targets: [{column: y}]\nmodel: {type: ridge}\nevaluation: {cv: {folds: 3}}\n${extra}`;

test('a dataset outside the spec folder is refused unless allowed; inside and ../ within the roots are fine', async () => {
  const l = layout();
  const p = l.spec(spec('../outside.csv'));
  const r = await validateSpecText(spec('../outside.csv'), p);
  const d = r.diagnostics.find((x) => x.code === 'outside-workspace');
  assert.ok(d, JSON.stringify(r.diagnostics));
  assert.equal(d.range.start.line, 3);
  assert.match(d.hint ?? '', /--allow-outside/);
  assert.equal(r.spec, undefined);
  const ok = await validateSpecText(spec('../outside.csv'), p, { paths: { allowOutside: true } });
  assert.deepEqual(ok.diagnostics.filter((x) => x.severity === 'error'), []);
  const ws = await validateSpecText(spec('../outside.csv'), p, { paths: { roots: [l.root] } });
  assert.deepEqual(ws.diagnostics.filter((x) => x.severity === 'error'), [], 'inside the workspace root');
  const inside = await validateSpecText(spec('inside.csv'), p);
  assert.deepEqual(inside.diagnostics.filter((x) => x.severity === 'error'), []);
  assert.deepEqual(parseRunArgs(['s.mi.yaml', '--allow-outside']), { spec: 's.mi.yaml', allowOutside: true });
});

test('a symlink inside the folder that points outside is refused too', async () => {
  const l = layout();
  symlinkSync(join(l.root, 'outside.csv'), join(l.specDir, 'link.csv'));
  const p = l.spec(spec('link.csv'));
  const r = await validateSpecText(spec('link.csv'), p);
  assert.ok(r.diagnostics.some((x) => x.code === 'outside-workspace'), JSON.stringify(r.diagnostics));
});

test('/etc/passwd and /proc/self/environ never reach a diagnostic', async () => {
  const l = layout();
  const p = l.spec(spec('/etc/passwd'));
  const secret = process.env.PATH ?? 'PATH';
  for (const target of ['/etc/passwd', '/proc/self/environ']) {
    for (const paths of [{}, { allowOutside: true }]) {
      const r = await validateSpecText(spec(target), p, { paths });
      const text = JSON.stringify(r.diagnostics);
      assert.ok(r.diagnostics.some((x) => x.severity === 'error'), text);
      assert.ok(!/root:|\/bin\/(ba)?sh|nologin/.test(text), `no passwd content: ${text}`);
      assert.ok(!text.includes(secret), 'no environment content');
    }
  }
  const proc = await validateSpecText(spec('/proc/self/environ'), p, { paths: { allowOutside: true } });
  assert.ok(proc.diagnostics.some((x) => x.code === 'special-file'));
});

test('output.dir outside or on /proc fails fast before any folder is created; --out is the user\'s explicit choice', async () => {
  const l = layout();
  const out = l.spec(spec('inside.csv', 'output: {dir: ../runs-outside}\n'));
  const r1 = await executeRun(out).then(() => undefined, (e: Error & { details?: { code?: string } }) => e);
  assert.equal(r1?.details?.code, 'outside-workspace');
  assert.ok(!existsSync(join(l.root, 'runs-outside')), 'nothing created outside');
  const ok = await executeRun(out, { paths: { allowOutside: true } });
  assert.equal(ok.manifest.status, 'completed', JSON.stringify(ok.manifest.error));
  assert.ok(readdirSync(join(l.root, 'runs-outside', 's')).length === 1);
  const proc = l.spec(spec('inside.csv', 'output: {dir: /proc/self/mi}\n'));
  const r2 = await executeRun(proc, { paths: { allowOutside: true } }).then(() => undefined, (e: Error & { details?: { code?: string } }) => e);
  assert.equal(r2?.details?.code, 'special-file');
  const r3 = await executeRun(l.spec(spec('inside.csv')), { out: '/sys/kernel/mi' }).then(() => undefined, (e: Error & { details?: { code?: string } }) => e);
  assert.equal(r3?.details?.code, 'special-file');
  assert.equal(checkSpecPath(out, '/dev/null', 'x', { allowOutside: true })?.code, 'special-file');
});
