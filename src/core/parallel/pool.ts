/**
 * A worker-thread helper for the engine's synchronous number crunching (GP pool predictions, hyperparameter starts,
 * triangular inverses). The main thread posts one task, keeps computing its own share, then blocks in Atomics.wait
 * until the helper is done and reads the reply synchronously (receiveMessageOnPort) — no event-loop turn needed, so
 * synchronous code such as `predict()` can use it. Big arrays travel as SharedArrayBuffer views (`sharedF64`,
 * `toShared`).
 *
 * One helper per process (the engine is two-threaded: main + helper); it is started lazily on first use, unref'd so
 * it never keeps a process alive, and disabled by MI_THREADS=1 or on a one-core machine. Every caller has a
 * single-thread fallback computing exactly the same numbers, so results do not depend on whether a helper ran.
 */
import { Worker, MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import helperSource from 'mi-inline:helper';
import { MiError } from '../diagnostics';
import {
  CHOL_BLOCK,
  cholDiag,
  choleskyBlocked,
  cholPanel,
  cholUpdate,
  invertLower,
  invertLowerPanels,
  panelCost,
  panelStarts,
  zeroUpper,
  type DenseKernels,
} from '../linalg/dense';
import { TASKS, type TaskArgs, type TaskName, type TaskResult } from './tasks';
import { SERIAL_SPLITTER, type RowSplitter, type RowTask } from './split';

/**
 * Longest a helper task may take before the engine gives up on the helper (ms): it only guards against a helper that
 * died (its exit cannot be observed while this thread blocks). Pieces of one evaluation take milliseconds; a whole
 * optimiser start on a large user-chosen subset can take long, so it gets hours.
 */
const TASK_TIMEOUT_MS = 10 * 60 * 1000;
export const LONG_TASK_TIMEOUT_MS = 4 * 60 * 60 * 1000;

export class Helper {
  private pending: TaskName | null = null;
  private constructor(
    private readonly worker: Worker,
    private readonly ctl: Int32Array,
    private readonly port: MessagePort,
  ) {}

  static start(): Helper | null {
    const ctl = new Int32Array(new SharedArrayBuffer(4));
    const { port1, port2 } = new MessageChannel();
    let worker: Worker;
    try {
      worker = new Worker(helperSource, { eval: true, workerData: { ctl, port: port2 }, transferList: [port2] });
    } catch {
      return null;
    }
    worker.unref();
    port1.unref();
    worker.on('error', () => undefined); // never an uncaught exception; a dead helper is dropped on 'exit'
    const h = new Helper(worker, ctl, port1);
    // seen at the next event-loop turn (a task already waiting on a dead helper ends by the timeout instead)
    worker.on('exit', () => {
      if (helper === h) helper = null;
    });
    try {
      h.post('ping', undefined);
      if (h.wait('ping', 10_000) !== 'pong') throw new Error('bad ping reply');
      return h;
    } catch {
      void worker.terminate();
      return null;
    }
  }

  /** Starts a task; the next call must be `wait` for it (one task in flight). */
  post<K extends TaskName>(task: K, args: TaskArgs<K>): void {
    if (this.pending) throw new Error(`helper busy with ${this.pending}`);
    this.pending = task;
    Atomics.store(this.ctl, 0, 0);
    this.worker.postMessage({ task, args });
  }

  /** Blocks until the posted task is done; returns its result or throws its error. */
  wait<K extends TaskName>(task: K, timeoutMs = TASK_TIMEOUT_MS): TaskResult<K> {
    if (this.pending !== task) throw new Error(`helper: waiting for ${task} but ${this.pending ?? 'nothing'} is pending`);
    const deadline = Date.now() + timeoutMs;
    while (Atomics.load(this.ctl, 0) === 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        disableHelper(this);
        throw new MiError(`the engine's helper thread did not finish "${task}" within ${Math.round(timeoutMs / 1000)} s`, {
          code: 'helper-timeout',
          hint: 'set the environment variable MI_THREADS=1 to compute on one thread',
        });
      }
      Atomics.wait(this.ctl, 0, 0, Math.min(left, 1000));
    }
    this.pending = null;
    const msg = receiveMessageOnPort(this.port)?.message as { ok: boolean; result?: unknown; message?: string } | undefined;
    if (!msg) throw new Error(`helper: no reply for ${task}`);
    if (!msg.ok) throw new Error(`helper task ${task} failed: ${msg.message}`);
    return msg.result as TaskResult<K>;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

let helper: Helper | null | undefined;

/** Whether the engine may use a second thread (MI_THREADS=1 forces one; MI_THREADS=2 forces two). */
export function threadsWanted(): boolean {
  const env = process.env.MI_THREADS;
  if (env) return Number(env) >= 2;
  return availableParallelism() >= 2;
}

let forcedOff = false;

/** The process's helper, started on first call; null when threads are off or it could not start. */
export function getHelper(): Helper | null {
  if (forcedOff) return null;
  if (helper === undefined) helper = threadsWanted() ? Helper.start() : null;
  return helper;
}

/** Turns the helper off (1) or back on (2) for this process, e.g. to compare both paths in tests. */
export function setThreads(threads: 1 | 2): void {
  forcedOff = threads === 1;
}

function disableHelper(h: Helper): void {
  if (helper === h) helper = null;
  void h.terminate();
}

/** Runs a task on this thread (the fallback, and the main thread's own share of split work). */
export function runLocal<K extends TaskName>(task: K, args: TaskArgs<K>): TaskResult<K> {
  return (TASKS[task] as (a: TaskArgs<K>) => TaskResult<K>)(args);
}

export function sharedF64(length: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(length * 8));
}
export function sharedF32(length: number): Float32Array {
  return new Float32Array(new SharedArrayBuffer(length * 4));
}
/** A shared copy of `a` (or `a` itself when it already lives in shared memory). */
export function toShared(a: Float64Array): Float64Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const s = sharedF64(a.length);
  s.set(a);
  return s;
}

/** L⁻¹ for a lower-triangular L, its column panels split between this thread and the helper (when n is large). */
export function invertLowerParallel(L: Float64Array, n: number): Float64Array {
  const h = n >= PARALLEL_MIN_N ? getHelper() : null;
  if (!h) return invertLower(L, n);
  const M = sharedF64(n * n);
  const Ls = toShared(L);
  // greedy split by estimated cost, largest panels first; which thread computes a panel never changes its values
  const mine: number[] = [];
  const theirs: number[] = [];
  let a = 0;
  let b = 0;
  for (const j0 of panelStarts(n)) {
    const c = panelCost(n, j0);
    if (a <= b) {
      mine.push(j0);
      a += c;
    } else {
      theirs.push(j0);
      b += c;
    }
  }
  h.post('invertPanels', { L: Ls, M, n, panels: theirs });
  invertLowerPanels(Ls, M, n, mine);
  h.wait('invertPanels');
  return M;
}

/** Sizes from which splitting an O(n³) kernel with the helper pays for the hand-over (measured on 2 cores). */
const PARALLEL_MIN_N = 256;

/**
 * Blocked Cholesky (`choleskyBlocked`) with each block's panel solve and trailing update split by rows: this thread
 * takes rows [k1, s), the helper [s, n), s chosen so both do the same work (including this thread's diagonal block).
 * The helper waits for this thread's panel rows (a shared flag) before its update; this thread factors the next
 * diagonal block (its own rows) while the helper is still updating. `a` must be shared memory.
 */
export function choleskyParallel(a: Float64Array, n: number): boolean {
  const h = n >= PARALLEL_MIN_N && a.buffer instanceof SharedArrayBuffer ? getHelper() : null;
  if (!h) return choleskyBlocked(a, n);
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const B = CHOL_BLOCK;
  if (!cholDiag(a, n, 0, Math.min(n, B))) return false;
  for (let k0 = 0, step = 1; k0 < n; k0 += B, step++) {
    const k1 = Math.min(n, k0 + B);
    const k2 = Math.min(n, k1 + B);
    if (n - k1 < 2 * B) {
      // the tail: not worth a hand-over
      cholPanel(a, n, k0, k1, k1, n);
      cholUpdate(a, n, k0, k1, k1, n);
      if (k1 < n && !cholDiag(a, n, k1, k2)) return false;
      continue;
    }
    // row i costs ~ (i − k1 + 1 + B/2)·B multiply-adds (update + panel); this thread also factors the next diagonal
    // block (~B³/6): put s where the two sums meet
    const w = k1 - k0;
    let total = (w * w) / 6;
    for (let i = k1; i < n; i++) total += i - k1 + 1 + w / 2;
    let acc = (w * w) / 6;
    let s = k1;
    while (s < n && acc < total / 2) acc += s++ - k1 + 1 + w / 2;
    s = Math.max(s, k2);
    h.post('cholRows', { a, n, k0, k1, s, flag, ready: step });
    cholPanel(a, n, k0, k1, k1, s);
    Atomics.store(flag, 0, step);
    Atomics.notify(flag, 0);
    cholUpdate(a, n, k0, k1, k1, s);
    const ok = cholDiag(a, n, k1, k2);
    h.wait('cholRows');
    if (!ok) return false;
  }
  zeroUpper(a, n);
  return true;
}

/** The O(n³) kernels split with the helper thread when n is large enough (same numbers as SERIAL_KERNELS). */
export const PARALLEL_KERNELS: DenseKernels = {
  alloc: (length) => (length >= PARALLEL_MIN_N * PARALLEL_MIN_N && getHelper() ? sharedF64(length) : new Float64Array(length)),
  cholesky: choleskyParallel,
  invertLower: invertLowerParallel,
};

/** Rows below which one objective evaluation is not worth splitting (the hand-overs cost ~0.1 ms). */
const SPLIT_MIN_ROWS = 160;

/** Row-parallel pieces of the GP objective: the second part on the helper (serial when it is absent or busy-sized). */
export const PARALLEL_SPLITTER: RowSplitter = {
  alloc: (length) => (getHelper() ? sharedF64(length) : new Float64Array(length)),
  share: (a) => (getHelper() ? toShared(a) : a),
  split<A extends object, R>(task: RowTask, fn: (a: A, i0: number, i1: number) => R, args: A, s: number, n: number): [R, R] {
    const h = n >= SPLIT_MIN_ROWS ? getHelper() : null;
    if (!h) return SERIAL_SPLITTER.split(task, fn, args, s, n);
    h.post(task, { ...args, i0: s, i1: n } as never);
    let first: R;
    try {
      first = fn(args, 0, s);
    } catch (e) {
      try {
        h.wait(task);
      } catch {
        /* the local error is the one to report */
      }
      throw e;
    }
    return [first, h.wait(task) as R];
  },
};

/** Everything the GP objective can split with the helper. */
export const PARALLEL_OBJECTIVE = { kernels: PARALLEL_KERNELS, splitter: PARALLEL_SPLITTER, minRows: SPLIT_MIN_ROWS };
