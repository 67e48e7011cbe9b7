/**
 * Leaving the CLI without losing output: `process.exit` right after `stdout.write` drops whatever is still queued for
 * a pipe (64–128 KiB arrived of a 1 MiB `validate --json`). Waits until stdout and stderr have handed everything to
 * the OS, then exits. A reader that went away (EPIPE, e.g. `| head`) ends the wait at once.
 */
export function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = (): void => {
    if (--pending === 0) process.exit(code);
  };
  for (const stream of [process.stdout, process.stderr]) {
    let called = false;
    const once = (): void => {
      if (called) return;
      called = true;
      done();
    };
    stream.once('error', once);
    if (stream.destroyed || !stream.writable) once();
    // The callback of an empty write runs after every earlier write has been flushed.
    else stream.write('', once);
  }
}
