/**
 * The run-folder → view-model builder shared by the run results editor (src/extension/editors/runResults.ts) and
 * `mi-studio report`: manifest, predictions, suggestions, acquisition (pool PCA), landscape and simulation of one
 * run folder packed into a `RunViewData`.
 *
 * Run folders are untrusted input. Files are read only through a `RunFolder` (see ./folder.ts for the Node one, which
 * resolves every path with `resolveInside` and refuses anything outside the folder, symlinks included); paths named by
 * `manifest.files.*` are additionally refused here when they are absolute or climb out (`..`), with a warning, so a
 * crafted manifest can never make the view or the report read another file. The one exception is opt-in: a reader
 * with `dataset()` (the report's) may read the run's dataset for row names, but only a file whose SHA-256 is the one
 * recorded in the manifest — content the manifest's author already knows.
 */
import type { Landscape } from '../core/bo/landscape';
import type { SimulationResult } from '../core/bo/simulate';
import type { RunManifest } from '../core/run/manifest';
import type { CsvTable, RunViewData } from '../protocol/webview';
import { csvTable } from './csv';
import { landscapeView } from './landscape';
import { projectPool } from './pool';
import { manifestFromSimulation, simulationView } from './simulation';
import { nameColumn, rowNames } from './names';

/** Reads a file of the run folder by relative path; undefined when it does not exist or may not be read. */
export interface RunFolder {
  read(relPath: string): Promise<string | undefined>;
  /** Bytes of a file (undefined when missing), to skip huge files without reading them. */
  size?(relPath: string): Promise<number | undefined>;
  /**
   * The run's dataset (for row names in tooltips), when this reader may read it: only the file whose SHA-256 equals
   * `manifest.dataset.sha256`. Absent: names come only from the run folder's own files.
   */
  dataset?(manifest: RunManifest): Promise<{ text: string; name: string } | undefined>;
}

const MAX_VIEW_ROWS = 20000;
const MAX_POOL_BYTES = 30e6;

/** A manifest `files.*` value that stays inside the run folder (lexically): relative, no `..` segment, no NUL. */
export function isContainedRelPath(rel: unknown): rel is string {
  if (typeof rel !== 'string' || rel === '' || rel.includes('\0')) return false;
  if (/^([\\/]|[A-Za-z]:)/.test(rel)) return false;
  return !rel.split(/[\\/]+/).some((seg) => seg === '..');
}

/** Loads manifest, predictions, suggestions, landscape and simulation of a run folder into one `RunViewData`. */
export async function buildRunViewData(folder: RunFolder, runDirName: string): Promise<RunViewData> {
  const warnings: string[] = [];
  const manifestText = await folder.read('run.mirun.json');
  let manifest: RunManifest;
  let kind: RunViewData['kind'] = 'run';
  let simulationRaw: SimulationResult | undefined;
  if (manifestText === undefined) {
    const simText = await folder.read('simulation.json');
    if (simText === undefined) throw new Error(`${runDirName}: no run.mirun.json (nor simulation.json) in this folder`);
    simulationRaw = JSON.parse(simText) as SimulationResult;
    manifest = manifestFromSimulation(simulationRaw, runDirName);
    kind = 'simulation';
  } else {
    try {
      manifest = JSON.parse(manifestText) as RunManifest;
    } catch (e) {
      throw new Error(`${runDirName}/run.mirun.json: not valid JSON (${(e as Error).message})`);
    }
    if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new Error(`${runDirName}/run.mirun.json: not a run manifest`);
  }
  // a manifest of a live run (or one written before a field existed) may lack these
  manifest.files = manifest.files && typeof manifest.files === 'object' ? manifest.files : {};
  manifest.curve = Array.isArray(manifest.curve) ? manifest.curve : [];
  manifest.targets = Array.isArray(manifest.targets) ? manifest.targets : [];
  const data: RunViewData = { kind, manifest, runDir: runDirName, warnings };

  /** The relative path of a run file: the manifest's entry when it is contained, else the default name. */
  const fileOf = (name: string, fallback: string): string | undefined => {
    const listed = manifest.files[name];
    if (listed === undefined) return fallback;
    if (isContainedRelPath(listed)) return listed;
    warnings.push(`manifest files.${name} (${JSON.stringify(String(listed)).slice(0, 80)}) points outside the run folder: refused`);
    return undefined;
  };
  const readFile = async (name: string, fallback: string): Promise<string | undefined> => {
    const rel = fileOf(name, fallback);
    if (rel === undefined) return undefined;
    try {
      const text = await folder.read(rel);
      if (text === undefined && manifest.files[name] && manifest.status !== 'running') warnings.push(`${rel} is listed in the manifest but missing (or outside the run folder)`);
      return text;
    } catch (e) {
      warnings.push(`${rel}: ${(e as Error).message}`);
      return undefined;
    }
  };
  const readCsv = async (name: string, fallback: string, max: number): Promise<CsvTable | undefined> => {
    const text = await readFile(name, fallback);
    if (text === undefined) return undefined;
    const t = csvTable(text, max);
    if (t.totalRows > t.rows.length) warnings.push(`${fileOf(name, fallback)}: showing the first ${t.rows.length} of ${t.totalRows} rows`);
    return t;
  };
  const readJson = async <T>(name: string, fallback: string): Promise<T | undefined> => {
    const text = await readFile(name, fallback);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as T;
    } catch (e) {
      warnings.push(`${fileOf(name, fallback)}: not valid JSON (${(e as Error).message})`);
      return undefined;
    }
  };

  data.predictions = await readCsv('predictions', 'predictions.csv', MAX_VIEW_ROWS);
  data.suggestions = await readCsv('suggestions', 'suggestions.csv', MAX_VIEW_ROWS);

  let acqNames: CsvTable | undefined;
  const acqRel = fileOf('acquisition', 'acquisition.csv');
  const acqSize = acqRel !== undefined && folder.size ? await folder.size(acqRel) : undefined;
  if (acqRel !== undefined && acqSize !== undefined && acqSize > MAX_POOL_BYTES) {
    warnings.push(`acquisition.csv is large (${(acqSize / 1e6).toFixed(0)} MB): no PC1/PC2 view of the pool`);
  } else {
    const acq = await readFile('acquisition', 'acquisition.csv');
    if (acq !== undefined && acq.length > MAX_POOL_BYTES) {
      data.acquisitionRows = Math.max(0, acq.split('\n').filter((l) => l.length).length - 1);
      warnings.push(`acquisition.csv is large (${(acq.length / 1e6).toFixed(0)} MB): no PC1/PC2 view of the pool`);
    } else if (acq !== undefined) {
      const t = csvTable(acq);
      data.acquisitionRows = t.totalRows;
      acqNames = t;
      try {
        const pool = projectPool(t, data.suggestions, manifest.targets.map((x) => x.column));
        if (pool) data.landscape = { acquisition: manifest.optimize?.acquisition ?? 'acquisition', slices: [], grids: [], pool };
      } catch (e) {
        warnings.push(`acquisition.csv: no PC1/PC2 view (${(e as Error).message})`);
      }
    }
  }

  const landscape = await readJson<Landscape>('landscape', 'landscape.json');
  if (landscape !== undefined) {
    try {
      const pool = data.landscape?.pool;
      data.landscape = { ...landscapeView(landscape, manifest), ...(pool ? { pool } : {}) };
    } catch (e) {
      warnings.push(`landscape.json: ${(e as Error).message}`);
    }
  }
  // slices written before landscape.json carried marks: the suggestions at their value and predicted mean ± σ
  const s = data.suggestions;
  if (data.landscape && s) {
    for (const sl of data.landscape.slices) {
      if (sl.marks.length) continue;
      const j = s.header.indexOf(sl.feature);
      const m = s.header.indexOf(`${sl.target}_mean`);
      const sd = s.header.indexOf(`${sl.target}_std`);
      const rank = s.header.indexOf('rank');
      const id = s.header.indexOf('id');
      if (j < 0 || m < 0) continue;
      sl.marks = s.rows
        .map((r, i) => ({ x: Number(r[j]), mean: Number(r[m]), std: sd >= 0 ? Number(r[sd]) : 0, label: `#${rank >= 0 ? r[rank] : i + 1} ${id >= 0 ? r[id] : ''}`.trim() }))
        .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.mean));
    }
  }

  await addNames(data, folder, acqNames);

  if (manifest.files.curves) data.curves = await readJson('curves', 'curves.json');
  const sim = simulationRaw ?? (await readJson<SimulationResult>('simulation', 'simulation.json'));
  if (sim !== undefined) {
    try {
      data.simulation = simulationView(sim, manifest);
    } catch (e) {
      warnings.push(`simulation.json: ${(e as Error).message}`);
    }
  }
  return data;
}

/**
 * Row names (formula / SMILES, the spec's composition or SMILES input column) for tooltips: the measured rows from the
 * dataset when the reader offers it (not while a run is still writing), the candidates from suggestions.csv and
 * acquisition.csv, which carry the input columns.
 */
async function addNames(data: RunViewData, folder: RunFolder, acquisition: CsvTable | undefined): Promise<void> {
  const m = data.manifest;
  const column = nameColumn(m);
  if (!column || data.kind !== 'run') return;
  const names: Record<string, string> = Object.create(null);
  for (const t of [acquisition, data.suggestions]) {
    const j = t?.header.indexOf(column) ?? -1;
    const id = t?.header.indexOf('id') ?? -1;
    if (!t || j < 0 || id < 0) continue;
    for (const r of t.rows) if (r[id] && r[j]) names[r[id]] = r[j];
  }
  if (folder.dataset && m.status !== 'running') {
    const ds = await folder.dataset(m).catch(() => undefined);
    const named = ds ? rowNames(ds.text, m, ds.name) : undefined;
    if (named) Object.assign(names, named.names);
  }
  if (Object.keys(names).length) {
    data.names = names;
    data.nameColumn = column;
  }
}
