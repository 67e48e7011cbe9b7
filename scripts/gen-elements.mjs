#!/usr/bin/env node
// Generates src/core/features/elements.json (committed) from the public element tables in /work/shared/data:
//   elements_matminer/magpie_elementdata/*.table  (Magpie, Ward et al. 2016, via matminer; modified BSD, LBNL)
//   elements_pymatgen/periodic_table.json         (pymatgen; MIT)
//   elements_crabnet/oliynyk.csv                  (Oliynyk et al. 2016 via CrabNet/CBFV; MIT)
// Usage: node scripts/gen-elements.mjs [--data /work/shared/data]
// Every property records its source, unit and which elements were imputed (median over the elements that have a
// value). CI does not run this; it only reads the committed JSON.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';

const argi = process.argv.indexOf('--data');
const DATA = argi > 0 ? process.argv[argi + 1] : '/work/shared/data';
const OUT = new URL('../src/core/features/elements.json', import.meta.url).pathname;
const N = 118;

const SYMBOLS = ('H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr Rb ' +
  'Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb Lu Hf Ta W Re Os ' +
  'Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc ' +
  'Lv Ts Og').split(' ');
if (SYMBOLS.length !== N) throw new Error('symbol list');

const SRC = {
  magpie: 'Magpie (Ward et al., npj Comput. Mater. 2, 16028 (2016)) via matminer magpie_elementdata, modified BSD (LBNL); largely Mathematica ElementData / CRC Handbook / OQMD',
  pymatgen: 'pymatgen periodic_table.json (Ong et al., Comput. Mater. Sci. 68, 314 (2013)), MIT',
  oliynyk: 'Oliynyk et al., Chem. Mater. 28, 7324 (2016), via CrabNet/CBFV element_properties/oliynyk.csv, MIT',
  computed: 'computed from the atomic number',
};

// ---------------------------------------------------------------- readers
function magpieTable(name) {
  const lines = readFileSync(join(DATA, 'elements_matminer/magpie_elementdata', `${name}.table`), 'utf8').split(/\r?\n/);
  const out = new Array(N).fill(null);
  for (let i = 0; i < N && i < lines.length; i++) {
    const t = lines[i].trim();
    const v = Number(t);
    if (t !== '' && Number.isFinite(v)) out[i] = v;
  }
  return out;
}

const pmg = JSON.parse(readFileSync(join(DATA, 'elements_pymatgen/periodic_table.json'), 'utf8'));
function pymatgen(key) {
  return SYMBOLS.map((s) => {
    const v = pmg[s]?.[key];
    if (typeof v === 'number') return v;
    if (typeof v !== 'string') return null;
    const m = /^\s*([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(v);
    return m ? Number(m[1]) : null;
  });
}

function csvTable(file, symbolCol) {
  const lines = readFileSync(join(DATA, file), 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const rows = new Map(lines.slice(1).map((l) => { const c = l.split(','); return [c[header.indexOf(symbolCol)], c]; }));
  return (col) => {
    const j = header.indexOf(col);
    if (j < 0) throw new Error(`${file}: no column ${col}`);
    return SYMBOLS.map((s) => { const c = rows.get(s); if (!c || c[j] === '' || c[j] === undefined) return null; const v = Number(c[j]); return Number.isFinite(v) ? v : null; });
  };
}
const oliynyk = csvTable('elements_crabnet/oliynyk.csv', 'element');

// Period and group from Z (lanthanides/actinides in group 3, as Magpie's Column table does).
function periodOf(z) { return z <= 2 ? 1 : z <= 10 ? 2 : z <= 18 ? 3 : z <= 36 ? 4 : z <= 54 ? 5 : z <= 86 ? 6 : 7; }
function groupOf(z) {
  const starts = [0, 2, 10, 18, 36, 54, 86, 118];
  const p = periodOf(z);
  const k = z - starts[p - 1]; // position in period, 1-based
  if (p === 1) return z === 1 ? 1 : 18;
  if (p <= 3) return k <= 2 ? k : k + 10;
  if (p <= 5) return k;
  // periods 6-7: 32 elements; La..Lu / Ac..Lr (k = 3..17) in group 3
  if (k <= 2) return k;
  if (k <= 17) return 3;
  return k - 14;
}

// ---------------------------------------------------------------- property list
// [name, source, unit, description, values]
const P = [];
function add(name, source, unit, description, values) { P.push({ name, source, unit, description, raw: values }); }
const Z = SYMBOLS.map((_, i) => i + 1);

// XenonPy-style set (58 properties; XenonPy names where the property is the same).
add('atomic_number', 'computed', '', 'Atomic number Z', Z);
add('atomic_weight', 'pymatgen', 'amu', 'Atomic mass', pymatgen('Atomic mass'));
add('period', 'computed', '', 'Period (row) of the periodic table', Z.map(periodOf));
add('group', 'computed', '', 'Group (column), lanthanides and actinides = 3', Z.map(groupOf));
add('mendeleev_number', 'magpie', '', 'Mendeleev number (Pettifor)', magpieTable('MendeleevNumber'));
add('atomic_radius', 'pymatgen', 'Å', 'Empirical atomic radius', pymatgen('Atomic radius'));
add('atomic_radius_calculated', 'pymatgen', 'Å', 'Calculated atomic radius (Clementi)', pymatgen('Atomic radius calculated'));
add('atomic_volume', 'magpie', 'Å^3/atom', 'Atomic weight / density', magpieTable('AtomicVolume'));
add('covalent_radius', 'magpie', 'pm', 'Covalent radius', magpieTable('CovalentRadius'));
add('metallic_radius', 'pymatgen', 'Å', 'Metallic radius', pymatgen('Metallic radius'));
add('miracle_radius', 'magpie', 'pm', 'Miracle radius (metallic glasses)', magpieTable('MiracleRadius'));
add('vdw_radius', 'pymatgen', 'Å', 'Van der Waals radius', pymatgen('Van der waals radius'));
add('ionic_radius', 'oliynyk', 'Å', 'Ionic radius', oliynyk('ionic_radius'));
add('crystal_radius', 'oliynyk', 'Å', 'Crystal radius', oliynyk('crystal_radius'));
add('en_pauling', 'pymatgen', '', 'Pauling electronegativity', pymatgen('X'));
add('en_allen', 'magpie', '', 'Allen electronegativity', magpieTable('AllenElectronegativity'));
add('en_mulliken', 'oliynyk', 'eV', 'Mulliken electronegativity', oliynyk('Mulliken_EN'));
add('en_allred_rochow', 'oliynyk', '', 'Allred-Rochow electronegativity', oliynyk('Allred-Rockow_electronegativity'));

add('first_ion_en', 'magpie', 'eV', 'First ionization energy', magpieTable('FirstIonizationEnergy'));
add('second_ion_en', 'magpie', 'eV', 'Second ionization energy', magpieTable('SecondIonizationEnergy'));
add('electron_affinity', 'magpie', 'kJ/mol', 'Electron affinity', magpieTable('ElectronAffinity'));
add('dipole_polarizability', 'magpie', 'Å^3', 'Static dipole polarizability', magpieTable('DipolePolarizability'));
add('polarizability', 'magpie', 'Å^3', 'Polarizability', magpieTable('Polarizability'));
add('melting_point', 'magpie', 'K', 'Melting temperature', magpieTable('MeltingT'));
add('boiling_point', 'magpie', 'K', 'Boiling temperature', magpieTable('BoilingT'));
add('density', 'magpie', 'g/L', 'Density at STP', magpieTable('Density'));
add('molar_volume', 'magpie', 'cm^3/mol', 'Molar volume', magpieTable('MolarVolume'));
add('fusion_enthalpy', 'magpie', 'kJ/mol', 'Enthalpy of fusion', magpieTable('FusionEnthalpy'));
add('evaporation_heat', 'magpie', 'kJ/mol', 'Enthalpy of vaporization', magpieTable('HeatVaporization'));
add('heat_atomization', 'oliynyk', 'kJ/mol', 'Heat of atomization', oliynyk('heat_atomization(kJ/mol)'));
add('cohesive_energy', 'oliynyk', 'eV/atom', 'Cohesive energy', oliynyk('Cohesive_energy'));
add('heat_capacity_mass', 'magpie', 'J/(g K)', 'Specific heat capacity at STP', magpieTable('HeatCapacityMass'));
add('heat_capacity_molar', 'magpie', 'J/(mol K)', 'Molar heat capacity at STP', magpieTable('HeatCapacityMolar'));
add('thermal_conductivity', 'magpie', 'W/(m K)', 'Thermal conductivity', magpieTable('ThermalConductivity'));
add('linear_expansion_coefficient', 'pymatgen', '1e-6/K', 'Coefficient of linear thermal expansion', pymatgen('Coefficient of linear thermal expansion'));
add('bulk_modulus', 'magpie', 'GPa', 'Bulk modulus', magpieTable('BulkModulus'));
add('shear_modulus', 'magpie', 'GPa', 'Shear modulus', magpieTable('ShearModulus'));
add('youngs_modulus', 'pymatgen', 'GPa', "Young's modulus", pymatgen('Youngs modulus'));
add('sound_velocity', 'pymatgen', 'm/s', 'Velocity of sound', pymatgen('Velocity of sound'));
add('num_valance', 'magpie', '', 'Number of valence electrons (XenonPy spelling)', magpieTable('NValence'));
add('num_s_valence', 'magpie', '', 'Valence s electrons', magpieTable('NsValence'));
add('num_p_valence', 'magpie', '', 'Valence p electrons', magpieTable('NpValence'));
add('num_d_valence', 'magpie', '', 'Valence d electrons', magpieTable('NdValence'));
add('num_f_valence', 'magpie', '', 'Valence f electrons', magpieTable('NfValence'));
add('num_unfilled', 'magpie', '', 'Unfilled valence orbitals', magpieTable('NUnfilled'));
add('num_s_unfilled', 'magpie', '', 'Unfilled s states', magpieTable('NsUnfilled'));
add('num_p_unfilled', 'magpie', '', 'Unfilled p states', magpieTable('NpUnfilled'));
add('num_d_unfilled', 'magpie', '', 'Unfilled d states', magpieTable('NdUnfilled'));
add('num_f_unfilled', 'magpie', '', 'Unfilled f states', magpieTable('NfUnfilled'));
add('gs_bandgap', 'magpie', 'eV', 'DFT band gap of the T=0 K ground state (OQMD)', magpieTable('GSbandgap'));
add('gs_energy', 'magpie', 'eV/atom', 'DFT energy per atom of the ground state (OQMD)', magpieTable('GSenergy_pa'));
add('gs_est_bcc_latcnt', 'magpie', 'Å', 'Estimated BCC lattice constant (OQMD volume)', magpieTable('GSestBCClatcnt'));
add('gs_est_fcc_latcnt', 'magpie', 'Å', 'Estimated FCC lattice constant (OQMD volume)', magpieTable('GSestFCClatcnt'));
add('gs_mag_moment', 'magpie', 'μB/atom', 'DFT magnetic moment of the ground state (OQMD)', magpieTable('GSmagmom'));
add('gs_volume_per', 'magpie', 'Å^3/atom', 'DFT volume per atom of the ground state (OQMD)', magpieTable('GSvolume_pa'));
add('hhi_p', 'magpie', '', 'Herfindahl-Hirschman index of production', magpieTable('HHIp'));
add('hhi_r', 'magpie', '', 'Herfindahl-Hirschman index of reserves', magpieTable('HHIr'));
add('icsd_volume', 'magpie', 'Å^3/atom', 'Volume per atom in ICSD structures', magpieTable('ICSDVolume'));
const XENONPY = P.map((p) => p.name);

// Magpie's 22 (matminer ElementProperty.from_preset("magpie")), under Magpie's own names and values.
const MAGPIE_UNITS = {
  Number: '', MendeleevNumber: '', AtomicWeight: 'amu', MeltingT: 'K', Column: '', Row: '', CovalentRadius: 'pm',
  Electronegativity: '', NsValence: '', NpValence: '', NdValence: '', NfValence: '', NValence: '', NsUnfilled: '',
  NpUnfilled: '', NdUnfilled: '', NfUnfilled: '', NUnfilled: '', GSvolume_pa: 'Å^3/atom', GSbandgap: 'eV',
  GSmagmom: 'μB/atom', SpaceGroupNumber: '',
};
const MAGPIE = Object.keys(MAGPIE_UNITS);
for (const m of MAGPIE) add(m, 'magpie', MAGPIE_UNITS[m], `Magpie ${m}`, magpieTable(m));

// ---------------------------------------------------------------- imputation and output
function median(xs) {
  const s = xs.slice().sort((a, b) => a - b);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
}
const properties = P.map((p) => {
  const known = p.raw.filter((v) => v !== null);
  if (known.length === 0) throw new Error(`no values for ${p.name}`);
  const med = median(known);
  const imputed = [];
  const values = p.raw.map((v, i) => {
    if (v !== null) return v;
    imputed.push(SYMBOLS[i]);
    return med;
  });
  return { name: p.name, source: p.source, unit: p.unit, description: p.description, imputedWith: 'median', imputed, values };
});
const doc = {
  format: 'mi-studio-elements',
  version: 1,
  generatedBy: 'scripts/gen-elements.mjs',
  sources: SRC,
  imputation: 'Missing values are replaced by the median of the property over the elements that have a value; the replaced elements are listed per property in "imputed".',
  elements: SYMBOLS,
  presets: { xenonpy: XENONPY, magpie: MAGPIE },
  properties,
};
const tmp = OUT + '.tmp';
writeFileSync(tmp, JSON.stringify(doc) + '\n');
renameSync(tmp, OUT);
console.log(`${OUT}: ${properties.length} properties (xenonpy ${XENONPY.length}, magpie ${MAGPIE.length}) for ${N} elements`);
for (const p of properties) if (p.imputed.length > 30) console.log(`  ${p.name}: ${p.imputed.length} imputed`);
