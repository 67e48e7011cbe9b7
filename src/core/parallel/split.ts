/**
 * Row-wise work split in two: rows [0, s) on this thread and [s, n) either here too (`SERIAL_SPLITTER`) or on the
 * helper thread (`PARALLEL_SPLITTER` in pool.ts). Callers pick s from n alone and add partial results as
 * first + second, so the numbers never depend on the splitter. An interface of its own so numerical modules can take
 * it without importing the pool (the helper's bundle includes those modules and must not include the pool).
 */

/** Helper tasks that take `{ ...args, i0, i1 }` (see tasks.ts). */
export type RowTask = 'objBuildRows' | 'objGradRows' | 'objR2Rows' | 'invTRows' | 'gramRows';
export interface RowSplitter {
  /** Memory the helper can see (shared when parallel). */
  alloc(length: number): Float64Array;
  /** `a` itself, or a shared copy when parallel. */
  share(a: Float64Array): Float64Array;
  split<A extends object, R>(task: RowTask, fn: (a: A, i0: number, i1: number) => R, args: A, s: number, n: number): [R, R];
}

export const SERIAL_SPLITTER: RowSplitter = {
  alloc: (length) => new Float64Array(length),
  share: (a) => a,
  split: (_task, fn, args, s, n) => [fn(args, 0, s), fn(args, s, n)],
};

/** Split point for work growing linearly with the row index (row i touches i earlier rows): equal halves at n/√2. */
export function triangularSplit(n: number): number {
  return Math.round(n / Math.SQRT2);
}
