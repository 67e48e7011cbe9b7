/**
 * Spreadsheet formula injection guard for every CSV the product writes (OWASP "CSV injection").
 * A cell that a spreadsheet would evaluate — it starts with `=`, `+`, `-`, `@`, a tab or a carriage return — gets a
 * leading `'`, which Excel, LibreOffice and Google Sheets show as text. Numbers are left alone, so `-1.5` and `+3e-2`
 * stay numeric. Pure (no Node APIs): the webview bundles it too.
 */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function spreadsheetSafe(cell: string): string {
  if (cell === '') return cell;
  const c = cell.charCodeAt(0);
  // '=' 61, '+' 43, '-' 45, '@' 64, TAB 9, CR 13
  if (c !== 61 && c !== 43 && c !== 45 && c !== 64 && c !== 9 && c !== 13) return cell;
  if ((c === 43 || c === 45) && NUMBER.test(cell)) return cell;
  return `'${cell}`;
}
