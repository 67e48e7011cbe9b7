// Compiles each test/unit/**/*.test.ts (and bench/*.ts) to out/ for Node's built-in test runner.
// Packages stay external (resolved from node_modules at run time), so this is fast.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { inlinePlugin } from './inline-plugin.mjs';

const root = new URL('..', import.meta.url).pathname;
function walk(dir, pred, acc = []) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p, pred, acc);
    else if (pred(p)) acc.push(relative(root, p));
  }
  return acc;
}
const dirs = process.argv.slice(2).length ? process.argv.slice(2) : ['test/unit', 'bench'];
// Clear only what this invocation compiles, so partial builds (one test folder) don't wipe the rest.
for (const d of dirs) rmSync(join(root, 'out', d), { recursive: true, force: true });
const entryPoints = dirs.flatMap((d) => walk(join(root, d), (p) => /\.(test|bench)\.ts$/.test(p)));
await esbuild.build({
  entryPoints, outdir: 'out', outbase: '.', absWorkingDir: root, bundle: true, platform: 'node', format: 'cjs',
  target: 'node20', packages: 'external', sourcemap: 'inline', logLevel: 'warning',
  define: { 'process.env.MI_ROOT': JSON.stringify(root) },
  plugins: [inlinePlugin(root)],
});
console.error(`compiled ${entryPoints.length} test/bench files to out/`);
