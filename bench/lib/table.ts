/** Plain-text and Markdown tables from the same rows. */

export interface Table {
  headers: string[];
  rows: string[][];
  /** Columns of text rather than numbers (left-aligned); the first column always is. */
  textColumns?: number[];
}

const isText = (table: Table, column: number) =>
  column === 0 || (table.textColumns ?? []).includes(column);

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
export function textTable(table: Table): string {
  const { headers, rows } = table;
  const widths = headers.map((header, c) =>
    Math.max(header.length, ...rows.map((row) => (row[c] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (isText(table, c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function markdownTable(table: Table): string {
  const { headers, rows } = table;
  const line = (cells: string[]) =>
    `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = `| ${headers.map((_, c) => (isText(table, c) ? '---' : '---:')).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

/** One block per row, a line per column (`  header: cell`): for rows too wide for a terminal. */
export function recordList(table: Table): string {
  return table.rows
    .map((row) =>
      [
        row[0] ?? '',
        ...table.headers.slice(1).map((header, c) => `  ${header}: ${row[c + 1] ?? ''}`),
      ].join('\n'),
    )
    .join('\n');
}
