import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPS_RESULTS_FILE, writeOpsResults } from '../src/ops-command.js';
import {
  formatRatio,
  formatVerdict,
  opsBytesTable,
  opsGemmTable,
  opsGrowthTable,
  opsTargetsTable,
  opsTimeTable,
  renderStructuredOpsMarkdown,
  renderStructuredOpsText,
  STRUCTURED_OPS_SECTION,
  summarizeTargets,
} from '../src/ops-report.js';
import { sectionMarkers } from '../src/readme-section.js';
import { syntheticResult } from './ops-fixtures.js';

describe('ops report tables', () => {
  const result = syntheticResult();

  it('formats verdicts and ratios', () => {
    expect(formatVerdict(true)).toBe('PASS');
    expect(formatVerdict(false)).toBe('FAIL');
    expect(formatVerdict(null)).toBe('n/a');
    expect(formatRatio(21.44)).toBe('21.4×');
    expect(formatRatio(1.984)).toBe('1.98×');
    expect(formatRatio(2048)).toBe('2048×');
    expect(formatRatio(null)).toBe('—');
  });

  it('has one time row per structure and one column per d, with dense ratios where dense ran', () => {
    const table = opsTimeTable(result, 'matmul');
    expect(table.columns.map((c) => c.header)).toEqual([
      'structure',
      'd = 256',
      'd = 512',
      'd = 1024',
      'd = 2048',
      'd = 4096',
    ]);
    expect(table.rows).toHaveLength(12);
    const dense = table.rows.find((r) => r[0] === 'dense')!;
    expect(dense.slice(1)).toEqual(['6.55', '26.2', '105', '419', '—']);
    const diagonal = table.rows.find((r) => r[0] === 'diagonal')!;
    expect(diagonal[1]).toBe('0.0256 (256×)');
    expect(diagonal[5]).toBe('0.410');
    const block = table.rows.find((r) => r[0] === 'block-diagonal (B = 30)')!;
    expect(block[4]).toBe('0.205 (2048×)');
  });

  it('lists growth per doubling for every structure and op, with the scaling class', () => {
    const table = opsGrowthTable(result);
    expect(table.columns.map((c) => c.header)).toEqual([
      'structure',
      'op',
      'scaling',
      '256 → 512',
      '512 → 1024',
      '1024 → 2048',
      '2048 → 4096',
      'worst',
    ]);
    expect(table.rows).toHaveLength(24);
    expect(table.rows[0]).toEqual([
      'dense',
      'fromInner',
      'baseline, O(d²n)',
      '4.00×',
      '4.00×',
      '4.00×',
      '—',
      '4.00×',
    ]);
    const triangular = table.rows.find((r) => r[0] === 'lower-triangular' && r[1] === 'matmul')!;
    expect(triangular[2]).toBe('O(d²n): no target');
    expect(triangular[7]).toBe('4.00×');
    expect(table.rows.find((r) => r[0] === 'diagonal')![2]).toBe('O(dn): target');
  });

  it('pivots the speed targets: only the nine linear structures, two ops each', () => {
    const table = opsTargetsTable(result);
    expect(table.rows).toHaveLength(18);
    expect(table.columns.map((c) => c.header)).toEqual([
      'structure',
      'op',
      'worst growth per doubling (≤ 2.3×)',
      'result',
      '× faster than dense at d = 2048 (≥ 20×)',
      'result',
    ]);
    expect(table.rows[0]).toEqual(['diagonal', 'fromInner', '2.00× (256 → 512)', 'PASS', '2048×', 'PASS']);
    expect(table.rows.some((r) => r[0]!.includes('triangular'))).toBe(false);
  });

  it('shows bytes per structure and d, and the mismatch when one is wrong', () => {
    const table = opsBytesTable(result);
    expect(table.rows).toHaveLength(12);
    expect(table.rows.find((r) => r[0] === 'hierarchical (15, 15)')).toEqual([
      'hierarchical (15, 15)',
      '31d − 255 (d > 30)',
      '30,724',
      '62,468',
      '125,956',
      '252,932',
      '506,884',
      'PASS',
    ]);
    const broken = syntheticResult({
      bytes: (checks) =>
        checks.map((b) =>
          b.structure === 'diagonal' && b.d === 256 ? { ...b, byteLength: 2048, pass: false } : b,
        ),
    });
    const row = opsBytesTable(broken).rows.find((r) => r[0] === 'diagonal')!;
    expect(row[2]).toBe('2,048 ✗ (storageSize·4 = 1024, §3.3·4 = 1024, fromInner 1024)');
    expect(row.at(-1)).toBe('FAIL');
  });

  it('shows the gemm check', () => {
    expect(opsGemmTable(result).rows).toEqual([
      ['DenseMatrix matmul (cpu backend)', '10.0', '20', '8.00×', 'PASS'],
      ['naive i-k-j loop over Float32Array', '80.0', '5', '1.00×', ''],
    ]);
  });

  it('summarises the targets', () => {
    expect(summarizeTargets(result.targets)).toBe('49 PASS, 0 FAIL');
    const partial = syntheticResult({ structures: ['diagonal'], gemm: { speedup: 1 } });
    expect(summarizeTargets(partial.targets)).toBe('3 PASS, 1 FAIL, 2 n/a (not measured in this run)');
  });
});

describe('renderStructuredOpsMarkdown / Text', () => {
  it('renders the run description, every table, the notes and the failed targets', () => {
    const result = syntheticResult({ gemm: { speedup: 2.5 } });
    const markdown = renderStructuredOpsMarkdown(result);
    expect(markdown).toBe(renderStructuredOpsMarkdown(result));
    expect(markdown).toContain(
      'Test CPU (2 logical cores), Linux 6.0 x64, Node v20.0.0, 2026-01-02T03:04:05.000Z',
    );
    expect(markdown).toContain('X = d × 256');
    expect(markdown).toContain('`S.fromInner(X)`: median ms');
    expect(markdown).toContain('`S.matmul(X)`: median ms');
    expect(markdown).toMatch(/\| structure +\| +d = 256 \|/);
    expect(markdown).toMatch(/\| diagonal +\| +0\.0256 \(256×\) \|/);
    expect(markdown).toContain('Targets: 48 PASS, 1 FAIL.');
    expect(markdown).toContain(
      '- FAIL: dense float32 matmul ≥ 3× a naive i-k-j loop at n = 512: measured 2.50× (n = 512)',
    );
    expect(markdown).toContain('not held to the linear-growth and ×-dense targets');
    expect(markdown).toContain(
      'dense, lower-triangular, upper-triangular are not timed above d = 2048 (`--quadratic-max-size`)',
    );
    expect(markdown).toContain('Cross-check at d = 256: all 24 results agree');
    const text = renderStructuredOpsText(result);
    expect(text).toContain('S.fromInner(X): median ms');
    expect(text).toContain(' │ ');
    expect(text).not.toContain('| --- |');
  });

  it('writes the JSON results and replaces only its README section', async () => {
    const root = await mkdtemp(join(tmpdir(), 'singd-bench-ops-'));
    try {
      const { begin, end } = sectionMarkers(STRUCTURED_OPS_SECTION);
      await writeFile(join(root, 'README.md'), `# t\n\n${begin}\nold\n${end}\n\nafter\n`);
      const result = syntheticResult();
      const written = await writeOpsResults(result, root);
      expect(written).toEqual([join(root, OPS_RESULTS_FILE), join(root, 'README.md')]);
      expect(JSON.parse(await readFile(join(root, OPS_RESULTS_FILE), 'utf8'))).toEqual(
        JSON.parse(JSON.stringify(result)),
      );
      const readme = await readFile(join(root, 'README.md'), 'utf8');
      expect(readme).toBe(`# t\n\n${begin}\n${renderStructuredOpsMarkdown(result)}${end}\n\nafter\n`);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
