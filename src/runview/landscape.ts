/**
 * landscape.json (written by src/core/bo/landscape.ts, type `Landscape`) → the view model `LandscapeView`.
 * Reads the engine's own type and nothing else; suggestions are marked at their own feature values and predicted
 * mean ± σ, cells/points outside the design space carry `feasible: false`.
 */
import { mapFeatures, type Landscape, type LandscapeGrid2d, type LandscapePoint } from '../core/bo/landscape';
import type { RunManifest } from '../core/run/manifest';
import type { LandscapeGrid, LandscapeView, MapPoint } from '../protocol/webview';

const label = (p: LandscapePoint): string => (p.kind === 'suggestion' ? `#${p.rank ?? ''} ${p.id}`.trim() : p.kind === 'incumbent' ? `${p.id} (incumbent)` : p.id);
const toPoint = (p: LandscapePoint): MapPoint => ({ x: p.x, y: p.y, label: label(p), value: p.value, ...(p.std !== undefined ? { std: p.std } : {}) });

/** One map of landscape.json (precomputed, or drawn on demand by `landscapeMap`) as the view draws it. */
export function gridView(g: LandscapeGrid2d, L: Landscape): LandscapeGrid {
  return grid(g, g.points ?? [], L);
}

function grid(g: LandscapeGrid2d, points: LandscapePoint[], L: Landscape): LandscapeGrid {
  const pca = g.kind === 'pca';
  return {
    kind: g.kind,
    label: pca ? 'PC1 × PC2 of the inputs' : `${g.xFeature} × ${g.yFeature}`,
    xLabel: g.xFeature,
    yLabel: g.yFeature,
    x: g.x,
    y: g.y,
    z: g.acquisition,
    zLabel: L.acquisition,
    layers: [
      { label: L.acquisition, z: g.acquisition },
      { label: `predicted ${L.target} (mean)`, z: g.mean },
      { label: `predicted ${L.target} (σ)`, z: g.std },
    ],
    ...(g.feasible ? { feasible: g.feasible } : {}),
    ...(g.held ? { held: g.held } : {}),
    suggestions: points.filter((p) => p.kind === 'suggestion').map(toPoint),
    points: points.filter((p) => p.kind !== 'suggestion').map(toPoint),
  };
}

export function landscapeView(L: Landscape, manifest: RunManifest): LandscapeView {
  if (L.format !== 'mi-studio-landscape') throw new Error(`not a landscape file (format ${JSON.stringify(L.format)})`);
  const grids: LandscapeGrid[] = [];
  if (L.grid2d) grids.push(grid(L.grid2d, L.points ?? [], L));
  for (const g of L.grids ?? []) grids.push(grid(g, g.points ?? [], L));
  const reference = Object.fromEntries(L.featureNames.map((n, i) => [n, L.reference.features[i]]));
  return {
    acquisition: L.acquisition,
    target: L.target,
    unit: manifest.targets.find((t) => t.column === L.target)?.unit,
    reference,
    referenceId: L.reference.id,
    slices: L.slices.map((s) => ({
      feature: s.feature,
      target: L.target,
      x: s.grid,
      mean: s.mean,
      std: s.std,
      acquisition: s.acquisition,
      ...(s.feasible ? { feasible: s.feasible } : {}),
      ...(s.held ? { held: s.held } : {}),
      marks: (s.marks ?? []).map((m) => ({ x: m.x, mean: m.mean, std: m.std, label: `#${m.rank} ${m.id}` })),
    })),
    grids,
    ...(L.space ? { space: L.space } : {}),
    ...(L.context ? { mapFeatures: mapFeatures(L) } : {}),
  };
}
