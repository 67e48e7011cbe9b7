/**
 * Loads `dist/models.js` (see modelBundle.ts) at run time, once. `createRequire` keeps esbuild from inlining the model
 * code (and TensorFlow.js) into the extension bundle.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as ModelBundle from './modelBundle';

let cached: typeof ModelBundle | undefined;

export function modelBundle(): typeof ModelBundle {
  cached ??= createRequire(__filename)(join(__dirname, 'models.js')) as typeof ModelBundle;
  return cached;
}

/** Tests (which run from out/, not dist/) hand the module in directly. */
export function useModelBundle(b: typeof ModelBundle): void {
  cached = b;
}
