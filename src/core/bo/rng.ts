/**
 * BO's seeded PRNG: the project's `Rng` (src/core/linalg/random.ts: xoshiro128**, polar-method normals) plus the
 * helpers BO needs (uniform `next`, in-place shuffles, flat Dirichlet draws). Deterministic across platforms.
 */
import { Rng as BaseRng } from '../linalg/random';

export class Rng extends BaseRng {
  /** Uniform in [0, 1). */
  next(): number {
    return this.uniform();
  }
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
  /** Uniform point on the probability simplex of dimension k (flat Dirichlet). */
  dirichlet(k: number): number[] {
    const e = Array.from({ length: k }, () => -Math.log(1 - this.next()));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((x) => x / s);
  }
}
