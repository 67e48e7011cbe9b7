/**
 * Independent checks of points drawn on a composition simplex (the OER example: sum 1, "ce_load + la_load <= 0.5"):
 * rebuild the full composition the way docs/views.md describes it (the other components rescaled in proportion to the
 * reference row) and test it against the space.
 */
import type { Landscape } from '../../../src/core/bo/landscape';

export function fullRow(L: Landscape, fixed: Record<string, number>): Record<string, number> {
  const ref = Object.fromEntries(L.featureNames.map((n, i) => [n, L.reference.features[i]]));
  const comp = L.space!.composition!;
  const others = comp.names.filter((n) => !(n in fixed));
  const left = comp.sum - Object.values(fixed).reduce((a, b) => a + b, 0);
  const refOthers = others.reduce((a, n) => a + ref[n], 0);
  const row: Record<string, number> = { ...ref, ...fixed };
  for (const n of others) row[n] = refOthers > 0 ? (ref[n] * left) / refOthers : left / others.length;
  return row;
}

/** Inside the OER example's space: on the simplex, every component within [0, sum], ce_load + la_load ≤ 0.5. */
export function insideSimplex(r: Record<string, number>, L: Landscape): boolean {
  const comp = L.space!.composition!;
  const sum = comp.names.reduce((a, n) => a + r[n], 0);
  return Math.abs(sum - comp.sum) < 1e-6 && comp.names.every((n) => r[n] >= -1e-9 && r[n] <= comp.sum + 1e-9) && r.ce_load + r.la_load <= 0.5 + 1e-9;
}
