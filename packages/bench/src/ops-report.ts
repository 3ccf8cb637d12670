import type { StructureKind } from '@singd/structured-matrix';
import { formatSignificant } from './format.js';
import { OPS, OPS_TARGETS, type OpName, type OpsBenchmarkResult, type OpsTarget } from './ops-benchmark.js';
import { opsStructure, specStorageFormula } from './ops-structures.js';
import { renderMarkdownTable, renderTextTable, type Table } from './table.js';

/** The name of the generated README section (`<!-- structured-ops:begin -->` … `end`). */
export const STRUCTURED_OPS_SECTION = 'structured-ops';

/** `PASS`, `FAIL`, or `n/a` for a target this run did not measure. */
export function formatVerdict(pass: boolean | null): string {
  return pass === null ? 'n/a' : pass ? 'PASS' : 'FAIL';
}

/** A ratio with three significant digits and a `×` (`21.4×`, `1.98×`). */
export function formatRatio(ratio: number | null): string {
  return ratio === null ? '—' : `${formatSignificant(ratio)}×`;
}

function structureOrder(result: OpsBenchmarkResult): readonly StructureKind[] {
  return result.structures.map((s) => s.name);
}

/**
 * The timing table of one op: one row per structure, one column per d; each cell the median
 * in ms and, for a non-dense structure where dense was timed, how many times faster than
 * dense it is (`0.0845 (312×)`); `—` where not timed.
 */
export function opsTimeTable(result: OpsBenchmarkResult, op: OpName): Table {
  const sizes = result.options.sizes;
  return {
    columns: [
      { header: 'structure' },
      ...sizes.map((d) => ({ header: `d = ${d}`, align: 'right' as const })),
    ],
    rows: structureOrder(result).map((name) => [
      opsStructure(name).label,
      ...sizes.map((d) => {
        const m = result.measurements.find((x) => x.structure === name && x.op === op && x.d === d);
        if (m === undefined) return '—';
        const ms = formatSignificant(m.medianMs);
        return name === 'dense' || m.speedupVsDense === null
          ? ms
          : `${ms} (${formatRatio(m.speedupVsDense)})`;
      }),
    ]),
  };
}

function scalingText(name: StructureKind): string {
  switch (opsStructure(name).scaling) {
    case 'baseline':
      return 'baseline, O(d²n)';
    case 'linear':
      return 'O(dn): target';
    case 'quadratic':
      return 'O(d²n): no target';
  }
}

/**
 * Growth per doubling of d: one row per (structure, op), one column per consecutive pair of
 * measured sizes (`time(2d) / time(d)`), and the worst.
 */
export function opsGrowthTable(result: OpsBenchmarkResult): Table {
  const sizes = result.options.sizes;
  const pairs = sizes.slice(1).map((to, i) => [sizes[i]!, to] as const);
  const rows: string[][] = [];
  for (const name of structureOrder(result)) {
    for (const { name: op } of OPS) {
      const steps = result.growth.filter((s) => s.structure === name && s.op === op);
      if (steps.length === 0) continue;
      const worst = Math.max(...steps.map((s) => s.perDoubling));
      rows.push([
        opsStructure(name).label,
        op,
        scalingText(name),
        ...pairs.map(([from, to]) => {
          const step = steps.find((s) => s.from === from && s.to === to);
          return step === undefined ? '—' : formatRatio(step.perDoubling);
        }),
        formatRatio(worst),
      ]);
    }
  }
  return {
    columns: [
      { header: 'structure' },
      { header: 'op' },
      { header: 'scaling' },
      ...pairs.map(([from, to]) => ({ header: `${from} → ${to}`, align: 'right' as const })),
      { header: 'worst', align: 'right' },
    ],
    rows,
  };
}

function targetOf(
  targets: readonly OpsTarget[],
  kind: OpsTarget['kind'],
  name: StructureKind,
  op: OpName,
): OpsTarget | undefined {
  return targets.find((t) => t.kind === kind && t.structure === name && t.op === op);
}

/**
 * The speed targets of the linear structures: one row per (structure, op) with the worst
 * growth per doubling and the speed-up over dense at d = 2048, each with PASS/FAIL.
 */
export function opsTargetsTable(result: OpsBenchmarkResult): Table {
  const { growthLimit, denseSpeedupMin, denseSpeedupSize } = OPS_TARGETS;
  const rows: string[][] = [];
  for (const name of structureOrder(result)) {
    for (const { name: op } of OPS) {
      const growth = targetOf(result.targets, 'linear-growth', name, op);
      const dense = targetOf(result.targets, 'faster-than-dense', name, op);
      if (growth === undefined && dense === undefined) continue;
      rows.push([
        opsStructure(name).label,
        op,
        growth?.measured == null
          ? '—'
          : `${formatRatio(growth.measured)} (${growth.detail.replace('worst: ', '')})`,
        formatVerdict(growth?.pass ?? null),
        formatRatio(dense?.measured ?? null),
        formatVerdict(dense?.pass ?? null),
      ]);
    }
  }
  return {
    columns: [
      { header: 'structure' },
      { header: 'op' },
      { header: `worst growth per doubling (≤ ${growthLimit}×)`, align: 'right' },
      { header: 'result' },
      { header: `× faster than dense at d = ${denseSpeedupSize} (≥ ${denseSpeedupMin}×)`, align: 'right' },
      { header: 'result' },
    ],
    rows,
  };
}

/**
 * Bytes per matrix: one row per structure with spec §3.3's count, the bytes of S at each d
 * (a mismatch shows what `storageSize` and the formula say), and PASS/FAIL.
 */
export function opsBytesTable(result: OpsBenchmarkResult): Table {
  const sizes = result.options.sizes;
  return {
    columns: [
      { header: 'structure' },
      { header: 'spec §3.3 entries' },
      ...sizes.map((d) => ({ header: `bytes at d = ${d}`, align: 'right' as const })),
      { header: 'result' },
    ],
    rows: structureOrder(result).map((name) => {
      const structure = opsStructure(name);
      const checks = result.bytes.filter((b) => b.structure === name);
      const target = result.targets.find((t) => t.kind === 'bytes' && t.structure === name);
      return [
        structure.label,
        specStorageFormula(structure.spec),
        ...sizes.map((d) => {
          const check = checks.find((b) => b.d === d);
          if (check === undefined) return '—';
          const text = check.byteLength.toLocaleString('en-US');
          if (check.pass) return text;
          const fromInner =
            check.fromInnerByteLength === null ? '' : `, fromInner ${check.fromInnerByteLength}`;
          return `${text} ✗ (storageSize·4 = ${check.storageSize * 4}, §3.3·4 = ${check.specEntries * 4}${fromInner})`;
        }),
        formatVerdict(target?.pass ?? null),
      ];
    }),
  };
}

/** The gemm check: dense matmul and the naive loop, their medians, the speed-up and PASS/FAIL. */
export function opsGemmTable(result: OpsBenchmarkResult): Table {
  const { gemm } = result;
  const target = result.targets.find((t) => t.kind === 'gemm');
  const n = gemm.n;
  return {
    columns: [
      { header: `${n} × ${n} · ${n} × ${n}, float32` },
      { header: 'median (ms)', align: 'right' },
      { header: 'samples', align: 'right' },
      { header: `speed-up (≥ ${OPS_TARGETS.gemmSpeedupMin}×)`, align: 'right' },
      { header: 'result' },
    ],
    rows: [
      [
        'DenseMatrix matmul (cpu backend)',
        formatSignificant(gemm.denseMedianMs),
        String(gemm.denseSamples),
        formatRatio(gemm.speedup),
        formatVerdict(target?.pass ?? null),
      ],
      [
        'naive i-k-j loop over Float32Array',
        formatSignificant(gemm.naiveMedianMs),
        String(gemm.naiveSamples),
        '1.00×',
        '',
      ],
    ],
  };
}

/** `37 PASS, 0 FAIL` (and `, 2 n/a` when some targets were not measured). */
export function summarizeTargets(targets: readonly OpsTarget[]): string {
  const passed = targets.filter((t) => t.pass === true).length;
  const failed = targets.filter((t) => t.pass === false).length;
  const missing = targets.filter((t) => t.pass === null).length;
  return `${passed} PASS, ${failed} FAIL${missing > 0 ? `, ${missing} n/a (not measured in this run)` : ''}`;
}

/** The targets that failed, one line each (empty when none did). */
export function failedTargetLines(result: OpsBenchmarkResult): string[] {
  return result.targets
    .filter((t) => t.pass === false)
    .map((t) => {
      const measured =
        t.kind === 'bytes' ? `${t.measured} of ${t.required} matrices` : formatRatio(t.measured);
      return `- FAIL: ${t.description}: measured ${measured} (${t.detail})`;
    });
}

/** One sentence naming the settings, the machine and the date. */
export function describeOpsRun(result: OpsBenchmarkResult): string {
  const { options, machine } = result;
  return (
    `S (d × d, float32, cpu backend) = Π(M) + I for a seeded random symmetric M, X = d × ${options.columns} ` +
    `(seed ${options.seed}; inputs built outside the timed region); median of ≥ ${options.minSamples} calls ` +
    `and ≥ ${options.time} ms per task after warm-up, over ${options.rounds} interleaved rounds; ` +
    `dense and lower/upper-triangular timed up to d = ${options.quadraticMaxSize}. ` +
    `${machine.cpuModel} (${machine.cpuCount} logical cores), ${machine.os}, Node ${machine.node}, ` +
    `${result.date}; the run took ${Math.round(result.elapsedSeconds)} s.`
  );
}

/** The cross-check in one sentence (the failures named). */
export function describeCrossChecks(result: OpsBenchmarkResult): string {
  const checks = result.crossChecks;
  if (checks.length === 0) return 'No cross-check was run.';
  const d = checks[0]!.d;
  const worst = Math.max(...checks.map((c) => c.relativeError));
  const failed = checks.filter((c) => !c.pass);
  if (failed.length === 0) {
    return (
      `Cross-check at d = ${d}: all ${checks.length} results agree with their dense definitions ` +
      `(S·X = dense(S)·X, fromInner(X) = Π((SᵀX)(SᵀX)ᵀ)); worst relative error ${worst.toExponential(1)}.`
    );
  }
  return (
    `Cross-check at d = ${d}: ${failed.length} of ${checks.length} results differ from their dense definitions: ` +
    failed
      .map((c) => `${opsStructure(c.structure).label} ${c.op} (${c.relativeError.toExponential(1)})`)
      .join(', ') +
    '.'
  );
}

/** Notes on what is and is not held to the targets, and on dense's cost. */
export function opsNotes(result: OpsBenchmarkResult): string[] {
  const { options } = result;
  const n = options.columns;
  const notes: string[] = [];
  const quadratic = result.structures.filter((s) => s.scaling === 'quadratic').map((s) => s.label);
  if (quadratic.length > 0) {
    notes.push(
      `- ${quadratic.join(' and ')} store d(d+1)/2 entries, so fromInner and S·X are O(d²·n) by nature: ` +
        'they are reported but not held to the linear-growth and ×-dense targets (they are not sub-quadratic structures).',
    );
  }
  const big = options.sizes.filter((d) => d > options.quadraticMaxSize);
  const skipped = result.structures.filter((s) => s.scaling !== 'linear').map((s) => s.label);
  if (skipped.length > 0 && big.length > 0) {
    const d = big[big.length - 1]!;
    const flops = 2 * d * d * n;
    notes.push(
      `- ${skipped.join(', ')} are not timed above d = ${options.quadraticMaxSize} (\`--quadratic-max-size\`): ` +
        'dense fromInner(X) is two gemms, KᵀX and (KᵀX)(KᵀX)ᵀ (d²·n multiply-adds each), plus a d² transpose — ' +
        `${flops.toExponential(2).replace('e+', '·10^')} multiply-adds at d = ${d} — and S·X is d²·n.`,
    );
  }
  notes.push(
    '- Each time cell is the median ms, with (in parentheses) dense median ÷ this median at the same d; ' +
      'growth is time(2d) / time(d).',
  );
  return notes;
}

function renderReport(
  result: OpsBenchmarkResult,
  render: (table: Table) => string,
  markdown: boolean,
): string {
  const code = (text: string) => (markdown ? `\`${text}\`` : text);
  const failed = failedTargetLines(result);
  return [
    describeOpsRun(result),
    '',
    describeCrossChecks(result),
    '',
    ...OPS.flatMap(({ name, call }) => [
      `${code(call)}: median ms (× faster than dense)`,
      '',
      render(opsTimeTable(result, name)),
    ]),
    'Growth per doubling of d (time(2d) / time(d)):',
    '',
    render(opsGrowthTable(result)),
    `Targets: ${summarizeTargets(result.targets)}.`,
    ...(failed.length > 0 ? ['', ...failed] : []),
    '',
    render(opsTargetsTable(result)),
    `Bytes per matrix (${code('S.byteLength')} = ${code('storageSize(spec, d)')} × 4 = spec §3.3 count × 4; also ${code('parameterCount')} and the bytes of ${code('fromInner(X)')}):`,
    '',
    render(opsBytesTable(result)),
    `gemm check (${code('A.matmul(B)')} vs a naive loop; the results agree to ${result.gemm.relativeDifference.toExponential(1)} relative):`,
    '',
    render(opsGemmTable(result)),
    ...opsNotes(result),
    '',
  ].join('\n');
}

/** The Markdown body of the README's generated section. Pure: the same result gives the same text. */
export function renderStructuredOpsMarkdown(result: OpsBenchmarkResult): string {
  return renderReport(result, renderMarkdownTable, true);
}

/** The terminal report: the same content as the README section, as text tables. */
export function renderStructuredOpsText(result: OpsBenchmarkResult): string {
  return renderReport(result, renderTextTable, false);
}
