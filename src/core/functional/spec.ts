/**
 * Spec support for `kind: function` targets: defaults (the target's name fills `column`, a functional goal becomes
 * `objective` + maximize/minimize) and the checks the schema cannot express (layout keys, columns in the data, the
 * objective's parameters). Called from spec/validate.ts and spec/semantic.ts.
 */
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Diagnostic } from '../diagnostics';
import type { FunctionalObjective, TargetSpec } from '../spec/types';
import type { SpecDoc, YPath } from '../spec/yamlDoc';
import type { DataReader } from '../spec/dataProbe';
import { resolveSpecPath } from '../spec/paths';
import { closest } from '../spec/suggest';
import { functionTargetName, wideColumns } from './data';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const OBJECTIVE_KINDS = ['value', 'max', 'min', 'argmax', 'integral', 'above'];

/** applyDefaults hook: a function target gets `column` = its name; a functional goal becomes `objective`. */
export function functionTargetDefaults(t: TargetSpec): TargetSpec {
  const g = t.goal as unknown;
  if (t.kind !== 'function') return t;
  const out: TargetSpec = { ...t, column: functionTargetName(t) };
  if (isObj(g) && (isStr(g.maximize) || isStr(g.minimize))) {
    const direction = isStr(g.maximize) ? 'maximize' : 'minimize';
    const o: FunctionalObjective = { kind: (g[direction] as FunctionalObjective['kind']), direction };
    if (typeof g.at === 'number') o.at = g.at;
    if (Array.isArray(g.over) && g.over.length === 2) o.over = [Number(g.over[0]), Number(g.over[1])];
    if (typeof g.threshold === 'number') o.threshold = g.threshold;
    out.objective = o;
    out.goal = direction;
  }
  return out;
}

export interface FunctionCheckContext {
  sd: SpecDoc;
  specPath: string;
  reader: DataReader;
  push(d: Diagnostic): void;
}

/** Semantic checks of every target that the scalar checks skip (function targets, targets without `column`). */
export async function checkFunctionTargets(ctx: FunctionCheckContext, dataset: Obj | undefined, targets: unknown[], inputColumns: string[]): Promise<void> {
  const at = (path: YPath, part: 'key' | 'value', code: string, message: string, hint?: string, severity: 'error' | 'warning' = 'error'): void => {
    const node = part === 'key' ? ctx.sd.keyNode(path) : ctx.sd.valueNode(path);
    ctx.push(ctx.sd.diag(node, severity, code, message, hint));
  };
  let header: string[] | undefined;
  const getHeader = async (): Promise<string[] | undefined> => {
    if (header || !dataset || !isStr(dataset.path)) return header;
    const abs = resolveSpecPath(ctx.specPath, dataset.path);
    if (!existsSync(abs)) return undefined;
    try {
      header = await ctx.reader.header(abs);
    } catch {
      header = undefined;
    }
    return header;
  };
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    if (!isObj(t)) continue;
    const base: YPath = ['dataset', 'targets', i];
    const fn = t.kind === 'function';
    const layouts = ['long', 'columns', 'file'].filter((k) => t[k] !== undefined);
    const goal = t.goal;
    const fgoal = isObj(goal) && (goal.maximize !== undefined || goal.minimize !== undefined || goal.at !== undefined || goal.over !== undefined || goal.threshold !== undefined);
    if (isObj(goal) && (goal.target === undefined) === !fgoal) {
      at([...base, 'goal'], 'value', 'missing-key', fgoal ? 'a goal has either `target` or a curve objective, not both' : 'the goal needs `target` (the value to hit)',
        fgoal ? 'remove one of them' : 'e.g. goal: {target: 1.5}');
    }
    if (!fn) {
      if (!isStr(t.column) && layouts.length === 0) at(base, 'value', 'missing-key', 'a target needs "column" (or kind: function)', 'name the numeric column to predict, or set kind: function with long, columns or file');
      for (const k of [...layouts, ...['grid', 'argument'].filter((k2) => t[k2] !== undefined)]) {
        at([...base, k], 'key', 'function-layout', `"${k}" is for function targets`, 'add kind: function to this target');
      }
      if (fgoal) at([...base, 'goal'], 'value', 'function-goal', 'this goal is an objective on a curve, but the target is scalar', 'add kind: function, or use maximize / minimize / {target: value}');
      continue;
    }
    if (isStr(t.column)) at([...base, 'column'], 'key', 'function-layout', '`column` is for scalar targets; a function target uses long, columns or file', 'e.g. long: {id: formula, argument: T, value: Cp}');
    if (layouts.length !== 1) {
      at(layouts.length ? [...base, layouts[1]] : base, layouts.length ? 'key' : 'value', 'function-layout',
        layouts.length ? `give only one of long, columns and file (found ${layouts.join(', ')})` : 'a function target needs long, columns or file',
        'long: {id, argument, value} (one row per point), columns: "xrd_*" (one column per argument value) or file: <column naming a two-column file>');
    }
    if (isObj(t.grid) && typeof t.grid.from === 'number' && typeof t.grid.to === 'number' && !(t.grid.to > t.grid.from)) {
      at([...base, 'grid', 'to'], 'value', 'out-of-range', `grid "to" (${t.grid.to}) must be greater than "from" (${t.grid.from})`, 'swap them');
    }
    if (isObj(goal) && fgoal) {
      const dirs = ['maximize', 'minimize'].filter((k) => goal[k] !== undefined);
      if (dirs.length !== 1) at([...base, 'goal'], 'value', 'function-goal', 'a curve objective needs exactly one of maximize or minimize', 'e.g. {maximize: integral, over: [400, 700]}');
      const kind = dirs.length === 1 ? goal[dirs[0]] : undefined;
      if (kind === 'value' && typeof goal.at !== 'number') at([...base, 'goal'], 'value', 'function-goal', '`value` needs `at`: the argument value to optimise', 'e.g. {maximize: value, at: 600}');
      if (kind === 'above' && typeof goal.threshold !== 'number') at([...base, 'goal'], 'value', 'function-goal', '`above` needs `threshold`', 'e.g. {maximize: above, threshold: 1.0, over: [400, 700]}');
      if (typeof kind === 'string' && !OBJECTIVE_KINDS.includes(kind)) continue; // the schema reports it
      const over = Array.isArray(goal.over) && goal.over.length === 2 && goal.over.every((v) => typeof v === 'number' && Number.isFinite(v)) ? (goal.over as number[]) : undefined;
      if (over && !(over[0] < over[1])) {
        at([...base, 'goal', 'over'], 'value', 'function-goal', `"over: [${over[0]}, ${over[1]}]" is ${over[0] === over[1] ? 'empty' : 'reversed'}: it needs from < to`,
          over[0] === over[1] ? `for a single argument value use {${dirs[0] ?? 'maximize'}: value, at: ${over[0]}}` : `write over: [${over[1]}, ${over[0]}]`);
      }
      // with an explicit grid the objective must lie on it (curves are never extrapolated; the data check repeats this
      // for default grids)
      const g = isObj(t.grid) && typeof t.grid.from === 'number' && typeof t.grid.to === 'number' && t.grid.to > t.grid.from ? [t.grid.from, t.grid.to] : undefined;
      if (g && kind === 'value' && typeof goal.at === 'number' && (goal.at < g[0] || goal.at > g[1])) {
        at([...base, 'goal', 'at'], 'value', 'function-goal', `"at: ${goal.at}" is outside the grid [${g[0]}, ${g[1]}]; curves are never extrapolated`, `choose at within [${g[0]}, ${g[1]}], or widen grid.from / grid.to`);
      }
      if (g && over && kind !== 'value' && over[0] < over[1] && (over[0] < g[0] || over[1] > g[1])) {
        at([...base, 'goal', 'over'], 'value', 'function-goal', `"over: [${over[0]}, ${over[1]}]" reaches beyond the grid [${g[0]}, ${g[1]}]; curves are never extrapolated`, `keep over within [${g[0]}, ${g[1]}], or widen grid.from / grid.to`);
      }
      if (typeof kind === 'string') {
        if (kind !== 'value' && goal.at !== undefined) at([...base, 'goal', 'at'], 'key', 'function-goal', `"at" is only used by {${dirs[0]}: value}; "${kind}" ignores it`, 'remove it, or use over: [from, to] for a range', 'warning');
        if (kind === 'value' && goal.over !== undefined) at([...base, 'goal', 'over'], 'key', 'function-goal', '"over" is not used by {…: value} (the value at one argument)', 'remove it, or use max / min / integral over the range', 'warning');
        if (kind !== 'above' && goal.threshold !== undefined) at([...base, 'goal', 'threshold'], 'key', 'function-goal', `"threshold" is only used by {maximize: above}; "${kind}" ignores it`, 'remove it', 'warning');
      }
    }
    const h = await getHeader();
    if (!h) continue;
    const dataName = isStr(dataset?.path) ? basename(dataset.path as string) : 'the dataset';
    const checkCol = (name: unknown, path: YPath): void => {
      if (!isStr(name) || h.includes(name)) return;
      const near = closest(name, h);
      at(path, 'value', 'unknown-column', `column "${name}" is not in ${dataName}`, near !== undefined ? `did you mean "${near}"?` : undefined);
    };
    if (isObj(t.long)) {
      checkCol(t.long.id, [...base, 'long', 'id']);
      checkCol(t.long.argument, [...base, 'long', 'argument']);
      checkCol(t.long.value, [...base, 'long', 'value']);
    }
    checkCol(t.file, [...base, 'file']);
    if (isStr(t.columns)) {
      const exclude = new Set<string>([...inputColumns, ...(isStr(dataset?.id) ? [dataset.id as string] : [])]);
      const cols = wideColumns(h, t.columns, exclude);
      if (cols.length < 2) {
        at([...base, 'columns'], 'value', 'function-columns', `"${t.columns}" matches ${cols.length} column(s) of ${dataName} with a numeric argument in the header; a curve needs at least 2`,
          'the part of the header matched by * must be a number, e.g. columns: "xrd_*" for xrd_10.5, xrd_10.6, ...');
      }
    }
  }
}
