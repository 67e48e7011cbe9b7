/** The 118 element symbols, index = atomic number - 1. Pure data, no dependencies (used by the formula parser and type inference). */
export const ELEMENT_SYMBOLS: readonly string[] = [
  'H', 'He', 'Li', 'Be', 'B', 'C', 'N', 'O', 'F', 'Ne', 'Na', 'Mg', 'Al', 'Si', 'P', 'S', 'Cl', 'Ar', 'K', 'Ca',
  'Sc', 'Ti', 'V', 'Cr', 'Mn', 'Fe', 'Co', 'Ni', 'Cu', 'Zn', 'Ga', 'Ge', 'As', 'Se', 'Br', 'Kr', 'Rb', 'Sr', 'Y', 'Zr',
  'Nb', 'Mo', 'Tc', 'Ru', 'Rh', 'Pd', 'Ag', 'Cd', 'In', 'Sn', 'Sb', 'Te', 'I', 'Xe', 'Cs', 'Ba', 'La', 'Ce', 'Pr', 'Nd',
  'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu', 'Hf', 'Ta', 'W', 'Re', 'Os', 'Ir', 'Pt', 'Au', 'Hg',
  'Tl', 'Pb', 'Bi', 'Po', 'At', 'Rn', 'Fr', 'Ra', 'Ac', 'Th', 'Pa', 'U', 'Np', 'Pu', 'Am', 'Cm', 'Bk', 'Cf', 'Es', 'Fm',
  'Md', 'No', 'Lr', 'Rf', 'Db', 'Sg', 'Bh', 'Hs', 'Mt', 'Ds', 'Rg', 'Cn', 'Nh', 'Fl', 'Mc', 'Lv', 'Ts', 'Og',
];

/** Symbol → atomic number (1-based). */
export const ATOMIC_NUMBER: ReadonlyMap<string, number> = new Map(ELEMENT_SYMBOLS.map((s, i) => [s, i + 1]));

const UNIT_PREFIX = /^(?:wt|at|mol)\s*%?\s*[_.\s-]?\s*/i;
const UNIT_SUFFIX = /\s*[_.\s-]?\s*[([]?\s*(?:wt|at|mol)?\s*%\s*[)\]]?$/i;

/**
 * Atomic number of an element-fraction column: the column is named by the element symbol (`Fe`), optionally with a
 * unit prefix or suffix as real exports write them (`wt%_Fe` in Conduit's Ni-superalloy data, `at% Fe`, `Fe (wt%)`,
 * `Fe_at%`, `Fe%`). The symbol itself stays case-sensitive (`Co` is cobalt, `CO` is not an element).
 */
export function elementOfColumn(name: string): number | undefined {
  const s = name.trim();
  const direct = ATOMIC_NUMBER.get(s);
  if (direct !== undefined) return direct;
  if (UNIT_PREFIX.test(s)) {
    const z = ATOMIC_NUMBER.get(s.replace(UNIT_PREFIX, ''));
    if (z !== undefined) return z;
  }
  if (UNIT_SUFFIX.test(s)) return ATOMIC_NUMBER.get(s.replace(UNIT_SUFFIX, ''));
  return undefined;
}
