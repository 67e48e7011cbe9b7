/**
 * Progress in words for long runs: every model's FitProgress (GP optimiser iterations, MLP epochs, calibration refits)
 * becomes a message such as "fitting fold 2 of 5: optimiser start 1 of 3 on 200 rows, iteration 40, −log likelihood
 * 89.7" in the CLI log, the live manifest's `progress` and the VS Code notification. Models report every iteration;
 * this forwards at most one message per `MIN_INTERVAL_MS` (stage changes at once), so the lines move often (well under
 * the 2 s the views promise) without flooding the event stream.
 */
import type { FitProgress, Model } from '../models/types';
import type { RunSession } from './session';

const MIN_INTERVAL_MS = 250;

/** The words for one model progress event, without a fold or phase prefix. */
export function describeFitProgress(p: FitProgress): string {
  if (p.message) return p.message;
  const v = Number.isFinite(p.value) ? (Math.abs(p.value) >= 100 ? p.value.toFixed(1) : p.value.toPrecision(4)) : '';
  switch (p.phase) {
    case 'fit':
      return `iteration ${p.iteration}${v ? `, −log likelihood ${v}` : ''}`;
    case 'epoch':
      return `epoch ${p.iteration}${v ? `, training loss ${v}` : ''}`;
    case 'auto':
      return `comparing candidate models: ${p.iteration} tried${v ? `, inner-CV RMSE ${v}` : ''}`;
    default:
      return `${p.phase} ${p.iteration}${v ? `: ${v}` : ''}`;
  }
}

/** Forwards model progress to the session with a time throttle; notes (phase `note`) are logged once. */
class Forwarder {
  private last = 0;
  private lastStage = '';
  private readonly notes = new Set<string>();
  constructor(
    private readonly s: RunSession,
    private readonly phase: string,
  ) {}

  forward(p: FitProgress, prefix: string, within: number): void {
    if (p.phase === 'note') {
      const msg = p.message ?? '';
      if (msg && !this.notes.has(msg)) {
        this.notes.add(msg);
        this.s.log('info', `[${this.phase}] note: ${msg}`);
      }
      return;
    }
    const words = describeFitProgress(p);
    // "optimiser start 2 of 3 on 200 rows, iteration 4, …" → stage "optimiser start 2 of 3 on 200 rows"
    const stage = prefix + words.replace(/,? ?iteration \d+.*$/, '');
    const now = Date.now();
    if (stage === this.lastStage && now - this.last < MIN_INTERVAL_MS) return;
    this.last = now;
    this.lastStage = stage;
    this.s.progress(this.phase, within, `${prefix}${words}`);
  }
}

/**
 * Wraps the cross-validation model factory so that each fold's fit reports progress in words ("fitting fold k of K:
 * …"). Folds are numbered in the order the factory is called (one model per fold, repeats after each other).
 */
export function withFoldProgress(make: () => Model, folds: number, repeats: number, s: RunSession): () => Model {
  const total = Math.max(1, folds * repeats);
  const fw = new Forwarder(s, 'cv');
  let made = 0;
  return () => {
    const inner = make();
    const k = made++;
    const fold = (k % folds) + 1;
    const rep = Math.floor(k / folds) + 1;
    const prefix = `fitting fold ${fold} of ${folds}${repeats > 1 ? ` (repeat ${rep} of ${repeats})` : ''}: `;
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'fit') {
          const fit: Model['fit'] = (X, Y, opts) => {
            s.progress('cv', k / total, `${prefix}starting`);
            return target.fit(X, Y, {
              ...opts,
              onProgress: (p) => {
                opts.onProgress?.(p);
                fw.forward(p, prefix, (k + Math.min(0.99, p.fraction ?? 0)) / total);
              },
            });
          };
          return fit;
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  };
}

/** The final fit's progress handler: curve points for optimiser iterations, and messages in words. */
export function finalFitProgress(s: RunSession, rows: number): (p: FitProgress) => void {
  const fw = new Forwarder(s, 'fit');
  let within = 0;
  return (p: FitProgress) => {
    if (p.phase !== 'note' && p.phase !== 'calibrate' && Number.isFinite(p.value)) s.addCurve(p.phase || 'fit', p.iteration, p.value);
    if (p.fraction !== undefined) within = p.fraction;
    fw.forward(p, `fitting on all ${rows} rows: `, within);
  };
}
