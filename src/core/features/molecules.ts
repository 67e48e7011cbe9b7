/**
 * Molecules through RDKit's WASM build (`@rdkit/rdkit`): SMILES validation, Morgan count fingerprints (`morgan:<i>`)
 * and RDKit 2D descriptors (`rdkit2d:<name>`). Polymer repeat units with `*` attachment points are accepted
 * (RDKit parses `*` as a dummy atom).
 */
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import initRDKitModule from '@rdkit/rdkit';

type RDKit = Awaited<ReturnType<typeof initRDKitModule>>;
type Mol = NonNullable<ReturnType<RDKit['get_mol']>>;

const WASM = 'RDKit_minimal.wasm';

/** Where the RDKit wasm is: next to the bundle (dist/), or in node_modules (tests, dev). */
export function findRDKitWasm(): string | undefined {
  const dirs: string[] = [];
  if (typeof __dirname === 'string') dirs.push(__dirname, join(__dirname, '..'), join(__dirname, '..', 'dist'));
  if (process.env.MI_ROOT) dirs.push(join(process.env.MI_ROOT, 'dist'), join(process.env.MI_ROOT, 'node_modules/@rdkit/rdkit/dist'));
  try {
    dirs.push(dirname(require.resolve('@rdkit/rdkit/dist/' + WASM)));
  } catch {
    /* not resolvable from a bundle */
  }
  dirs.push(join(process.cwd(), 'node_modules/@rdkit/rdkit/dist'), join(process.cwd(), 'dist'));
  for (const d of dirs) if (existsSync(join(d, WASM))) return join(d, WASM);
  return undefined;
}

let rdkit: Promise<RDKit> | undefined;

/** The RDKit module, initialised once. */
export function getRDKit(): Promise<RDKit> {
  if (!rdkit) {
    const wasm = findRDKitWasm();
    const opts = wasm ? { locateFile: (f: string) => (f.endsWith('.wasm') ? wasm : f) } : undefined;
    rdkit = initRDKitModule(opts).then((r) => {
      try {
        r.disable_logging();
      } catch {
        /* older builds */
      }
      return r;
    });
    rdkit.catch(() => (rdkit = undefined));
  }
  return rdkit;
}

/**
 * Largest SMILES given to RDKit: 5,000 characters and 600 atoms. RDKit's WASM build recurses along chains and traps
 * (out-of-bounds memory access) from about 820 atoms in a linear chain, after which the module is unusable; materials
 * datasets' molecules and polymer repeat units are far smaller. Larger ones become row errors instead.
 */
export const MAX_SMILES_LENGTH = 5000;
export const MAX_SMILES_ATOMS = 600;

const ATOM = /\[[^\]]*\]|Cl|Br|[BCNOPSFI]|[bcnops]|\*/g;

/** Atoms written in a SMILES (bracket atoms, organic-subset atoms, `*`); hydrogens implied are not counted. */
export function smilesAtomCount(s: string): number {
  return s.match(ATOM)?.length ?? 0;
}

function shortSmiles(s: string): string {
  return s.length > 80 ? `${s.slice(0, 60)}… (${s.length} characters)` : s;
}

/** RDKit threw (a WASM trap, not a parse failure): the module is reset and the caller must stop using it. */
export class RdkitTrap extends Error {
  constructor(readonly smiles: string, cause: unknown) {
    super(`RDKit failed on SMILES "${shortSmiles(smiles)}" (${cause instanceof Error ? cause.message : 'WebAssembly exception'})`);
    this.name = 'RdkitTrap';
    rdkit = undefined;
  }
}

/** Parses a SMILES; returns the molecule or an error message. The caller must delete() the molecule. */
export function parseSmiles(r: RDKit, smiles: string): Mol | string {
  if (smiles.length > MAX_SMILES_LENGTH) return `SMILES too long: ${smiles.length} characters (at most ${MAX_SMILES_LENGTH}) "${shortSmiles(smiles)}"`;
  const atoms = smilesAtomCount(smiles);
  if (atoms > MAX_SMILES_ATOMS) return `molecule too large: ${atoms} atoms (at most ${MAX_SMILES_ATOMS}) in SMILES "${shortSmiles(smiles)}"`;
  let mol: Mol | null = null;
  try {
    mol = r.get_mol(smiles);
  } catch (e) {
    throw new RdkitTrap(smiles, e);
  }
  if (!mol) return `invalid SMILES "${shortSmiles(smiles)}"`;
  if (!mol.is_valid()) {
    mol.delete();
    return `invalid SMILES "${shortSmiles(smiles)}"`;
  }
  return mol;
}

/** Runs an RDKit computation; a throw (WASM exceptions are not Errors) becomes an RdkitTrap. */
export function rdkitSafely(smiles: string, fn: () => void): null {
  try {
    fn();
    return null;
  } catch (e) {
    throw new RdkitTrap(smiles, e);
  }
}

export interface MoleculeFeaturizer {
  names: string[];
  /** Writes the features of one molecule into out[offset...]. */
  compute(mol: Mol, out: Float64Array, offset: number): void;
}

const COUNT_BINS = [0, 1, 2, 4, 8];

/**
 * Morgan (circular, ECFP-like) count fingerprint, `morgan:0` ... `morgan:<bits-1>`, computed by RDKit.
 * RDKit's WASM build has no count-vector API, so counts come from RDKit's own count simulation: with 4 x bits and
 * `useCountSimulation`, each hashed bin i owns bits 4i..4i+3, set for counts >= 1, 2, 4, 8. The value of bin i is
 * that lower bound (0, 1, 2, 4 or 8, i.e. counts above 8 saturate) and bin i is non-zero exactly when bit i of
 * RDKit's plain `bits`-long Morgan fingerprint is set.
 */
export function morganFeaturizer(radius = 2, bits = 2048): MoleculeFeaturizer {
  const details = JSON.stringify({ radius, nBits: bits * 4, useCountSimulation: true });
  return {
    names: Array.from({ length: bits }, (_, i) => `morgan:${i}`),
    compute(mol, out, o) {
      const fp = mol.get_morgan_fp(details);
      for (let i = 0; i < bits; i++) {
        let k = 0;
        while (k < 4 && fp.charCodeAt(4 * i + k) === 49) k++;
        out[o + i] = COUNT_BINS[k];
      }
    },
  };
}

/** RDKit 2D descriptors (`get_descriptors()`), names fixed from a reference molecule so every row has the same columns. */
export function rdkit2dFeaturizer(r: RDKit): MoleculeFeaturizer {
  const ref = r.get_mol('CC');
  if (!ref) throw new Error('RDKit failed to parse a reference molecule');
  const keys = Object.keys(JSON.parse(ref.get_descriptors()) as Record<string, number>);
  ref.delete();
  return {
    names: keys.map((k) => `rdkit2d:${k}`),
    compute(mol, out, o) {
      const d = JSON.parse(mol.get_descriptors()) as Record<string, number>;
      for (let j = 0; j < keys.length; j++) {
        const v = d[keys[j]];
        out[o + j] = typeof v === 'number' && Number.isFinite(v) ? v : NaN;
      }
    },
  };
}
