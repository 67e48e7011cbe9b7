/**
 * The live `run.mirun.json` of a running run: rewritten atomically (temp file + rename), at most every `intervalMs`,
 * so the run-results editor can watch it grow (curve, timings) without ever reading a half-written file.
 */
import { join } from 'node:path';
import type { RunManifest } from './manifest';
import { writeFileAtomic } from './files';

export class LiveManifest {
  private last = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
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

  /** Marks the manifest dirty; writes now if the last write is older than the interval, else schedules one. */
  touch(): void {
    if (this.closed || this.timer) return;
    const wait = this.last + this.intervalMs - Date.now();
    if (wait <= 0) void this.flush();
    else {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, wait);
      this.timer.unref?.();
    }
  }

  /** Writes the manifest now (serialised with any write in flight). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.last = Date.now();
    const text = JSON.stringify(this.manifest, null, 2) + '\n';
    const path = this.path;
    this.writing = this.writing.then(
      () => writeFileAtomic(path, text),
      () => writeFileAtomic(path, text),
    );
    return this.writing;
  }

  /** Stops scheduled writes and waits for the one in flight (errors included). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.writing.catch(() => undefined);
  }
}
