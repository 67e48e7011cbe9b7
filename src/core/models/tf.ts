/**
 * TensorFlow.js backend selection for Node.
 * Order: `@tensorflow/tfjs-node` only if it happens to be resolvable (never a dependency), then the WASM backend
 * (`@tensorflow/tfjs-backend-wasm`, SIMD; its .wasm files are next to the bundles in dist/ or in node_modules), then
 * the pure-JS 'cpu' backend. Modules are required lazily so importing the engine does not load TensorFlow.js.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';

export type Tf = typeof TF;

let tfModule: Tf | null = null;
let backendPromise: Promise<string> | null = null;
let backendName: string | null = null;

function loadTf(): Tf {
  if (!tfModule) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    tfModule = require('@tensorflow/tfjs') as Tf;
  }
  return tfModule;
}

function resolvable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Directory holding tfjs-backend-wasm-simd.wasm: next to the running bundle (dist/), else the package's dist/. */
export function wasmDirectory(): string | null {
  const candidates: string[] = [];
  if (typeof __dirname === 'string') candidates.push(__dirname, join(__dirname, '..'));
  try {
    candidates.push(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch {
    /* not resolvable from here */
  }
  for (const c of candidates) if (existsSync(join(c, 'tfjs-backend-wasm-simd.wasm')) || existsSync(join(c, 'tfjs-backend-wasm.wasm'))) return c;
  return null;
}

async function selectBackend(): Promise<string> {
  const env = process.env.MI_TF_BACKEND; // 'wasm' | 'cpu' | 'tensorflow' to force (testing, troubleshooting)
  if ((!env || env === 'tensorflow') && resolvable('@tensorflow/tfjs-node')) {
    try {
      const name = '@tensorflow/tfjs-node';
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require(name);
      const tf = loadTf();
      if (await tf.setBackend('tensorflow')) {
        await tf.ready();
        return 'tensorflow';
      }
    } catch {
      /* fall through */
    }
  }
  const tf = loadTf();
  if (!env || env === 'wasm') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wasm = require('@tensorflow/tfjs-backend-wasm') as { setWasmPaths: (p: string, usePlatformFetch?: boolean) => void };
      const dir = wasmDirectory();
      if (dir) wasm.setWasmPaths(dir.endsWith('/') ? dir : dir + '/');
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        return 'wasm';
      }
    } catch {
      /* fall through to cpu */
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}

/** Initialises (once) and returns the active backend name: 'tensorflow', 'wasm' or 'cpu'. */
export function getTfBackend(): Promise<string> {
  if (!backendPromise) {
    backendPromise = selectBackend().then((name) => {
      backendName = name;
      return name;
    });
  }
  return backendPromise;
}

/** The TensorFlow.js module once a backend is ready (synchronous; null before `getTfBackend()` resolved). */
export function readyTf(): { tf: Tf; backend: string } | null {
  return backendName && tfModule ? { tf: tfModule, backend: backendName } : null;
}
