import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadTable } from '../../../src/core/data';
import { buildFeatures } from '../../../src/core/features';
import { getRDKit, morganFeaturizer, parseSmiles, findRDKitWasm } from '../../../src/core/features/molecules';
import { MiError } from '../../../src/core/diagnostics';
import type { Spec, InputSpec } from '../../../src/core/spec/types';

const FIX = join(process.env.MI_ROOT ?? '.', 'test/fixtures/data');

function spec(inputs: InputSpec[], on_invalid: 'error' | 'skip' = 'error'): Spec {
  return {
    version: 1, name: 't', seed: 0,
    dataset: { path: 'x', on_invalid, inputs, targets: [{ column: 'Tg', goal: 'maximize' }] },
    model: { type: 'gp' }, evaluation: { cv: { folds: 5, repeats: 1 } }, output: { dir: 'runs' },
  };
}

test('the RDKit wasm is found', () => {
  assert.match(findRDKitWasm() ?? '', /RDKit_minimal\.wasm$/);
});

function morgan(r: Awaited<ReturnType<typeof getRDKit>>, smiles: string): { counts: Float64Array; rdkitBits: number[] } {
  const mol = parseSmiles(r, smiles);
  assert.ok(typeof mol !== 'string');
  const ref = mol.get_morgan_fp(JSON.stringify({ radius: 2, nBits: 2048 }));
  const counts = new Float64Array(2048);
  morganFeaturizer(2, 2048).compute(mol, counts, 0);
  mol.delete();
  return { counts, rdkitBits: [...ref].flatMap((c, i) => (c === '1' ? [i] : [])) };
}

test('Morgan count fingerprint: non-zero bins are exactly RDKit get_morgan_fp bits (radius 2, 2048)', async () => {
  const r = await getRDKit();
  for (const smi of ['CCO', 'c1ccccc1', 'CCCCCCCCCCO', 'CC(=O)Nc1ccc(O)cc1', '*CC(*)c1ccccc1']) {
    const { counts, rdkitBits } = morgan(r, smi);
    assert.deepEqual([...counts.keys()].filter((i) => counts[i] > 0), rdkitBits, smi);
  }
  // ethanol: 6 distinct environments (3 atoms at radius 0, 3 at radius 1), each once: RDKit's known bits
  const cco = morgan(r, 'CCO');
  assert.deepEqual(cco.rdkitBits, [80, 222, 294, 807, 1057, 1410]);
  assert.deepEqual(cco.rdkitBits.map((i) => cco.counts[i]), [1, 1, 1, 1, 1, 1]);
  // benzene: 3 environments (radius 0, 1, 2), each shared by all 6 atoms -> count bin ">= 4"
  const bz = morgan(r, 'c1ccccc1');
  assert.deepEqual(bz.rdkitBits.map((i) => bz.counts[i]), [4, 4, 4]);
  // bin 80 is the radius-0 CH2 environment (once in ethanol): decanol has 9 of them, saturating at the ">= 8" bin
  const dec = morgan(r, 'CCCCCCCCCCO');
  assert.equal(dec.counts[80], 8);
});

test('SMILES inputs: morgan + rdkit2d columns, polymer "*" accepted, invalid SMILES is a row error', async () => {
  const t = await loadTable(join(FIX, 'polymers.tsv'));
  const { set } = await buildFeatures(spec([{ column: 'smiles', kind: 'smiles', descriptors: ['morgan', 'rdkit2d'], radius: 2, bits: 512 }]), t);
  assert.equal(set.X.rows, 4);
  assert.ok(set.featureNames.some((n) => n.startsWith('morgan:')));
  assert.ok(set.featureNames.includes('rdkit2d:NumHeavyAtoms'));
  const j = set.featureNames.indexOf('rdkit2d:NumHeavyAtoms');
  // CCO 3, benzene 6, *CC(*)c1ccccc1 8 (the two * dummy atoms are not heavy atoms), acetic acid 4
  assert.deepEqual([0, 1, 2, 3].map((i) => set.X.data[i * set.X.cols + j]), [3, 6, 8, 4]);
  const bad = await loadTable(join(FIX, 'polymers.tsv'));
  bad.columns[0][1] = 'C1CC(';
  await assert.rejects(buildFeatures(spec([{ column: 'smiles', kind: 'smiles' }]), bad),
    (e: unknown) => e instanceof MiError && e.message === 'invalid SMILES "C1CC("' && e.details.line === 3 && e.details.column === 'smiles');
  const { set: skipped } = await buildFeatures(spec([{ column: 'smiles', kind: 'smiles' }], 'skip'), bad);
  assert.deepEqual(skipped.dropped, [{ row: 3, column: 'smiles', message: 'invalid SMILES "C1CC("' }]);
});
