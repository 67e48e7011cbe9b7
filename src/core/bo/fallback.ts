/**
 * EI that is too small to rank: far from the incumbent (or with a tiny σ) EI underflows towards 0 for most
 * candidates, and ranking by values below ~1e-12 is ranking by rounding noise. Then BO ranks by log EI instead, which
 * is computed stably far into the tail (acquisition `logei`), and says so in the log.
 */

/** EI values below this cannot be ranked reliably. */
export const EI_RANK_FLOOR = 1e-12;

/**
 * True when fewer than `need` (default 2 × batch, at least 2) of the scored candidates have EI ≥ EI_RANK_FLOOR,
 * i.e. the batch would be chosen among ties.
 */
export function eiTooSmallToRank(acq: ArrayLike<number>, count: number, batch: number): { fallback: boolean; rankable: number } {
  let rankable = 0;
  for (let i = 0; i < count; i++) if (acq[i] >= EI_RANK_FLOOR) rankable++;
  const need = Math.min(count, Math.max(2, 2 * batch));
  return { fallback: count > 0 && rankable < need, rankable };
}

export function fallbackNote(rankable: number, count: number): string {
  return (
    `note: expected improvement is below ${EI_RANK_FLOOR} for ${count - rankable} of ${count} candidates (too small to rank); ` +
    'ranking by log expected improvement instead (acquisition `logei`, computed stably far into the tail)'
  );
}
