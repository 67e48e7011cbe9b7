/**
 * The live `run.mirun.json` of a running run: rewritten atomically (temp file + rename), at most every `intervalMs`,
 * so the run-results editor can watch it grow (curve, timings) without ever reading a half-written file.
 */
import { join } from 'node:path';
import type { RunManifest } from './manifest';
import { writeFileAtomicSync } from './files';

export class LiveManifest {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private dir: string,
    readonly manifest: RunManifest,
    private intervalMs = 500,
  ) {}

  get path(): string {
    return join(this.dir, 'run.mirun.json');
  }

  /** Moves the writer to another folder (after the temp folder was renamed). */
  setDir(dir: string): void {
    this.dir = dir;
  }

  /**
   * Marks the manifest dirty; writes now if the last write is older than the interval, else schedules one.
   * Writes are synchronous: progress is reported from inside long synchronous model fits, where an asynchronous
   * write (or a timer) would only complete after the fit, leaving the live view a fold or more behind.
   */
  touch(): void {
    if (this.closed || this.timer) return;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) this.write();
    else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.closed) this.write();
      }, wait);
      this.timer.unref?.();
    }
  }

  /** Writes the manifest now. */
  async flush(): Promise<void> {
    this.write();
  }

  /** Stops scheduled writes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private write(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.last = Date.now();
    writeFileAtomicSync(this.path, JSON.stringify(this.manifest, null, 2) + '\n');
  }
}
