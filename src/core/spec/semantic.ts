/**
 * Checks the schema cannot express: exclusive keys, descriptor/kind agreement, duplicate and conflicting columns,
 * design-space sanity, and everything that needs the dataset and candidate files (paths relative to the spec file).
 * Works on the raw parsed value defensively: schema errors are reported elsewhere, so anything of an unexpected type
 * is skipped here rather than reported twice.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { MiError, type Diagnostic, type Severity } from '../diagnostics';
import { ELEMENT_SYMBOLS, elementOfColumn } from '../features/periodic';
import { parseLinearConstraint } from './constraints';
import type { DataProbe, DataReader } from './dataProbe';
import { closest, listSome } from './suggest';
import { resolveSpecPath } from './paths';
import { ownGet } from '../own';
import { checkSpecPath, type PathPolicy } from './pathPolicy';
import { checkFunctionTargets } from '../functional/spec';
import type { SpecDoc, YPath } from './yamlDoc';
import { checkTransferBlock } from '../transfer/validate';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export const DESCRIPTORS_BY_KIND: Record<string, string[]> = {
  composition: ['xenonpy', 'magpie', 'fractions'],
  smiles: ['morgan', 'rdkit2d'],
  numeric: [],
  categorical: [],
};

/**
 * Whether a file's header may be quoted in diagnostics: only files named like tables. A spec pointing at another file
 * (a key file, /etc/passwd) must not get its first line echoed back in a "did you mean" hint.
 */
const tableLike = (rel: string): boolean => /\.(csv|tsv|tab|txt|psv)$/i.test(rel);
const NOT_SHOWN = 'the file is not named .csv/.tsv/.txt, so its columns are not shown; check the path';

interface ColumnRef { name: string; path: YPath; inputIndex: number; kind: string; multi: boolean }

export class SemanticChecker {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    private readonly sd: SpecDoc,
    private readonly specPath: string,
    private readonly reader: DataReader,
    private readonly paths: PathPolicy = {},
  ) {}

  /** Refuses a path outside the allowed folders or on /proc, /sys, /dev (reported at its value; never read). */
  private refused(rel: string, path: YPath, what: string): boolean {
    const problem = checkSpecPath(this.specPath, resolveSpecPath(this.specPath, rel), `${what} "${rel}"`, this.paths);
    if (!problem) return false;
    this.at(path, 'value', 'error', problem.code, problem.message, problem.hint);
    return true;
  }

  private at(path: YPath, part: 'key' | 'value', severity: Severity, code: string, message: string, hint?: string): void {
    const node = part === 'key' ? this.sd.keyNode(path) : this.sd.valueNode(path);
    this.diagnostics.push(this.sd.diag(node, severity, code, message, hint));
  }

  private has(o: Obj, k: string): boolean {
    return Object.prototype.hasOwnProperty.call(o, k);
  }

  async run(root: unknown): Promise<void> {
    if (!isObj(root)) return;
    const dataset = isObj(root.dataset) ? root.dataset : undefined;
    const inputs = dataset && Array.isArray(dataset.inputs) ? dataset.inputs : [];
    const targets = dataset && Array.isArray(dataset.targets) ? dataset.targets : [];

    const inputCols = this.checkInputs(inputs);
    const targetCols = this.checkTargets(targets, inputCols);
    const optimize = isObj(root.optimize) ? root.optimize : undefined;
    if (optimize) this.checkOptimize(optimize, targets, inputCols);

    await checkFunctionTargets({ sd: this.sd, specPath: this.specPath, reader: this.reader, push: (d) => this.diagnostics.push(d) }, dataset, targets, inputCols.map((c) => c.name));
    let probe: DataProbe | undefined;
    if (dataset && isStr(dataset.path) && !this.refused(dataset.path, ['dataset', 'path'], 'dataset file')) {
      probe = await this.checkDataset(dataset, inputCols, targetCols);
    }
    if (probe?.complete && isObj(root.evaluation) && isObj(root.evaluation.cv)) {
      const folds = root.evaluation.cv.folds;
      if (typeof folds === 'number' && folds > probe.rows) {
        this.at(['evaluation', 'cv', 'folds'], 'value', 'error', 'out-of-range',
          `"folds" is ${folds} but the dataset has only ${probe.rows} row${probe.rows === 1 ? '' : 's'}`,
          probe.rows >= 2 ? `use at most ${probe.rows} folds` : 'cross-validation needs at least 2 rows: add data');
      }
    }
    if (isObj(root.output) && isStr(root.output.dir)) this.refused(root.output.dir, ['output', 'dir'], 'output folder');
    if (probe && isObj(root.evaluation) && isObj(root.evaluation.cv) && isStr(root.evaluation.cv.group) && !probe.header.includes(root.evaluation.cv.group)) {
      const g = root.evaluation.cv.group;
      const near = closest(g, probe.header);
      this.at(['evaluation', 'cv', 'group'], 'value', 'error', 'unknown-column', `group column "${g}" is not in the dataset`,
        near !== undefined ? `did you mean "${near}"?` : `columns: ${listSome(probe.header)}`);
    }
    if (optimize && isObj(optimize.candidates) && isStr(optimize.candidates.path) && !this.refused(optimize.candidates.path, ['optimize', 'candidates', 'path'], 'candidates file')) {
      // An input column missing from the dataset is already reported at the column (unknown-column, with its own
      // did-you-mean); checking it again against the pool would propose renaming the pool's correct column.
      const known = probe ? new Set(probe.header) : undefined;
      await this.checkCandidates(optimize.candidates, known ? inputCols.filter((c) => known.has(c.name)) : inputCols);
    }
    checkTransferBlock(root, this.specPath, (path, part, severity, code, message, hint) => this.at(path, part, severity, code, message, hint));
  }

  private checkInputs(inputs: unknown[]): ColumnRef[] {
    const cols: ColumnRef[] = [];
    inputs.forEach((inp, i) => {
      if (!isObj(inp)) return;
      const base: YPath = ['dataset', 'inputs', i];
      const kind = typeof inp.kind === 'string' ? inp.kind : '';
      const hasCol = this.has(inp, 'column');
      const hasCols = this.has(inp, 'columns');
      if (!hasCol && !hasCols) {
        this.diagnostics.push(this.sd.diag(this.sd.locate(base)?.value, 'error', 'missing-key',
          `dataset.inputs[${i}] needs "column" (one column) or "columns" (a list)`, 'add column: <name>'));
      } else if (hasCol && hasCols) {
        this.at([...base, 'columns'], 'key', 'error', 'conflicting-keys', 'use either "column" or "columns", not both',
          'put every column in "columns"');
      }
      if (isStr(inp.column)) cols.push({ name: inp.column, path: [...base, 'column'], inputIndex: i, kind, multi: false });
      if (Array.isArray(inp.columns)) {
        inp.columns.forEach((c, j) => {
          if (!isStr(c)) return;
          cols.push({ name: c, path: [...base, 'columns', j], inputIndex: i, kind, multi: true });
          if (kind === 'composition' && elementOfColumn(c) === undefined) {
            const near = closest(c.replace(/^(wt|at|mol)?[%_\s-]*/i, ''), ELEMENT_SYMBOLS);
            this.at([...base, 'columns', j], 'value', 'error', 'not-an-element',
              `composition columns must be named by element symbols, but "${c}" is not one`,
              `${near !== undefined && near.toLowerCase() === c.replace(/^(wt|at|mol)?[%_\s-]*/i, '').toLowerCase() ? `rename the column to "${near}"; ` : ''}use "column:" for a formula column, or kind: numeric`);
          }
        });
      }
      const allowed = ownGet(DESCRIPTORS_BY_KIND, kind);
      if (allowed && Array.isArray(inp.descriptors)) {
        inp.descriptors.forEach((d, j) => {
          if (typeof d !== 'string' || allowed.includes(d)) return;
          const known = Object.values(DESCRIPTORS_BY_KIND).some((l) => l.includes(d));
          if (!known) return; // bad-enum already
          const fits = Object.entries(DESCRIPTORS_BY_KIND).find(([, l]) => l.includes(d))?.[0] ?? '?';
          this.at([...base, 'descriptors', j], 'value', 'error', 'descriptor-kind-mismatch',
            `descriptor "${d}" is for ${fits} inputs, but this input is ${kind}`,
            allowed.length ? `${kind} takes: ${allowed.join(', ')}` : `${kind} inputs take no descriptors; remove "descriptors"`);
        });
      }
      if (kind && kind !== 'composition' && this.has(inp, 'basis')) {
        this.at([...base, 'basis'], 'key', 'warning', 'unused-key', `"basis" only applies to composition inputs`, 'remove it');
      }
      if (kind && kind === 'composition' && isStr(inp.column) && this.has(inp, 'basis')) {
        this.at([...base, 'basis'], 'key', 'warning', 'unused-key', `"basis" applies to element-fraction "columns", not a formula column`, 'remove it');
      }
      for (const k of ['radius', 'bits']) {
        if (kind && kind !== 'smiles' && this.has(inp, k)) {
          this.at([...base, k], 'key', 'warning', 'unused-key', `"${k}" only applies to smiles inputs (morgan)`, 'remove it');
        }
      }
    });
    // duplicates across inputs
    const seen = new Map<string, ColumnRef>();
    for (const c of cols) {
      const prev = seen.get(c.name);
      if (prev) {
        const line = (this.sd.valueNode(prev.path) && this.sd.nodeRange(this.sd.valueNode(prev.path)).start.line + 1) || '?';
        this.at(c.path, 'value', 'error', 'duplicate-column', `column "${c.name}" is used twice as an input`, `already listed on line ${line}`);
      } else {
        seen.set(c.name, c);
      }
    }
    return cols;
  }

  private checkTargets(targets: unknown[], inputs: ColumnRef[]): { name: string; path: YPath }[] {
    const out: { name: string; path: YPath }[] = [];
    const seen = new Set<string>();
    targets.forEach((t, i) => {
      if (!isObj(t) || !isStr(t.column)) return;
      const path: YPath = ['dataset', 'targets', i, 'column'];
      const asInput = inputs.find((c) => c.name === t.column);
      if (seen.has(t.column)) {
        this.at(path, 'value', 'error', 'duplicate-column', `column "${t.column}" is listed twice as a target`, 'remove the repeat');
      } else if (asInput) {
        const line = this.sd.nodeRange(this.sd.valueNode(asInput.path)).start.line + 1;
        this.at(path, 'value', 'error', 'column-both-input-and-target', `column "${t.column}" is both an input and a target`,
          `remove it from the inputs (line ${line}) or pick another target`);
      }
      seen.add(t.column);
      out.push({ name: t.column, path });
      if (isObj(t.constraint) && typeof t.constraint.min === 'number' && typeof t.constraint.max === 'number' && t.constraint.min > t.constraint.max) {
        this.at(['dataset', 'targets', i, 'constraint', 'min'], 'value', 'error', 'out-of-range',
          `constraint min ${t.constraint.min} is greater than max ${t.constraint.max}`, 'swap them');
      }
    });
    return out;
  }

  private checkOptimize(opt: Obj, targets: unknown[], inputs: ColumnRef[]): void {
    const hasCand = this.has(opt, 'candidates');
    const hasSpace = this.has(opt, 'space');
    if (!hasCand && !hasSpace) {
      // Fine for `simulate` (the dataset itself is the pool); `run`/`suggest` refuse it before training.
      this.at(['optimize'], 'key', 'info', 'no-pool', 'optimize has no "candidates" or "space": `simulate` uses the dataset as the pool, but `suggest` needs one of them',
        'to suggest new experiments, add candidates: {path: data/candidates.csv} or a space');
    } else if (hasCand && hasSpace) {
      this.at(['optimize', 'space'], 'key', 'error', 'conflicting-keys', 'use either "candidates" or "space", not both',
        'remove one of them');
    }
    const objectives = targets.filter((t) => isObj(t) && (t.goal === 'maximize' || t.goal === 'minimize' || isObj(t.goal)));
    const allTargetsValid = targets.every((t) => isObj(t) && (!this.has(t, 'goal') || typeof t.goal === 'string' || isObj(t.goal)));
    if (targets.length > 0 && objectives.length === 0 && allTargetsValid) {
      this.at(['optimize'], 'key', 'error', 'no-objective', 'optimize needs a target to optimise, but every goal is "predict"',
        'set goal: maximize, minimize or {target: value} on a target');
    }
    if (this.has(opt, 'beta') && opt.acquisition !== 'ucb') {
      this.at(['optimize', 'beta'], 'key', 'warning', 'unused-key', '"beta" only applies to acquisition: ucb', 'remove it or use ucb');
    }
    const space = isObj(opt.space) ? opt.space : undefined;
    if (!space) return;
    const names = inputs.map((c) => c.name);
    const unknownName = (name: string, path: YPath, part: 'key' | 'value', what: string): void => {
      const near = closest(name, names);
      this.at(path, part, 'error', 'unknown-column', `${what} "${name}" is not an input column`,
        near !== undefined ? `did you mean "${near}"?` : `input columns: ${listSome(names)}`);
    };
    if (isObj(space.bounds)) {
      for (const [k, v] of Object.entries(space.bounds)) {
        if (names.length && !names.includes(k)) unknownName(k, ['optimize', 'space', 'bounds', k], 'key', 'bounds column');
        if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number' && v[0] >= v[1]) {
          this.at(['optimize', 'space', 'bounds', k], 'value', 'error', 'out-of-range', `bounds of "${k}": lower ${v[0]} must be below upper ${v[1]}`);
        }
      }
    }
    const comp = isObj(space.composition) ? space.composition : undefined;
    const elements = comp && Array.isArray(comp.elements) ? comp.elements.filter(isStr) : [];
    if (comp && Array.isArray(comp.elements)) {
      comp.elements.forEach((e, j) => {
        if (isStr(e) && names.length && !names.includes(e)) unknownName(e, ['optimize', 'space', 'composition', 'elements', j], 'value', 'element column');
      });
    }
    if (comp && isObj(comp.bounds)) {
      const sum = typeof comp.sum === 'number' ? comp.sum : 1;
      for (const [k, v] of Object.entries(comp.bounds)) {
        if (elements.length && !elements.includes(k)) {
          const near = closest(k, elements);
          this.at(['optimize', 'space', 'composition', 'bounds', k], 'key', 'error', 'unknown-column', `"${k}" is not one of the composition elements`,
            near !== undefined ? `did you mean "${near}"?` : `elements: ${listSome(elements)}`);
        }
        if (Array.isArray(v) && typeof v[0] === 'number' && typeof v[1] === 'number') {
          if (v[0] >= v[1] || v[0] < 0 || v[1] > sum) {
            this.at(['optimize', 'space', 'composition', 'bounds', k], 'value', 'error', 'out-of-range',
              `bounds of "${k}" must satisfy 0 <= lower < upper <= ${sum}, got [${v[0]}, ${v[1]}]`);
          }
        }
      }
    }
    if (!isObj(space.bounds) && !comp) {
      this.at(['optimize', 'space'], 'key', 'error', 'missing-key', 'optimize.space needs "bounds" and/or "composition"',
        'add bounds: {column: [low, high]}');
    }
    if (comp && elements.length >= 2) {
      const sum = typeof comp.sum === 'number' ? comp.sum : 1;
      const b = isObj(comp.bounds) ? comp.bounds : {};
      let lo = 0;
      let hi = 0;
      for (const e of elements) {
        const r = b[e];
        const ok = Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number';
        lo += ok ? (r[0] as number) : 0;
        hi += ok ? (r[1] as number) : sum;
      }
      if (lo > sum + 1e-9 || hi < sum - 1e-9) {
        this.at(['optimize', 'space', 'composition', isObj(comp.bounds) ? 'bounds' : 'elements'], 'key', 'error', 'out-of-range',
          `no composition satisfies the bounds: fractions must sum to ${sum}, but the lower bounds sum to ${lo} and the upper to ${hi}`,
          'relax the element bounds');
      }
    }
    // Constraint variables are the space's own variables (bounds columns and composition elements).
    const spaceVars = [...(isObj(space.bounds) ? Object.keys(space.bounds) : []), ...elements];
    if (Array.isArray(space.constraints)) {
      space.constraints.forEach((c, j) => {
        if (typeof c !== 'string') return;
        const path: YPath = ['optimize', 'space', 'constraints', j];
        const parsed = parseLinearConstraint(c);
        if (!parsed.ok) {
          this.at(path, 'value', 'error', 'bad-constraint', `cannot read constraint "${c}": ${parsed.error} (at character ${parsed.offset + 1})`,
            'write a linear inequality such as "Ni + Fe <= 0.8" or "2*x - y >= 0"');
          return;
        }
        for (const n of Object.keys(parsed.constraint.coefficients)) {
          if (spaceVars.includes(n)) continue;
          if (names.length && !names.includes(n)) { unknownName(n, path, 'value', 'constraint column'); continue; }
          if (spaceVars.length) {
            this.at(path, 'value', 'error', 'unknown-column', `constraint column "${n}" is not a variable of the space`,
              `give it bounds under optimize.space.bounds; variables: ${listSome(spaceVars)}`);
          }
        }
      });
    }
  }

  private fileExists(rel: string): boolean {
    const p = resolveSpecPath(this.specPath, rel);
    try { return statSync(p).isFile(); } catch { return false; }
  }

  private missingFileHint(rel: string): string {
    const p = resolveSpecPath(this.specPath, rel);
    try {
      if (existsSync(p) && statSync(p).isDirectory()) return `"${p}" is a folder; give a CSV/TSV file`;
      const dir = dirname(p);
      if (existsSync(dir)) {
        const files = readdirSync(dir).filter((f) => /\.(csv|tsv|txt|tab)$/i.test(f));
        const near = closest(basename(p), files) ?? closest(basename(p, extname(p)), files.map((f) => basename(f, extname(f))));
        const full = near === undefined ? undefined : files.find((f) => f === near || basename(f, extname(f)) === near);
        if (full !== undefined) {
          const relDir = dirname(rel);
          return `did you mean "${relDir === '.' ? full : `${relDir}/${full}`}"?`;
        }
      }
    } catch { /* hint only */ }
    return `looked for ${p}; paths are relative to the spec file`;
  }

  private unreadable(err: unknown, rel: string): string {
    // Parser messages can quote the file; only for files that are meant to be tables.
    if (!tableLike(rel)) return 'not a CSV/TSV table (its content is not shown)';
    if (err instanceof MiError) {
      const d = err.details;
      return `${err.message}${d.line ? ` (line ${d.line})` : ''}`;
    }
    return err instanceof Error ? err.message : String(err);
  }

  private async checkDataset(dataset: Obj, inputs: ColumnRef[], targets: { name: string; path: YPath }[]): Promise<DataProbe | undefined> {
    const rel = dataset.path as string;
    if (!this.fileExists(rel)) {
      this.at(['dataset', 'path'], 'value', 'error', 'dataset-not-found', `dataset file "${rel}" not found`, this.missingFileHint(rel));
      return undefined;
    }
    const abs = resolveSpecPath(this.specPath, rel);
    let header: string[];
    try {
      header = await this.reader.header(abs);
    } catch (err) {
      this.at(['dataset', 'path'], 'value', 'error', 'dataset-unreadable', `cannot read dataset "${rel}": ${this.unreadable(err, rel)}`,
        'give a CSV/TSV file with a header line');
      return undefined;
    }
    const shown = tableLike(rel);
    const unknown = (name: string, path: YPath): void => {
      const near = shown ? closest(name, header) : undefined;
      this.at(path, 'value', 'error', 'unknown-column', `column "${name}" is not in ${basename(rel)}`,
        !shown ? NOT_SHOWN : near !== undefined ? `did you mean "${near}"?` : `columns: ${listSome(header)}`);
    };
    for (const c of inputs) if (!header.includes(c.name)) unknown(c.name, c.path);
    for (const t of targets) if (!header.includes(t.name)) unknown(t.name, t.path);
    if (isStr(dataset.id) && !header.includes(dataset.id)) unknown(dataset.id, ['dataset', 'id']);

    const present = targets.filter((t) => header.includes(t.name));
    const typed = inputs.filter((c) => header.includes(c.name));
    const idCol = isStr(dataset.id) && header.includes(dataset.id) ? dataset.id : undefined;
    if (present.length === 0 && typed.length === 0 && !idCol) return undefined;
    let probe: DataProbe;
    try {
      probe = await this.reader.probe(abs);
    } catch (err) {
      this.at(['dataset', 'path'], 'value', 'error', 'dataset-unreadable', `cannot read dataset "${rel}": ${this.unreadable(err, rel)}`);
      return undefined;
    }
    // long-format function targets repeat the sample id on every row of its curve
    const longIds = new Set((Array.isArray(dataset.targets) ? dataset.targets : []).map((t) => (isObj(t) && isObj(t.long) ? t.long.id : undefined)));
    if (idCol && !longIds.has(idCol)) {
      const dup = probe.firstDuplicate(idCol);
      if (dup) {
        this.at(['dataset', 'id'], 'value', 'warning', 'duplicate-id', `id "${dup.value}" appears more than once in column "${idCol}" (lines ${dup.lines[0]} and ${dup.lines[1]})`,
          'ids should be unique so predictions and suggestions can be traced back; fix the data or choose another id column');
      }
    }
    for (const t of present) {
      const info = probe.types.get(t.name);
      if (info && info.type !== 'numeric') {
        this.at(t.path, 'value', 'error', 'target-not-numeric', `target "${t.name}" is not numeric in the data (${info.type})`,
          `${info.evidence}; targets must be numbers`);
      }
    }
    for (const c of typed) {
      const info = probe.types.get(c.name);
      if (!info || info.type === 'empty' || info.type === 'text') continue;
      const expected = c.kind === 'composition' ? (c.multi ? 'numeric' : 'composition') : c.kind === 'smiles' ? 'smiles' : c.kind === 'numeric' ? 'numeric' : undefined;
      if (expected && info.type !== expected) {
        const suggestKind = info.type === 'composition' || info.type === 'smiles' || info.type === 'numeric' || info.type === 'categorical' ? info.type : undefined;
        this.at(c.path, 'value', 'warning', 'kind-mismatch', `column "${c.name}" looks ${info.type}, but the input kind is ${c.kind}`,
          `${info.evidence}${suggestKind && !(c.multi && c.kind === 'composition') ? `; did you mean kind: ${suggestKind}?` : ''}`);
      }
    }
    return probe;
  }

  private async checkCandidates(cand: Obj, inputs: ColumnRef[]): Promise<void> {
    const rel = cand.path as string;
    if (!this.fileExists(rel)) {
      this.at(['optimize', 'candidates', 'path'], 'value', 'error', 'candidates-not-found', `candidates file "${rel}" not found`, this.missingFileHint(rel));
      return;
    }
    let header: string[];
    try {
      header = await this.reader.header(resolveSpecPath(this.specPath, rel));
    } catch (err) {
      this.at(['optimize', 'candidates', 'path'], 'value', 'error', 'candidates-not-found', `cannot read candidates "${rel}": ${this.unreadable(err, rel)}`);
      return;
    }
    const shown = tableLike(rel);
    const missing = [...new Set(inputs.map((c) => c.name))].filter((n) => !header.includes(n));
    for (const n of missing) {
      const near = shown ? closest(n, header) : undefined;
      this.at(['optimize', 'candidates', 'path'], 'value', 'error', 'candidates-missing-column',
        `candidates file "${basename(rel)}" has no input column "${n}"`,
        !shown ? NOT_SHOWN : near !== undefined ? `it has "${near}" — rename it to "${n}"` : `its columns: ${listSome(header)}`);
    }
    if (isStr(cand.id) && !header.includes(cand.id)) {
      const near = shown ? closest(cand.id, header) : undefined;
      this.at(['optimize', 'candidates', 'id'], 'value', 'error', 'candidates-missing-column', `candidates file has no id column "${cand.id}"`,
        !shown ? NOT_SHOWN : near !== undefined ? `did you mean "${near}"?` : `its columns: ${listSome(header)}`);
    }
  }
}
