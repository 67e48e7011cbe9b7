// Generates syntaxes/mi-yaml.tmLanguage.json (the enum alternation is tedious by hand).
// Usage: node syntaxes/gen-grammar.mjs > syntaxes/mi-yaml.tmLanguage.json ; then run the grammar tests (test/grammar).
const SECTIONS = ['version', 'name', 'description', 'seed', 'dataset', 'model', 'evaluation', 'optimize', 'output', 'transfer'];
const ENUMS = ['composition', 'smiles', 'numeric', 'categorical', 'xenonpy', 'magpie', 'fractions', 'morgan', 'rdkit2d',
  'maximize', 'minimize', 'predict', 'gp', 'rf-gp', 'mlp-ensemble', 'ridge', 'auto', 'rbf', 'matern32', 'matern52', 'tanimoto',
  'ei', 'logei', 'pi', 'ucb', 'ts', 'kriging-believer', 'local-penalization', 'error', 'skip', 'atomic', 'weight',
  'descriptors', 'finetune', 'prediction', 'features', 'none', 'rf', 'gbm', 'sqrt', 'log2', 'third', 'all', 'row', 'tanimoto',
  'scalar', 'function', 'kronecker-gp', 'basis-gp', 'pointwise-gp', 'conditional-mlp', 'value', 'max', 'min', 'argmax', 'integral', 'above'];
// longest first so "rf-gp" wins over "gp"
const enumAlt = [...ENUMS].sort((a, b) => b.length - a.length).map((e) => e.replace(/-/g, '\\-')).join('|');
const END = '(?=\\s*(?:$|#|,|\\]|\\}))';
const START = '(?<=^|[\\s\\[{,])';
const KEY = `[A-Za-z_][\\w.\\-]*|"(?:[^"\\\\]|\\\\.)*"|'(?:[^']|'')*'`;
const g = {
  $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
  name: 'MI Spec',
  scopeName: 'source.mi-yaml',
  fileTypes: ['mi.yaml'],
  patterns: [
    { include: '#comment' },
    { include: '#document' },
    { include: '#block-scalar' },
    { include: '#section-key' },
    { include: '#block-key' },
    { include: '#sequence-item' },
    { include: '#flow-mapping' },
    { include: '#flow-sequence' },
    { include: '#value' },
    { include: '#plain' },
  ],
  repository: {
    comment: {
      match: '(?:^|(?<=\\s))(#).*$',
      name: 'comment.line.number-sign.mi-yaml',
      captures: { 1: { name: 'punctuation.definition.comment.mi-yaml' } },
    },
    document: {
      match: '^(?:---|\\.\\.\\.)(?=\\s|$)',
      name: 'entity.other.document.mi-yaml',
    },
    'block-scalar': {
      comment: 'key: | or key: > followed by more-indented lines',
      begin: '^(\\s*)(?:(-)\\s+)?(?:([A-Za-z_][\\w.\\-]*)\\s*(:)\\s+)?([|>][-+0-9]*)\\s*(?:((#).*))?$',
      beginCaptures: {
        2: { name: 'punctuation.definition.block.sequence.item.mi-yaml' },
        3: { name: 'entity.name.tag.mi-yaml' },
        4: { name: 'punctuation.separator.key-value.mi-yaml' },
        5: { name: 'keyword.control.flow.block-scalar.mi-yaml' },
        6: { name: 'comment.line.number-sign.mi-yaml' },
        7: { name: 'punctuation.definition.comment.mi-yaml' },
      },
      end: '^(?!\\1\\s+\\S|\\s*$)',
      contentName: 'string.unquoted.block.mi-yaml',
    },
    'section-key': {
      comment: 'top-level sections of the spec',
      match: `^(${SECTIONS.join('|')})\\s*(:)(?=\\s|$)`,
      captures: {
        1: { name: 'keyword.control.section.mi-yaml' },
        2: { name: 'punctuation.separator.key-value.mi-yaml' },
      },
    },
    'sequence-item': {
      match: '^\\s*(-)(?=\\s|$)',
      captures: { 1: { name: 'punctuation.definition.block.sequence.item.mi-yaml' } },
    },
    'block-key': {
      comment: 'a key at the start of a line, possibly after "- " (so "a: b: c" values never look like keys)',
      match: `^(\\s*)((?:-\\s+)*)(${KEY})\\s*(:)(?=\\s|$)`,
      captures: {
        2: { patterns: [{ match: '-', name: 'punctuation.definition.block.sequence.item.mi-yaml' }] },
        3: { name: 'entity.name.tag.mi-yaml' },
        4: { name: 'punctuation.separator.key-value.mi-yaml' },
      },
    },
    key: {
      comment: 'a key inside a flow mapping',
      match: `${START}(${KEY})\\s*(:)(?=\\s|$|[,\\]}])`,
      captures: {
        1: { name: 'entity.name.tag.mi-yaml' },
        2: { name: 'punctuation.separator.key-value.mi-yaml' },
      },
    },
    'flow-mapping': {
      begin: '\\{',
      beginCaptures: { 0: { name: 'punctuation.definition.mapping.begin.mi-yaml' } },
      end: '\\}',
      endCaptures: { 0: { name: 'punctuation.definition.mapping.end.mi-yaml' } },
      name: 'meta.flow-mapping.mi-yaml',
      patterns: [{ include: '#flow-inner' }],
    },
    'flow-sequence': {
      begin: '\\[',
      beginCaptures: { 0: { name: 'punctuation.definition.sequence.begin.mi-yaml' } },
      end: '\\]',
      endCaptures: { 0: { name: 'punctuation.definition.sequence.end.mi-yaml' } },
      name: 'meta.flow-sequence.mi-yaml',
      patterns: [{ include: '#flow-inner' }],
    },
    'flow-inner': {
      patterns: [
        { include: '#comment' },
        { match: ',', name: 'punctuation.separator.mi-yaml' },
        { include: '#key' },
        { include: '#flow-mapping' },
        { include: '#flow-sequence' },
        { include: '#value' },
        { match: `(?<=^|[\\s\\[{,])[^\\s,\\[\\]{}#'"][^,\\[\\]{}#]*?${END}`, name: 'string.unquoted.plain.mi-yaml' },
      ],
    },
    value: {
      patterns: [
        { include: '#string-double' },
        { include: '#string-single' },
        { include: '#anchor' },
        { include: '#alias' },
        { include: '#tag' },
        { match: `${START}(?:true|false|True|False|TRUE|FALSE)${END}`, name: 'constant.language.boolean.mi-yaml' },
        { match: `${START}(?:null|Null|NULL|~)${END}`, name: 'constant.language.null.mi-yaml' },
        { match: `${START}(?:${enumAlt})${END}`, name: 'constant.language.enum.mi-yaml' },
        { match: `${START}[-+]?(?:\\d[\\d_]*(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?${END}`, name: 'constant.numeric.mi-yaml' },
        { match: `${START}[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)${END}`, name: 'constant.numeric.mi-yaml' },
      ],
    },
    'string-double': {
      begin: '"',
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.mi-yaml' } },
      end: '"',
      endCaptures: { 0: { name: 'punctuation.definition.string.end.mi-yaml' } },
      name: 'string.quoted.double.mi-yaml',
      patterns: [{ match: '\\\\(?:[0abtnvfre "/\\\\N_LP\\t]|x\\h{2}|u\\h{4}|U\\h{8})', name: 'constant.character.escape.mi-yaml' },
        { match: '\\\\.', name: 'invalid.illegal.escape.mi-yaml' }],
    },
    'string-single': {
      begin: "'",
      beginCaptures: { 0: { name: 'punctuation.definition.string.begin.mi-yaml' } },
      end: "'(?!')",
      endCaptures: { 0: { name: 'punctuation.definition.string.end.mi-yaml' } },
      name: 'string.quoted.single.mi-yaml',
      patterns: [{ match: "''", name: 'constant.character.escape.mi-yaml' }],
    },
    anchor: { match: `${START}(&)([^\\s,\\[\\]{}]+)`, captures: { 1: { name: 'punctuation.definition.anchor.mi-yaml' }, 2: { name: 'entity.name.type.anchor.mi-yaml' } } },
    alias: { match: `${START}(\\*)([^\\s,\\[\\]{}]+)`, name: 'variable.other.alias.mi-yaml', captures: { 1: { name: 'punctuation.definition.alias.mi-yaml' } } },
    tag: { match: `${START}!(?:!?[\\w\\-]*)(?=\\s)`, name: 'storage.type.tag.mi-yaml' },
    plain: {
      comment: 'block-context plain scalar: runs to a comment or the end of the line',
      match: `(?<=^|\\s)(?![-?:]\\s)[^\\s#\\[\\]{},'"&*!|>%@\`][^#]*?(?=\\s*(?:$|\\s#))`,
      name: 'string.unquoted.plain.mi-yaml',
    },
  },
};
process.stdout.write(JSON.stringify(g, null, 2) + '\n');
