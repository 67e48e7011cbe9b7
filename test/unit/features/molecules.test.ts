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

test('Morgan fingerprint of ethanol equals RDKit get_morgan_fp (radius 2, 2048 bits)', async () => {
  const r = await getRDKit();
  const mol = parseSmiles(r, 'CCO');
  assert.ok(typeof mol !== 'string');
  const ref = mol.get_morgan_fp(JSON.stringify({ radius: 2, nBits: 2048 }));
  const f = morganFeaturizer(2, 2048);
  const out = new Float64Array(2048);
  f.compute(mol, out, 0);
  mol.delete();
  const on = [...out.keys()].filter((i) => out[i] > 0);
  assert.deepEqual(on, [...ref].flatMap((c, i) => (c === '1' ? [i] : [])));
  // CCO has 3 heavy atoms; radius 0/1 give 6 distinct environments (radius 2 adds none): RDKit's known bits
  assert.deepEqual(on, [80, 222, 294, 807, 1057, 1410]);
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
