import { describe, expect, it } from 'vitest';
import { renderMarkdownTable, renderTextTable, type Table } from '../src/table.js';

const table: Table = {
  columns: [{ header: 'name' }, { header: 'value', align: 'right' }],
  rows: [
    ['π', '3.14'],
    ['a|b', '10'],
  ],
};

describe('tables', () => {
  it('pads columns for the terminal, right-aligning numbers', () => {
    expect(renderTextTable(table)).toBe(
      ['name │ value', '─────┼──────', 'π    │  3.14', 'a|b  │    10', ''].join('\n'),
    );
  });

  it('renders padded GitHub Markdown (as Biome formats it) with escaped pipes', () => {
    expect(renderMarkdownTable(table)).toBe(
      ['| name | value |', '| ---- | ----: |', '| π    |  3.14 |', '| a\\|b |    10 |', ''].join('\n'),
    );
  });

  it('rejects rows of the wrong width', () => {
    expect(() => renderTextTable({ columns: table.columns, rows: [['x']] })).toThrow(/rows\[0\] has 1 cells/);
  });
});
