/**
 * Turns a stream of RunEvents into protocol messages without flooding the IPC channel: logs go out at once,
 * progress keeps only the latest per interval (phase changes immediately), curve points are batched per interval.
 */
import type { RunEvent, WorkerToHost } from '../protocol/worker';

export class Throttle {
  private pendingProgress: Extract<WorkerToHost, { type: 'progress' }> | undefined;
  private pendingMetrics: Extract<WorkerToHost, { type: 'metric' }>[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastPhase = '';

  constructor(
    private id: string,
    private send: (m: WorkerToHost) => void,
    private intervalMs = 100,
  ) {}

  event(e: RunEvent): void {
    switch (e.type) {
      case 'log':
        this.send({ type: 'log', id: this.id, level: e.level, message: e.message });
        return;
      case 'progress': {
        this.pendingProgress = { type: 'progress', id: this.id, phase: e.phase, message: e.message, ...(e.fraction !== undefined ? { fraction: e.fraction } : {}) };
        if (e.phase !== this.lastPhase) {
          this.lastPhase = e.phase;
          this.flush();
          return;
        }
        break;
      }
      case 'curve':
        this.pendingMetrics.push({ type: 'metric', id: this.id, phase: e.phase, iteration: e.iteration, value: e.value });
        break;
      case 'finished':
        this.flush();
        return;
      default:
        return;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.intervalMs);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const metrics = this.pendingMetrics;
    this.pendingMetrics = [];
    for (const m of metrics) this.send(m);
    if (this.pendingProgress) {
      const p = this.pendingProgress;
      this.pendingProgress = undefined;
      this.send(p);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
