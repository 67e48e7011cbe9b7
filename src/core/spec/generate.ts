/**
 * A first experiment spec guessed from a dataset ("New experiment from this dataset"). Pure: takes a loaded `Table`
 * (whose per-column type inference decides composition / SMILES / numeric / categorical) and returns YAML text with
 * comments that explain every guess and what to edit. The result validates cleanly whenever the table has a numeric
 * column for the target and at least one other usable column.
 */
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import type { ColumnInfo, Table } from '../data/types';
import { parseNumber } from '../data/infer';
import { parseFormula } from '../features/formula';

/** Words in a column name that mark it as a measured property (a likely target). */
const PROPERTY_WORDS = new Set([
  'gap', 'bandgap', 'eg', 'tc', 'tg', 'tm', 'energy', 'enthalpy', 'formation', 'ef', 'hf', 'strength', 'hardness',
  'modulus', 'conductivity', 'resistivity', 'efficiency', 'pce', 'yield', 'target', 'property', 'activity',
  'overpotential', 'capacity', 'zt', 'seebeck', 'permittivity', 'dielectric', 'stability', 'instability', 'lifetime',
  'loss', 'score', 'response', 'measurement', 'measured', 'experimental', 'exp',
]);
/** Generic names that are a target only when they are the whole name. */
const TARGET_NAMES = /^(y|value|label|output|outcome|objective|result)$/i;
const ID_WORDS = /^(id|uid|uuid|key|index|idx|sample|sample_?id|material_?id|mp_?id|name|compound|polymer|label_?id)$/i;
/** Names that say "identifier" whatever the values look like (`s1` could pass for SMILES). */
const STRONG_ID = /^(id|uid|uuid|key|index|idx|.*[_ ]id)$/i;
const MAX_MISSING_FRACTION = 0.2;
const MAX_LEVELS = 20;

function words(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}

/** Unit guessed from a column name such as `band_gap_eV`, `Exp_Tg(K)`, `Tc [K]`. */
export function unitFromName(name: string): string | undefined {
  const br = /[([]\s*([^)\]]{1,12})\s*[)\]]\s*$/.exec(name);
  if (br) return br[1].trim();
  const suffix = /[_\s](eV|meV|K|degC|C|MPa|GPa|Pa|V|mV|mA|S\/cm|W\/mK|nm|wt%|at%|%)$/.exec(name);
  return suffix?.[1];
}

const PLAIN = /^[A-Za-z_][A-Za-z0-9_.\-/]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

/** A string as a YAML scalar: plain when safe, double-quoted otherwise. */
export function yamlString(s: string): string {
  return PLAIN.test(s) && !RESERVED.test(s) ? s : JSON.stringify(s);
}

function distinctCount(cells: (string | null)[]): number {
  const s = new Set<string>();
  for (const c of cells) if (c !== null) s.add(c);
  return s.size;
}

function oneLine(s: string, max = 90): string {
  const t = s.replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max - 3)}...` : t;
}

/** Formula/SMILES columns must contain letters (element symbols): guards against DOIs or ranges like "600-650". */
function mostlyChemical(cells: (string | null)[]): boolean {
  let n = 0;
  let ok = 0;
  for (const c of cells) {
    if (c === null) continue;
    n++;
    if (/[A-Za-z]/.test(c)) ok++;
  }
  return n > 0 && ok >= 0.9 * n;
}

interface Plan {
  id?: string;
  inputs: { column: string; info: ColumnInfo; kind: 'composition' | 'smiles' | 'numeric' | 'categorical' }[];
  target?: ColumnInfo;
  skipped: { column: string; why: string }[];
  anyMissing: boolean;
}

/**
 * Whether a column used as `kind` has a non-missing cell the run would reject (a numeric target "56 to 62", a
 * placeholder formula "Ba1-xKxBiO3"): type inference tolerates a few such cells, but with the default
 * `on_invalid: error` the first run would stop on them. Formulas are checked once per distinct value.
 */
function hasInvalidCells(cells: (string | null)[], kind: string): boolean {
  if (kind === 'numeric') return cells.some((v) => v !== null && Number.isNaN(parseNumber(v)));
  if (kind !== 'composition') return false;
  const seen = new Set<string>();
  for (const v of cells) {
    if (v === null || seen.has(v)) continue;
    seen.add(v);
    try {
      parseFormula(v);
    } catch {
      return true;
    }
  }
  return false;
}

function plan(table: Table): Plan {
  const n = table.rowNumbers.length || (table.columns[0]?.length ?? 0);
  const info = table.header.map((name, j): ColumnInfo => table.info[j] ?? { name, type: 'text', evidence: '', missing: 0 });
  const skipped: Plan['skipped'] = [];
  const usable = (c: ColumnInfo): boolean => n > 0 && c.missing / n <= MAX_MISSING_FRACTION;

  // Target: a numeric column named like a property (the last such), else the last numeric column.
  const numeric = info.filter((c) => c.type === 'numeric' && usable(c) && !ID_WORDS.test(c.name) && !/^Unnamed: \d+$/.test(c.name));
  const score = (c: ColumnInfo): number => (words(c.name).some((w) => PROPERTY_WORDS.has(w)) ? 2 : TARGET_NAMES.test(c.name) ? 1 : 0);
  let target: ColumnInfo | undefined = numeric[numeric.length - 1];
  let best = 0;
  for (const c of numeric) {
    const sc = score(c);
    if (sc >= best && sc > 0) { best = sc; target = c; }
  }

  // Id: a complete, unique, non-numeric column with an id-like name (or a unique text column).
  let id: string | undefined;
  for (let j = 0; j < info.length && !id; j++) {
    const c = info[j];
    if (c.missing > 0 || c === target) continue;
    const unique = distinctCount(table.columns[j]) === n;
    if (unique && (STRONG_ID.test(c.name) || (ID_WORDS.test(c.name) && c.type !== 'composition' && c.type !== 'smiles'))) id = c.name;
  }

  const inputs: Plan['inputs'] = [];
  let anyMissing = !!target && target.missing > 0;
  info.forEach((c, j) => {
    if (c === target || c.name === id) return;
    if (c.type === 'empty') return skipped.push({ column: c.name, why: 'all values are missing' });
    if (/^Unnamed: \d+$/.test(c.name)) return skipped.push({ column: c.name, why: 'no name in the header (a saved row index?)' });
    if (!usable(c)) return skipped.push({ column: c.name, why: `${c.missing} of ${n} values are missing` });
    if (STRONG_ID.test(c.name) || (ID_WORDS.test(c.name) && c.type !== 'composition' && c.type !== 'smiles')) {
      return skipped.push({ column: c.name, why: 'looks like an identifier' });
    }
    const levels = distinctCount(table.columns[j]);
    if (levels < 2) return skipped.push({ column: c.name, why: 'the same value in every row' });
    let kind: Plan['inputs'][number]['kind'] | undefined;
    if ((c.type === 'composition' || c.type === 'smiles') && !mostlyChemical(table.columns[j])) {
      return skipped.push({ column: c.name, why: `values have no element symbols (${oneLine(c.evidence, 60)})` });
    }
    if (c.type === 'composition' || c.type === 'smiles' || c.type === 'numeric') kind = c.type;
    else if (c.type === 'categorical') {
      if (levels <= MAX_LEVELS) kind = 'categorical';
      else return skipped.push({ column: c.name, why: `categorical with ${levels} levels` });
    } else return skipped.push({ column: c.name, why: `${c.type}: ${c.evidence}` });
    if (c.missing > 0) anyMissing = true;
    inputs.push({ column: c.name, info: c, kind });
  });
  // Nothing else to learn from: fall back to label columns with many levels (one-hot), fewest levels first.
  if (!inputs.length) {
    const labels = info
      .map((c, j) => ({ c, j, levels: distinctCount(table.columns[j]) }))
      .filter(({ c, levels }) => (c.type === 'categorical' || c.type === 'text') && usable(c) && c !== target && c.name !== id
        && levels >= 2 && levels < n && !STRONG_ID.test(c.name))
      .sort((a, b) => a.levels - b.levels)
      .slice(0, 3);
    for (const { c } of labels) {
      inputs.push({ column: c.name, info: c, kind: 'categorical' });
      const k = skipped.findIndex((x) => x.column === c.name);
      if (k >= 0) skipped.splice(k, 1);
      if (c.missing > 0) anyMissing = true;
    }
  }
  if (target && hasInvalidCells(table.columns[info.indexOf(target)], 'numeric')) anyMissing = true;
  for (const i of inputs) if (hasInvalidCells(table.columns[info.indexOf(i.info)], i.kind)) anyMissing = true;
  return { id, inputs, target, skipped, anyMissing };
}

/** Experiment name from the spec file name (`gaps-2.mi.yaml` → `gaps-2`). */
function nameFromSpec(specPath: string): string {
  const b = basename(specPath).replace(/\.mi\.ya?ml$/i, '').replace(/\.ya?ml$/i, '');
  const cleaned = b.replace(/[/\\:*?"<>|]+/g, '-').trim();
  return cleaned || 'experiment';
}

/** Default spec location for a dataset: `<stem>.mi.yaml` beside it. */
export function defaultSpecPath(csvPath: string): string {
  return join(dirname(csvPath), `${basename(csvPath, extname(csvPath))}.mi.yaml`);
}

/**
 * Guesses a spec for `table` (read from `csvPath`) to be saved as `specPath` (default `<stem>.mi.yaml` beside the data).
 * Composition and SMILES columns come from value-based type inference; numeric columns become numeric inputs;
 * categorical columns with few levels are one-hot encoded; the target is the last numeric column named like a property
 * (gap, Tc, energy, …) or else the last numeric column, with goal `predict`.
 * `opts.sampled`: the table holds only the first rows of a larger file (said so in the header comment).
 */
export function generateSpecFromTable(
  table: Table, csvPath: string, specPath: string = defaultSpecPath(csvPath), opts: { sampled?: boolean } = {},
): string {
  const p = plan(table);
  const n = table.rowNumbers.length || (table.columns[0]?.length ?? 0);
  const rowsText = opts.sampled ? `guessed from the first ${n} rows` : `${n} rows`;
  const rel = relative(dirname(specPath), csvPath).split(sep).join('/') || basename(csvPath);
  const L: string[] = [];
  L.push(`# MI Studio experiment generated from ${basename(csvPath)} (${rowsText}, ${table.header.length} columns).`);
  L.push('# The inputs and the target below are guesses from the data: check them, then run "MI Studio: Train".');
  L.push('# Hover a key for its documentation; Ctrl+Space completes keys, values and column names.');
  L.push('version: 1');
  L.push(`name: ${yamlString(nameFromSpec(specPath))}`);
  L.push('seed: 42');
  L.push('dataset:');
  L.push(`  path: ${yamlString(rel)}`);
  if (p.id) L.push(`  id: ${yamlString(p.id)}  # unique sample id (used in predictions and suggestions)`);
  else L.push('  # id: <column>  # optional: a column with a unique id per row');
  if (p.anyMissing) L.push('  on_invalid: skip  # some used cells are missing or invalid: drop those rows and report them (or: error)');
  L.push('  inputs:');
  if (!p.inputs.length) L.push('    # no usable input column found: add one, e.g. "- column: formula" with "kind: composition"');
  const numericInputs = p.inputs.filter((i) => i.kind === 'numeric');
  let numericDone = false;
  for (const i of p.inputs) {
    if (i.kind === 'numeric') {
      if (numericDone) continue;
      numericDone = true;
      L.push(`    - columns: [${numericInputs.map((x) => yamlString(x.column)).join(', ')}]`);
      L.push('      kind: numeric  # used as they are (standardised); remove columns that are not real inputs');
      continue;
    }
    L.push(`    # ${yamlString(i.column)}: ${oneLine(i.info.evidence)}`);
    L.push(`    - column: ${yamlString(i.column)}`);
    if (i.kind === 'composition') {
      L.push('      kind: composition');
      L.push('      descriptors: [magpie]  # xenonpy | magpie | fractions');
    } else if (i.kind === 'smiles') {
      L.push('      kind: smiles');
      L.push('      descriptors: [morgan]  # morgan | rdkit2d');
    } else {
      L.push('      kind: categorical  # one-hot encoded');
    }
  }
  if (p.skipped.length) {
    L.push('    # not used (add them above if they matter):');
    for (const s of p.skipped.slice(0, 30)) L.push(`    #   ${oneLine(s.column, 40)}: ${oneLine(s.why, 80)}`);
    if (p.skipped.length > 30) L.push(`    #   ... and ${p.skipped.length - 30} more`);
  }
  L.push('  targets:');
  if (p.target) {
    L.push(`    # ${yamlString(p.target.name)}: ${oneLine(p.target.evidence)}`);
    L.push(`    - column: ${yamlString(p.target.name)}`);
    L.push('      goal: predict  # maximize | minimize | predict | {target: 1.5}; set maximize/minimize to optimise');
    const unit = unitFromName(p.target.name);
    if (unit) L.push(`      unit: ${yamlString(unit)}`);
  } else {
    L.push('    # no numeric column found: the target must be a numeric column');
  }
  const folds = Math.max(2, Math.min(5, n));
  L.push('model:');
  L.push('  type: gp  # gp | rf-gp | mlp-ensemble | ridge | auto');
  L.push('  kernel: matern52  # rbf | matern32 | matern52');
  L.push('evaluation:');
  L.push(`  cv: {folds: ${folds}, repeats: 1}`);
  L.push('output:');
  L.push('  dir: runs  # runs go to runs/<name>/<run-id>/');
  L.push('# To suggest the next experiments (Bayesian optimisation), set a goal above and uncomment:');
  L.push('# optimize:');
  L.push('#   acquisition: ei  # ei | logei | pi | ucb | ts');
  L.push('#   batch: 4');
  L.push('#   candidates: {path: candidates.csv}  # same input columns as the dataset');
  return L.join('\n') + '\n';
}
