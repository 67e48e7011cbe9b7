/**
 * A transfer-learning library on disk: `DIR/library.json` indexes sources (one per `pretrain` call / source property),
 * each with K pretrained networks stored as `DIR/<source>/<model>.json` (architecture, scalers, feature pipeline,
 * validation metric) + `DIR/<source>/<model>.bin` (float32 little-endian weights), and `DIR/<source>/hashes.bin`
 * (sorted 64-bit truncated SHA-256 hashes of the reduced formulas / canonical SMILES the source was trained on, for the
 * leakage guard). Library files are untrusted: everything is validated on load and no path may leave DIR.
 */
import { promises as fsp, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MiError } from '../diagnostics';
import type { PipelineState } from '../features';
import { resolveInside } from '../run/contain';
import { writeFileAtomic } from '../run/files';
import { ACTIVATIONS, type Activation, type NetWeights } from './net';

export const LIBRARY_FORMAT = 'mi-studio-library';
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_JSON_BYTES = 64 * 1024 * 1024;
const MAX_WEIGHTS = 50_000_000;

export interface LibraryModelEntry {
  /** Model id, unique within its source (file stem). */
  id: string;
  /** Files relative to DIR. */
  meta: string;
  weights: string;
  /** Validation metrics on the source's held-out split (original units). */
  val: { mae: number; rmse: number; rows: number };
  architecture: { hidden: number[]; activation: Activation; dropout: number };
}

export interface LibrarySource {
  name: string;
  /** Target column of the source dataset, its unit. */
  target: string;
  unit?: string;
  /** Input kinds of the source spec (e.g. composition). */
  inputs: { columns: string[]; kind: string; descriptors: string[] }[];
  dataset: { file: string; sha256: string; rows: number; trainedRows: number };
  /** File (relative to DIR) with the sorted 8-byte hashes of the inputs the source was trained on. */
  hashes?: string;
  hashCount?: number;
  createdAt: string;
  packageVersion?: string;
  provenance?: string;
  models: LibraryModelEntry[];
}

export interface LibraryIndex {
  format: typeof LIBRARY_FORMAT;
  version: 1;
  description?: string;
  provenance?: string;
  sources: LibrarySource[];
}

/** Metadata of one pretrained network (`<source>/<id>.json`). */
export interface NetMeta {
  format: 'mi-studio-source-net';
  version: 1;
  source: string;
  id: string;
  seed: number;
  /** Layer shapes in order; the .bin holds W (in×out, row-major) then b (out) per layer. */
  layers: { inDim: number; outDim: number }[];
  activation: Activation;
  dropout: number;
  /** Standardisation of the source features and of the target. */
  xs: { mean: number[]; std: number[] };
  ys: { mean: number; std: number };
  pipeline: PipelineState;
  val: { mae: number; rmse: number; rows: number };
  epochs: number;
}

export interface LoadedNet {
  meta: NetMeta;
  weights: NetWeights;
}

export interface LoadedSource {
  entry: LibrarySource;
  nets: LoadedNet[];
  /** Sorted hashes (hex, 16 chars) of the source's training inputs. */
  hashes: Set<string>;
}

function bad(dir: string, msg: string, hint?: string): MiError {
  return new MiError(`transfer library ${dir}: ${msg}`, { file: join(dir, 'library.json'), code: 'bad-library', hint: hint ?? 'rebuild it with `mi-studio pretrain`' });
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finiteArr = (v: unknown, len?: number): v is number[] =>
  Array.isArray(v) && (len === undefined || v.length === len) && v.every((x) => typeof x === 'number' && Number.isFinite(x));

async function readJson(dir: string, rel: string): Promise<unknown> {
  const text = (await readBin(dir, rel, MAX_JSON_BYTES, '64 MB')).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw bad(dir, `${rel} is not valid JSON (${(e as Error).message})`);
  }
}

/** A regular file inside the library folder of at most `maxBytes` (`sizeText` names that limit in the error). */
async function readBin(dir: string, rel: string, maxBytes: number, sizeText = `${maxBytes} bytes`): Promise<Buffer> {
  const p = resolveInside(dir, rel);
  if (!p) throw bad(dir, `path "${rel}" leaves the library folder`, 'library paths must be relative and stay inside the folder');
  let st;
  try {
    st = await fsp.stat(p);
  } catch {
    throw bad(dir, `missing file ${rel}`);
  }
  if (!st.isFile() || st.size > maxBytes) throw bad(dir, `${rel} is not a regular file of at most ${sizeText}`);
  return fsp.readFile(p);
}

/** Validates a parsed library.json (structure only; files are checked when a source is loaded). */
export function checkIndex(dir: string, v: unknown): LibraryIndex {
  if (!isObj(v) || v.format !== LIBRARY_FORMAT || v.version !== 1 || !Array.isArray(v.sources)) {
    throw bad(dir, `library.json is not a "${LIBRARY_FORMAT}" version 1 index`);
  }
  const names = new Set<string>();
  v.sources.forEach((s, i) => {
    if (!isObj(s) || typeof s.name !== 'string' || !NAME_PATTERN.test(s.name)) throw bad(dir, `sources[${i}]: bad or missing name`);
    if (names.has(s.name)) throw bad(dir, `source "${s.name}" appears twice`);
    names.add(s.name);
    if (typeof s.target !== 'string') throw bad(dir, `source "${s.name}": missing target`);
    if (!Array.isArray(s.inputs) || !s.inputs.every((x) => isObj(x) && Array.isArray(x.columns) && x.columns.every((c) => typeof c === 'string') && typeof x.kind === 'string' && Array.isArray(x.descriptors))) {
      throw bad(dir, `source "${s.name}": bad inputs`);
    }
    if (!isObj(s.dataset) || typeof s.dataset.sha256 !== 'string' || typeof s.dataset.rows !== 'number') throw bad(dir, `source "${s.name}": bad dataset record`);
    if (s.hashes !== undefined && typeof s.hashes !== 'string') throw bad(dir, `source "${s.name}": bad hashes file`);
    if (!Array.isArray(s.models) || s.models.length === 0) throw bad(dir, `source "${s.name}": no models`);
    const ids = new Set<string>();
    s.models.forEach((m, k) => {
      if (!isObj(m) || typeof m.id !== 'string' || !NAME_PATTERN.test(m.id) || ids.has(m.id)) throw bad(dir, `source "${s.name}": models[${k}]: bad id`);
      ids.add(m.id);
      if (typeof m.meta !== 'string' || typeof m.weights !== 'string') throw bad(dir, `source "${s.name}": model "${m.id}": missing files`);
      if (!isObj(m.val) || !isObj(m.architecture)) throw bad(dir, `source "${s.name}": model "${m.id}": missing val/architecture`);
    });
  });
  return v as unknown as LibraryIndex;
}

export async function readIndex(dir: string): Promise<LibraryIndex> {
  const abs = resolve(dir);
  if (!existsSync(join(abs, 'library.json'))) {
    throw new MiError(`no transfer library at ${abs} (library.json not found)`, {
      file: join(abs, 'library.json'),
      code: 'library-not-found',
      hint: 'create one with `mi-studio pretrain SOURCE_SPEC --library DIR`, or use `library: bundled`',
    });
  }
  return checkIndex(abs, await readJson(abs, 'library.json'));
}

function checkMeta(dir: string, src: string, id: string, v: unknown): NetMeta {
  const where = `source "${src}", model "${id}"`;
  if (!isObj(v) || v.format !== 'mi-studio-source-net' || v.version !== 1) throw bad(dir, `${where}: not a source-net metadata file`);
  if (!Array.isArray(v.layers) || v.layers.length < 2 || v.layers.length > 8) throw bad(dir, `${where}: bad layers`);
  let prev = -1;
  for (const l of v.layers as unknown[]) {
    if (!isObj(l) || !Number.isInteger(l.inDim) || !Number.isInteger(l.outDim) || (l.inDim as number) < 1 || (l.outDim as number) < 1 || (l.inDim as number) > 100000 || (l.outDim as number) > 4096) {
      throw bad(dir, `${where}: bad layer shape`);
    }
    if (prev >= 0 && l.inDim !== prev) throw bad(dir, `${where}: layer shapes do not chain`);
    prev = l.outDim as number;
  }
  if (prev !== 1) throw bad(dir, `${where}: the output layer must have one unit`);
  if (typeof v.activation !== 'string' || !(ACTIVATIONS as readonly string[]).includes(v.activation)) throw bad(dir, `${where}: unknown activation`);
  if (typeof v.dropout !== 'number' || !(v.dropout >= 0 && v.dropout < 1)) throw bad(dir, `${where}: bad dropout`);
  const d = (v.layers as { inDim: number }[])[0].inDim;
  if (!isObj(v.xs) || !finiteArr(v.xs.mean, d) || !finiteArr(v.xs.std, d) || (v.xs.std as number[]).some((s) => !(s > 0))) throw bad(dir, `${where}: bad input scaler`);
  if (!isObj(v.ys) || typeof v.ys.mean !== 'number' || typeof v.ys.std !== 'number' || !Number.isFinite(v.ys.mean) || !(v.ys.std > 0)) throw bad(dir, `${where}: bad target scaler`);
  const p = v.pipeline;
  if (!isObj(p) || p.format !== 'mi-studio-features' || !Array.isArray(p.featureNames) || p.featureNames.length !== d || !Array.isArray(p.inputs) || !Array.isArray(p.allNames) || !Array.isArray(p.kept)) {
    throw bad(dir, `${where}: bad feature pipeline (expected ${d} features)`);
  }
  if (!(p.kept as unknown[]).every((k) => Number.isInteger(k) && (k as number) >= 0 && (k as number) < (p.allNames as unknown[]).length)) throw bad(dir, `${where}: bad feature pipeline indices`);
  return v as unknown as NetMeta;
}

export function weightCount(layers: { inDim: number; outDim: number }[]): number {
  return layers.reduce((s, l) => s + l.inDim * l.outDim + l.outDim, 0);
}

/** Loads and validates one source (all its networks and its hash file). */
export async function loadSource(dir: string, entry: LibrarySource): Promise<LoadedSource> {
  const abs = resolve(dir);
  const nets: LoadedNet[] = [];
  for (const m of entry.models) {
    const meta = checkMeta(abs, entry.name, m.id, await readJson(abs, m.meta));
    const count = weightCount(meta.layers);
    if (count > MAX_WEIGHTS) throw bad(abs, `source "${entry.name}", model "${m.id}": too many weights`);
    const buf = await readBin(abs, m.weights, count * 4);
    if (buf.length !== count * 4) throw bad(abs, `source "${entry.name}", model "${m.id}": ${m.weights} has ${buf.length} bytes, expected ${count * 4}`);
    const flat = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const x = buf.readFloatLE(i * 4);
      if (!Number.isFinite(x)) throw bad(abs, `source "${entry.name}", model "${m.id}": non-finite weight`);
      flat[i] = x;
    }
    nets.push({ meta, weights: unflatten(meta.layers, flat) });
  }
  const hashes = new Set<string>();
  if (entry.hashes) {
    const buf = await readBin(abs, entry.hashes, 8 * 10_000_000);
    if (buf.length % 8 !== 0) throw bad(abs, `source "${entry.name}": ${entry.hashes} is not a list of 8-byte hashes`);
    for (let i = 0; i < buf.length; i += 8) hashes.add(buf.subarray(i, i + 8).toString('hex'));
  }
  return { entry, nets, hashes };
}

export function unflatten(layers: { inDim: number; outDim: number }[], flat: Float32Array): NetWeights {
  let o = 0;
  return layers.map((l) => {
    const W = flat.slice(o, o + l.inDim * l.outDim);
    o += l.inDim * l.outDim;
    const b = flat.slice(o, o + l.outDim);
    o += l.outDim;
    return { W, b, inDim: l.inDim, outDim: l.outDim };
  });
}

export function flatten(w: NetWeights): Float32Array {
  const out = new Float32Array(weightCount(w));
  let o = 0;
  for (const l of w) {
    out.set(l.W, o);
    o += l.W.length;
    out.set(l.b, o);
    o += l.b.length;
  }
  return out;
}

export function hashesToBuffer(hashes: Iterable<string>): Buffer {
  const sorted = [...new Set(hashes)].sort();
  return Buffer.concat(sorted.map((h) => Buffer.from(h, 'hex')));
}

/**
 * Adds (or replaces) one source in DIR: writes its network files and hash file, then library.json atomically.
 * Other sources are kept, so several `pretrain` calls on different sources build one library.
 */
export async function writeSource(
  dir: string,
  entry: Omit<LibrarySource, 'models' | 'hashes' | 'hashCount'>,
  nets: { meta: NetMeta; weights: NetWeights }[],
  hashes: Set<string>,
): Promise<LibrarySource> {
  const abs = resolve(dir);
  if (!NAME_PATTERN.test(entry.name)) throw new MiError(`source name "${entry.name}" is not a valid library name`, { code: 'bad-source-name', hint: 'use letters, digits, ".", "_" and "-" (the spec `name`)' });
  await fsp.mkdir(join(abs, entry.name), { recursive: true });
  let index: LibraryIndex = { format: LIBRARY_FORMAT, version: 1, sources: [] };
  if (existsSync(join(abs, 'library.json'))) index = await readIndex(abs);
  const models: LibraryModelEntry[] = [];
  for (const n of nets) {
    const meta = `${entry.name}/${n.meta.id}.json`;
    const weights = `${entry.name}/${n.meta.id}.bin`;
    await writeFileAtomic(join(abs, meta), JSON.stringify(n.meta) + '\n');
    const f = flatten(n.weights);
    const buf = Buffer.alloc(f.length * 4);
    for (let i = 0; i < f.length; i++) buf.writeFloatLE(f[i], i * 4);
    await writeFileAtomic(join(abs, weights), buf);
    models.push({ id: n.meta.id, meta, weights, val: n.meta.val, architecture: { hidden: n.meta.layers.slice(0, -1).map((l) => l.outDim), activation: n.meta.activation, dropout: n.meta.dropout } });
  }
  const hashFile = `${entry.name}/hashes.bin`;
  await writeFileAtomic(join(abs, hashFile), hashesToBuffer(hashes));
  const full: LibrarySource = { ...entry, hashes: hashFile, hashCount: hashes.size, models };
  index.sources = [...index.sources.filter((s) => s.name !== entry.name), full].sort((a, b) => a.name.localeCompare(b.name));
  await writeFileAtomic(join(abs, 'library.json'), JSON.stringify(index, null, 2) + '\n');
  return full;
}
