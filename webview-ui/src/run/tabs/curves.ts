/** Curves tab: observed vs predicted curves with 90 % bands for a function-valued target (curves.json). */
import type { RunTab } from '../context';
import { asCurvesData, buildCurvesSection } from '../functions';

export const curvesTab: RunTab = {
  id: 'curves',
  order: 5,
  title: () => 'Curves',
  available: (d) => asCurvesData(d.curves) !== undefined,
  build: (ctx, el) =>
    buildCurvesSection(el, asCurvesData(ctx.data.curves)!, {
      theme: () => ctx.theme,
      chart: (name, box, make) => ctx.chart(name, box, make),
      canvas: (id, tall) => ctx.canvas(id, tall),
      rebuild: (name) => ctx.rebuild(name),
      selected: () => ctx.state.curveSample,
      select: (id) => ctx.saveState({ curveSample: id }),
    }),
};
