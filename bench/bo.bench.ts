/**
 * BO pool scoring at scale: 10^6 candidates x 50 features scored in chunks (bounded memory), EI on a GP fitted on
 * 200 training rows. Prints one JSON line: candidates/s and peak RSS.
 */
import type { Matrix } from '../src/core/features/types';
import type { Model } from '../src/core/models/types';
import { makeSetup } from '../src/core/bo/objectives';
import { scorePool } from '../src/core/bo/score';
import type { Spec } from '../src/core/spec/types';
import { Rng } from '../src/core/bo/rng';
import { createModel, getTfBackend } from '../src/core/models';

const N = Number(process.env.BO_BENCH_N ?? 1_000_000);
const D = 50;
const NTRAIN = 200;

/** Deterministic candidate features from the row index (no storage of the pool). */
function features(start: number, end: number): Matrix {
  const rows = end - start;
  const data = new Float64Array(rows * D);
  for (let i = 0; i < rows; i++) {
    let s = (start + i + 1) * 2654435761;
    for (let j = 0; j < D; j++) {
      s = (s ^ (s << 13)) >>> 0;
      s = (s ^ (s >>> 17)) >>> 0;
      s = (s ^ (s << 5)) >>> 0;
      data[i * D + j] = s / 4294967296;
    }
  }
  return { rows, cols: D, data };
}

async function main(): Promise<void> {
  const rng = new Rng(1);
  const X: Matrix = { rows: NTRAIN, cols: D, data: new Float64Array(NTRAIN * D) };
  for (let i = 0; i < X.data.length; i++) X.data[i] = rng.next();
  const Y: Matrix = { rows: NTRAIN, cols: 1, data: new Float64Array(NTRAIN) };
  for (let i = 0; i < NTRAIN; i++) {
    let s = 0;
    for (let j = 0; j < 5; j++) s += Math.sin(3 * X.data[i * D + j]);
    Y.data[i] = s + 0.05 * rng.normal();
  }
  // initialise TensorFlow.js (WASM) so the GP can use its float32 matmul path for pool variances
  const backend = await getTfBackend();
  const modelType = (process.env.BO_BENCH_MODEL ?? 'gp') as 'gp' | 'rf-gp';
  const model: Model = createModel({ type: modelType, kernel: 'matern52', ard: false, restarts: 0 }, { seed: 1 });
  await model.fit(X, Y, { seed: 1 });
  const spec = {
    seed: 1,
    dataset: { targets: [{ column: 'y', goal: 'maximize' }] },
    optimize: { acquisition: 'ei', batch: 1 },
  } as unknown as Spec;
  const setup = makeSetup(spec, Y);
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  const res = await scorePool(model, setup, N, async (s, e) => {
    const Xc = features(s, e);
    const index = new Int32Array(e - s);
    for (let i = 0; i < index.length; i++) index[i] = s + i;
    return { X: Xc, index };
  }, { chunkSize: 8192, keepTop: 256 });
  const secs = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ bench: 'bo_pool_scoring', candidates: res.count, features: D, model: model.type, backend, train_rows: NTRAIN, seconds: Number(secs.toFixed(2)), candidates_per_s: Math.round(res.count / secs), peak_rss_mb: Math.round(peak) }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
