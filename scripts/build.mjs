// One esbuild script for every bundle: extension host, worker, CLI (Node, CJS) and the webviews (browser).
// Usage: node scripts/build.mjs [--watch] [--production]
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { inlinePlugin } from './inline-plugin.mjs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
mkdirSync(dist, { recursive: true });

const common = { bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', absWorkingDir: root };
const node = {
  ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode', '@tensorflow/tfjs-node'],
  plugins: [inlinePlugin(root)],
};
const browser = { ...common, platform: 'browser', format: 'iife', target: 'es2022' };

/** Each bundle is built only when its entry exists, so the script works at every stage of the tree. */
const bundles = [
  { ...node, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js' },
  // the model loader (TensorFlow.js inside), required by the extension host only when a saved model is needed
  { ...node, entryPoints: ['src/extension/modelBundle.ts'], outfile: 'dist/models.js' },
  { ...node, entryPoints: ['src/worker/main.ts'], outfile: 'dist/worker.js' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...browser, entryPoints: ['webview-ui/src/run/main.ts'], outfile: 'dist/webview/run.js' },
  { ...browser, entryPoints: ['webview-ui/src/dataset/main.ts'], outfile: 'dist/webview/dataset.js' },
  { ...browser, entryPoints: ['webview-ui/src/report/main.ts'], outfile: 'dist/webview/report.js' },
].filter((b) => existsSync(join(root, b.entryPoints[0])));

/** WASM payloads loaded at run time from next to the bundles (tfjs WASM backend, RDKit). */
function copyWasm() {
  const wasmDirs = ['node_modules/@tensorflow/tfjs-backend-wasm/dist', 'node_modules/@rdkit/rdkit/dist'];
  for (const d of wasmDirs) {
    const abs = join(root, d);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs)) if (f.endsWith('.wasm')) copyFileSync(join(abs, f), join(dist, f));
  }
}

copyWasm();
if (watch) {
  for (const b of bundles) await (await esbuild.context(b)).watch();
  console.error(`watching ${bundles.length} bundles`);
} else {
  await Promise.all(bundles.map((b) => esbuild.build(b)));
  console.error(`built ${bundles.map((b) => b.outfile).join(', ')}`);
}
