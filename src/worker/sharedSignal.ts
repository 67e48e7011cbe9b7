/**
 * An AbortSignal whose `aborted` also reads a shared-memory flag. The engine checks `signal.aborted` inside long
 * synchronous loops (e.g. every L-BFGS iteration of a GP fit); a normal signal can only flip when the event loop runs,
 * which those loops block. The worker process runs the engine in a worker thread and sets the flag from its main
 * thread, so a cancel is seen at the next check. It stays a genuine AbortSignal (Node APIs accept it); the real
 * `abort()` follows as soon as the engine thread's event loop gets to the cancel message.
 */
export function sharedAbortSignal(flag: Int32Array, controller: AbortController = new AbortController()): AbortSignal {
  const signal = controller.signal;
  const real = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')?.get;
  Object.defineProperty(signal, 'aborted', {
    configurable: true,
    get: () => Atomics.load(flag, 0) === 1 || (real ? (real.call(signal) as boolean) : false),
  });
  return signal;
}

export function newAbortFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function raiseAbortFlag(flag: Int32Array): void {
  Atomics.store(flag, 0, 1);
}
