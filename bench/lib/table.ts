/** Plain-text and Markdown tables from the same rows. */

export interface Table {
  headers: string[];
  rows: string[][];
}

/** Columns padded to their widest cell; the first column left-aligned, the rest right-aligned. */
export function textTable({ headers, rows }: Table): string {
  const widths = headers.map((header, c) =>
    Math.max(header.length, ...rows.map((row) => (row[c] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
}

export function markdownTable({ headers, rows }: Table): string {
  const line = (cells: string[]) =>
    `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  const rule = `| ${headers.map((_, c) => (c === 0 ? '---' : '---:')).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
