/** Small numeric sources and targets for the transfer tests: a CSV writer and a pretrain on numeric inputs. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunManifest } from '../../../src/core/run/manifest';
import { executePretrain } from '../../../src/core/transfer/pretrain';

/** Writes `rows` under `header` (numbers with 6 decimals, strings as they are). */
export function writeCsv(path: string, rows: (number | string)[][], header: string[]): void {
  writeFileSync(path, [header.join(','), ...rows.map((r) => r.map((v) => (typeof v === 'number' ? v.toFixed(6) : v)).join(','))].join('\n') + '\n');
}

/**
 * Pretrains source `name` (`models` networks, `epochs` each) on the numeric columns `inputs` → `target` of `dir/csv`
 * into the library `dir/lib`, through `<name>.mi.yaml`; asserts it completed and returns its manifest.
 */
export async function pretrainNumeric(dir: string, o: { name: string; seed?: number; csv: string; inputs: string[]; target: string; models: number; epochs: number }): Promise<RunManifest> {
  const spec = join(dir, `${o.name}.mi.yaml`);
  writeFileSync(spec, `version: 1\nname: ${o.name}\nseed: ${o.seed ?? 1}\ndataset:\n  path: ${o.csv}\n  inputs: [{columns: [${o.inputs.join(', ')}], kind: numeric}]\n  targets: [{column: ${o.target}}]\n`);
  const pre = await executePretrain(spec, { library: join(dir, 'lib'), models: o.models, epochs: o.epochs, out: join(dir, 'runs') });
  assert.equal(pre.manifest.status, 'completed', JSON.stringify(pre.manifest.error));
  return pre.manifest;
}
