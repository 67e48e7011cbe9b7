import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const root = process.env.MI_ROOT ?? process.cwd();

/** dist/cli.js and dist/worker.js (npm run test:unit builds them first; build here when missing). */
export function ensureBuilt(): void {
  if (existsSync(join(root, 'dist/cli.js')) && existsSync(join(root, 'dist/worker.js'))) return;
  const r = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

/** A spec on a larger synthetic dataset (GP, several folds) that runs long enough to be cancelled mid-way. */
export function slowSpec(rows = 300): string {
  const dir = mkdtempSync(join(tmpdir(), 'mi-slow-'));
  const lines = ['id,x1,x2,x3,y'];
  let s = 12345;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < rows; i++) {
    const x = [rnd(), rnd(), rnd()];
    lines.push(`r${i},${x.map((v) => v.toFixed(4)).join(',')},${(Math.sin(3 * x[0]) + x[1] * x[2] + 0.05 * rnd()).toFixed(4)}`);
  }
  writeFileSync(join(dir, 'data.csv'), lines.join('\n') + '\n');
  writeFileSync(
    join(dir, 'slow.mi.yaml'),
    [
      'version: 1',
      'name: slow',
      'dataset:',
      '  path: data.csv',
      '  id: id',
      '  inputs:',
      '    - columns: [x1, x2, x3]',
      '      kind: numeric',
      '  targets:',
      '    - column: y',
      '      goal: maximize',
      'model: {type: gp, restarts: 3}',
      'evaluation: {cv: {folds: 10, repeats: 2}}',
      '',
    ].join('\n'),
  );
  return join(dir, 'slow.mi.yaml');
}
