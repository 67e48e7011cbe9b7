/**
 * The spec validator: YAML syntax → schema (walked against the AST for exact positions) → semantic checks (dataset and
 * candidate files, columns). Never throws on bad input: anything unexpected becomes a diagnostic.
 */
import { promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { MiError, formatDiagnostic, type Diagnostic } from '../diagnostics';
import { SchemaChecker } from './check';
import { defaultDataReader, type DataReader } from './dataProbe';
import { specSchema } from './schema';
import { SemanticChecker } from './semantic';
import { SPEC_DEFAULTS, type InputSpec, type ModelSpec, type Spec, type TargetSpec } from './types';
import { functionTargetDefaults } from '../functional/spec';
import { SpecDoc } from './yamlDoc';
import type { PathPolicy } from './pathPolicy';

export interface ValidateOptions {
  /** Skip checks that read the dataset/candidate files (e.g. for a quick syntax+schema pass). */
  skipFiles?: boolean;
  /** Override how data files are read (tests). */
  reader?: DataReader;
  /** Which folders the spec's files may be in (default: the spec's folder tree); see pathPolicy.ts. */
  paths?: PathPolicy;
}

const YAML_CODES: Record<string, string> = { DUPLICATE_KEY: 'duplicate-key' };

/** Plain-language messages and hints for the yaml parser's error codes. */
const YAML_HINTS: Record<string, { message?: string; hint: string }> = {
  TAB_AS_INDENT: { hint: 'indent with spaces; YAML does not allow tabs' },
  BAD_INDENT: { hint: 'check the indentation; a [ or { must be closed with ] or }' },
  MISSING_CHAR: { hint: 'close the quote or bracket' },
  BLOCK_AS_IMPLICIT_KEY: { hint: 'put a nested mapping on its own indented lines, or quote a value that contains ": "' },
  MULTILINE_IMPLICIT_KEY: { hint: 'a key must fit on one line; check the indentation of the line above' },
  MULTIPLE_DOCS: { message: 'the file holds several YAML documents', hint: 'a spec is one document; remove the "---" line' },
  BAD_SCALAR_START: { hint: 'quote the value, e.g. "@x"' },
  UNEXPECTED_TOKEN: { hint: 'check the indentation and that every key is followed by ": "' },
  DUPLICATE_KEY: { hint: 'each key may appear once per mapping; remove or merge the repeat' },
};

/** Offset of the last `{`/`[` that is never closed (quotes and comments skipped), or -1. */
export function unclosedBracket(text: string, open: '{' | '['): number {
  const close = open === '{' ? '}' : ']';
  const stack: number[] = [];
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
      else if (c === '\n' && stack.length === 0) quote = undefined;
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || /[\s[{,:]/.test(text[i - 1]))) quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) { while (i < text.length && text[i] !== '\n') i++; }
    else if (c === open) stack.push(i);
    else if (c === close) stack.pop();
  }
  return stack.length ? stack[stack.length - 1] : -1;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** Default experiment name: the spec file name without `.mi.yaml` / `.yaml` / `.yml`. */
export function defaultSpecName(specPath: string): string {
  const b = basename(specPath).replace(/(\.mi)?\.ya?ml$/i, '');
  return b || 'experiment';
}

/** At most this many diagnostics per file; then one more saying how many were left out. */
export const MAX_DIAGNOSTICS = 200;

export async function validateSpecText(
  text: string, specPath: string, opts: ValidateOptions = {},
): Promise<{ diagnostics: Diagnostic[]; spec?: Spec }> {
  const r = await validateAll(text, specPath, opts);
  return r.diagnostics.length > MAX_DIAGNOSTICS ? { ...r, diagnostics: capDiagnostics(r.diagnostics) } : r;
}

function capDiagnostics(all: Diagnostic[]): Diagnostic[] {
  const kept = all.slice(0, MAX_DIAGNOSTICS);
  const rest = all.slice(MAX_DIAGNOSTICS);
  const errors = rest.filter((d) => d.severity === 'error').length;
  kept.push({
    range: rest[0].range,
    severity: errors ? 'error' : rest.some((d) => d.severity === 'warning') ? 'warning' : 'info',
    code: 'too-many-diagnostics',
    message: `and ${rest.length} more problem${rest.length === 1 ? '' : 's'} in this file${errors ? ` (${errors} error${errors === 1 ? '' : 's'})` : ''}, not listed`,
    hint: `only the first ${MAX_DIAGNOSTICS} are shown; fix these and validate again`,
  });
  return kept;
}

async function validateAll(
  text: string, specPath: string, opts: ValidateOptions,
): Promise<{ diagnostics: Diagnostic[]; spec?: Spec }> {
  let diagnostics: Diagnostic[] = [];
  let doc: Document | undefined;
  // Editors hide a UTF-8 byte-order mark; drop it so columns on line 1 match what the user sees.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let sd: SpecDoc | undefined;
  try {
    const lc = new LineCounter();
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, strict: true });
    sd = new SpecDoc(doc, lc, text.length, text);
    for (const e of [...doc.errors, ...doc.warnings]) {
      const [s, en] = e.pos;
      const d: Diagnostic = {
        range: sd.rangeOf(s, Math.max(en, s)),
        severity: doc.errors.includes(e) ? 'error' : 'warning',
        code: YAML_CODES[e.code] ?? 'yaml-syntax',
        message: YAML_HINTS[e.code]?.message ?? e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''),
      };
      const hint = YAML_HINTS[e.code]?.hint;
      if (hint) d.hint = hint;
      if (/Maximum call stack size exceeded/.test(e.message)) {
        // the parser ran out of stack on thousands of nested [ or {: say so rather than echo the engine's RangeError
        d.message = 'the YAML is nested too deeply to read';
        d.hint = 'a spec needs only a few levels of nesting: check for runaway [ or { brackets';
      }
      const bracket = /end with a ([}\]])/.exec(e.message)?.[1];
      if (bracket) {
        // Point at the bracket that is never closed rather than at the end of the file.
        const at = unclosedBracket(text, bracket === '}' ? '{' : '[');
        if (at >= 0) {
          d.range = sd.rangeOf(at, at + 1);
          d.message = `this ${bracket === '}' ? '{' : '['} is never closed`;
          d.hint = `add ${bracket} at the end of the ${bracket === '}' ? 'mapping' : 'list'} (on the same line, or indent the continuation lines)`;
        }
      }
      if (d.code === 'duplicate-key') {
        const key = /^[^\s:,{}[\]#]{1,80}/.exec(text.slice(s))?.[0];
        if (key) {
          d.message = `duplicate key "${key.replace(/^["']|["']$/g, '')}"`;
          d.range = sd.rangeOf(s, s + key.length);
        }
      }
      diagnostics.push(d);
    }
    if (doc.errors.length > 0) return { diagnostics: diagnostics.sort(byPosition) };

    const root = sd.deref(doc.contents);
    if (root === null) {
      diagnostics.push({
        range: sd.rangeOf(0, 0), severity: 'error', code: 'missing-key', message: 'the spec is empty',
        hint: 'start with version: 1, name, dataset: {path, inputs, targets}',
      });
      return { diagnostics };
    }
    const schema = new SchemaChecker(sd, specSchema);
    schema.check(root, specSchema, []);
    diagnostics.push(...schema.diagnostics);

    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      diagnostics.push({
        range: sd.rangeOf(0, 0), severity: 'error', code: 'yaml-syntax',
        message: `the YAML cannot be expanded: ${err instanceof Error ? err.message : String(err)}`,
        hint: 'use fewer aliases (*name)',
      });
      return { diagnostics: dedupe(diagnostics).sort(byPosition) };
    }
    const semantic = new SemanticChecker(sd, specPath, opts.reader ?? defaultDataReader, opts.paths);
    if (!opts.skipFiles) await semantic.run(value);
    else await semantic.run(stripFiles(value));
    diagnostics.push(...semantic.diagnostics);
    diagnostics = dedupe(diagnostics).sort(byPosition);
    if (diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
    return { diagnostics, spec: applyDefaults(value as RawSpec, specPath) };
  } catch (err) {
    // A validator bug must not take the editor or the CLI down; report it where we are.
    diagnostics.push({
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      severity: 'error', code: 'internal-error',
      message: `the validator failed: ${err instanceof Error ? err.message : String(err)}`,
      hint: 'please report this with the spec file',
    });
    return { diagnostics: diagnostics.sort(byPosition) };
  }
}

/** Same value without file paths, so semantic checks that need files are skipped. */
function stripFiles(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  const o = { ...(v as Record<string, unknown>) };
  if (typeof o.dataset === 'object' && o.dataset !== null) o.dataset = { ...(o.dataset as object), path: undefined };
  if (typeof o.optimize === 'object' && o.optimize !== null) {
    const opt = { ...(o.optimize as Record<string, unknown>) };
    if (typeof opt.candidates === 'object' && opt.candidates !== null) opt.candidates = { ...(opt.candidates as object), path: undefined };
    o.optimize = opt;
  }
  delete o.transfer;
  return o;
}

function dedupe(ds: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const k = `${d.range.start.line}:${d.range.start.character}:${d.code}:${d.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

type RawSpec = Partial<Omit<Spec, 'dataset' | 'model' | 'evaluation' | 'optimize' | 'output'>> & {
  dataset: Omit<Spec['dataset'], 'on_invalid' | 'targets'> & { on_invalid?: 'error' | 'skip'; targets: (Omit<TargetSpec, 'goal'> & { goal?: TargetSpec['goal'] })[] };
  model?: Partial<ModelSpec>;
  evaluation?: { cv?: { folds?: number; repeats?: number; group?: string; by?: 'composition' | 'row' } | 'none' };
  optimize?: Partial<Spec['optimize']>;
  output?: { dir?: string };
};

/** Fills in SPEC_DEFAULTS; only called on a spec without errors. */
export function applyDefaults(raw: RawSpec, specPath: string): Spec {
  const type = raw.model?.type ?? SPEC_DEFAULTS.model.type;
  const model: ModelSpec = { ...raw.model, type };
  if (type === 'gp' || type === 'rf-gp') {
    // a gp on Morgan count fingerprints alone defaults to the Tanimoto kernel (docs/models.md "High dimension")
    const fingerprintsOnly = raw.dataset.inputs.every((i) => i.kind === 'smiles' && (i.descriptors ?? ['morgan']).every((d) => d === 'morgan'));
    model.kernel ??= type === 'gp' && fingerprintsOnly ? 'tanimoto' : SPEC_DEFAULTS.model.kernel;
    // gp: an absent `ard` is decided by the number of features (GpModel, ARD_DEFAULT_MAX_FEATURES)
    if (type === 'rf-gp') model.ard ??= true;
  }
  const spec: Spec = {
    version: 1,
    name: raw.name ?? defaultSpecName(specPath),
    seed: raw.seed ?? SPEC_DEFAULTS.seed,
    dataset: {
      ...raw.dataset,
      on_invalid: raw.dataset.on_invalid ?? SPEC_DEFAULTS.on_invalid,
      inputs: raw.dataset.inputs.map((i): InputSpec => ({ ...i })),
      targets: raw.dataset.targets.map((t): TargetSpec => functionTargetDefaults({ ...t, goal: t.goal ?? 'predict' })),
    },
    model,
    evaluation: {
      cv: raw.evaluation?.cv === 'none' ? 'none' : {
        folds: raw.evaluation?.cv?.folds ?? SPEC_DEFAULTS.evaluation.cv.folds,
        repeats: raw.evaluation?.cv?.repeats ?? SPEC_DEFAULTS.evaluation.cv.repeats,
        ...(raw.evaluation?.cv?.group !== undefined ? { group: raw.evaluation.cv.group } : {}),
        ...(raw.evaluation?.cv?.by !== undefined ? { by: raw.evaluation.cv.by } : {}),
      },
    },
    output: { dir: raw.output?.dir ?? SPEC_DEFAULTS.output.dir },
  };
  if (raw.description !== undefined) spec.description = raw.description;
  if (raw.optimize) {
    spec.optimize = {
      ...raw.optimize,
      acquisition: raw.optimize.acquisition ?? SPEC_DEFAULTS.optimize.acquisition,
      batch: raw.optimize.batch ?? SPEC_DEFAULTS.optimize.batch,
    };
  }
  if (raw.transfer) spec.transfer = raw.transfer;
  return spec;
}

/** Reads and validates a spec file; throws MiError listing the errors (formatted like the CLI) when there are any. */
export async function loadSpec(specPath: string, opts: Pick<ValidateOptions, 'paths'> = {}): Promise<{ spec: Spec; text: string; diagnostics: Diagnostic[] }> {
  let text: string;
  try {
    text = await fsp.readFile(specPath, 'utf8');
  } catch (err) {
    throw new MiError(`cannot read spec: ${err instanceof Error ? err.message : String(err)}`, { file: specPath, code: 'spec-not-found' });
  }
  const { diagnostics, spec } = await validateSpecText(text, specPath, opts);
  if (!spec) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    const first = errors[0];
    const lines = errors.map((d) => formatDiagnostic(specPath, d));
    throw new MiError(`the spec has ${errors.length} error${errors.length === 1 ? '' : 's'}:\n${lines.join('\n')}`, {
      file: first?.file ?? specPath,
      line: first ? first.range.start.line + 1 : undefined,
      hint: first?.hint ?? `run: mi-studio validate ${specPath}`,
      code: first?.code,
    });
  }
  return { spec, text, diagnostics };
}
