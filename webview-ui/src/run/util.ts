/** Small helpers shared by the run view's tabs and charts. */
import type { CsvTable } from '../../../src/protocol/webview';

export const num = (s: string | undefined): number => (s === undefined || s.trim() === '' ? NaN : Number(s));

export function col(t: CsvTable | undefined, name: string): number {
  return t ? t.header.indexOf(name) : -1;
}

export function goalName(goal: unknown): string {
  if (typeof goal === 'string') return goal;
  if (goal && typeof goal === 'object' && 'target' in goal) return `target ${(goal as { target: number }).target}`;
  return String(goal ?? '');
}

/** Units of suggestion/prediction columns: `<target>`, `<target>_mean`, `_std`, `_lower90`, `_upper90` take the target's. */
export function columnUnit(column: string, targets: { column: string; unit?: string }[]): string | undefined {
  for (const t of targets) {
    if (!t.unit) continue;
    if (column === t.column || ['_mean', '_std', '_lower90', '_upper90'].some((s) => column === `${t.column}${s}`)) return t.unit;
  }
  return undefined;
}

/** Whether the run has cross-validation results (`evaluation: {cv: none}` runs have none). */
export function hasCv(m: { metrics?: { cv?: Record<string, unknown> } }): boolean {
  return !!m.metrics?.cv && Object.keys(m.metrics.cv).length > 0;
}

/** The spec said `evaluation: {cv: none}` (or the run was started with --no-cv). */
export function cvSkipped(m: { spec?: { content?: unknown } }): boolean {
  const ev = (m.spec?.content as { evaluation?: { cv?: unknown } } | null | undefined)?.evaluation;
  return ev?.cv === 'none' || ev?.cv === null || ev?.cv === false;
}

/** Axis title of an acquisition: EI and UCB are in the target's unit, the others (log EI, PI, TS draws…) say what they are. */
export function acqTitle(acq: string, unit: string): string {
  const k = acq.split(':')[0];
  if (k === 'ei' || k === 'ucb' || k === 'ts') return `${acq} (acquisition)${unit}`;
  if (k === 'pi') return 'pi (probability of improvement)';
  if (k === 'logei') return 'logei (log expected improvement)';
  return `${acq} (acquisition)`;
}
