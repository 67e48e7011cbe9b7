/** Acquisition landscape tab: the 1-D slice (./charts/slice.ts) and the 2-D map (./charts/map.ts). */
import { h } from '../../shared/dom';
import { buildMap } from '../charts/map';
import { buildSlice } from '../charts/slice';
import type { RunTab } from '../context';

export const landscapeTab: RunTab = {
  id: 'landscape',
  order: 20,
  title: () => 'Acquisition landscape',
  available: (d) => !!d.landscape && (d.landscape.slices.length > 0 || d.landscape.grids.length > 0 || !!d.landscape.pool),
  build(ctx, el) {
    const L = ctx.data.landscape;
    if (!L) return;
    if (L.space) {
      const parts = [L.space.composition ? `${L.space.composition.names.join(' + ')} = ${L.space.composition.sum}` : '', ...L.space.constraints].filter(Boolean);
      el.append(h('p', { class: 'muted', id: 'design-space' }, `Design space: ${parts.join('; ') || L.space.names.join(', ')}. Slices and maps stay inside it; what lies outside is not drawn.`));
    }
    if (L.slices.length) buildSlice(ctx, el, L);
    buildMap(ctx, el, L);
  },
};
