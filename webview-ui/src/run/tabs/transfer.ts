/** Transfer tab: the nested selection's ranked candidates against the no-transfer baseline (manifest `transfer`). */
import type { RunTab } from '../context';
import { buildTransferSection } from '../transfer';

export const transferTab: RunTab = {
  id: 'transfer',
  order: 15,
  title: () => 'Transfer',
  available: (d) => !!d.manifest.transfer,
  build: (ctx, el) =>
    buildTransferSection(el, ctx.data.manifest.transfer!, {
      canvas: (id) => ctx.canvas(id, true),
      chart: (name, box, make) => ctx.chart(name, box, make),
      theme: () => ctx.theme,
      cv: ctx.data.manifest.metrics.cv,
    }),
};
