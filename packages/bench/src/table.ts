/** One column of a {@link Table}: its header and how its cells line up. */
export interface TableColumn {
  readonly header: string;
  /** `right` for numbers, `left` (the default) for text. */
  readonly align?: 'left' | 'right';
}

/** A table of preformatted cells: `rows[i][j]` belongs under `columns[j]`. */
export interface Table {
  readonly columns: readonly TableColumn[];
  readonly rows: readonly (readonly string[])[];
}

function checkShape(table: Table): void {
  table.rows.forEach((row, i) => {
    if (row.length !== table.columns.length) {
      throw new RangeError(
        `rows[${i}] has ${row.length} cells; the table has ${table.columns.length} columns`,
      );
    }
  });
}

/** The display width of `text` in code points (so `π` and `∞` count as one). */
function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number, align: 'left' | 'right' | undefined): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return align === 'right' ? fill + text : text + fill;
}

/**
 * Renders `table` for a terminal: columns padded to their widest cell, separated by `│`,
 * with a rule under the header. Ends with a newline.
 */
export function renderTextTable(table: Table): string {
  checkShape(table);
  const widths = table.columns.map((column, j) =>
    Math.max(width(column.header), ...table.rows.map((row) => width(row[j]!))),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, j) => pad(cell, widths[j]!, table.columns[j]!.align))
      .join(' │ ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('─┼─');
  return `${[line(table.columns.map((c) => c.header)), rule, ...table.rows.map(line)].join('\n')}\n`;
}

function escapeMarkdown(cell: string): string {
  return cell.replaceAll('|', '\\|');
}

/**
 * Renders `table` as a GitHub-flavoured Markdown table laid out the way Biome formats
 * Markdown: every column padded to its widest cell (at least 3), right-aligned columns
 * padded on the left and marked `--:`, pipes in cells escaped. Ends with a newline.
 */
export function renderMarkdownTable(table: Table): string {
  checkShape(table);
  const header = table.columns.map((c) => escapeMarkdown(c.header));
  const rows = table.rows.map((row) => row.map(escapeMarkdown));
  const widths = header.map((cell, j) => Math.max(3, width(cell), ...rows.map((row) => width(row[j]!))));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, j) => pad(cell, widths[j]!, table.columns[j]!.align)).join(' | ')} |`;
  const rule = `| ${table.columns
    .map((c, j) => (c.align === 'right' ? `${'-'.repeat(widths[j]! - 1)}:` : '-'.repeat(widths[j]!)))
    .join(' | ')} |`;
  return `${[line(header), rule, ...rows.map(line)].join('\n')}\n`;
}
