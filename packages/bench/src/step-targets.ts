import type { SampleSummary } from './ops-timing.js';
import type { StepStructureName } from './step-structures.js';

/** The performance and memory targets of the step benchmark (issue 5, item 8). */
export const STEP_TARGETS = Object.freeze({
  /** Diagonal SINGD's non-update step time ≤ this × AdamW's step time (same d, same run). */
  diagonalNonUpdateMax: 2,
  /** Diagonal SINGD's state bytes ≤ this × AdamW's state bytes (same parameters). */
  diagonalStateMax: 0.55,
  /**
   * Block-diagonal and hierarchical: the update-only work (capture and preconditioner update)
   * grows by at most this per doubling of d — the bound the `ops` benchmark holds the
   * structured kernels to (linear: 2×; quadratic would be 4×).
   */
  growthPerDoublingMax: 2.3,
  /** The structures held to the linear-growth target. */
  linearStructures: Object.freeze(['block-diagonal', 'hierarchical'] as const),
});

/** AdamW's step on one d × d layer: time and state. */
export interface AdamWStepRow {
  readonly d: number;
  /** `update` + `applyUpdates` of the `adamw` transform. */
  readonly step: SampleSummary;
  /** Bytes of AdamW's state (μ and ν), counted from its state tree. */
  readonly stateBytes: number;
  /** Bytes of the layer's parameters (the Float64Array W). */
  readonly parameterBytes: number;
  /** stateBytes / parameterBytes (2 for AdamW). */
  readonly stateToParameters: number;
}

/** SINGD's state for one structure and d, from `Singd.memoryReport()`. */
export interface SingdStepMemory {
  readonly K: number;
  readonly C: number;
  readonly mK: number;
  readonly mC: number;
  readonly momentumBuffer: number;
  readonly stateBytes: number;
  readonly parameterBytes: number;
  /** stateBytes / parameterBytes. */
  readonly stateToParameters: number;
  /** `memoryReport().ratioToAdamW` (stateBytes / (2 × parameterBytes)). */
  readonly reportRatioToAdamW: number;
  /** stateBytes / AdamW's measured state bytes on the same parameters. */
  readonly ratioToAdamW: number;
}

/** SINGD's step for one structure and d: times, ratios to AdamW and state. */
export interface SingdStepRow {
  readonly structure: StepStructureName;
  readonly label: string;
  readonly d: number;
  /** Update steps (t mod T = 0): `capture()` plus `step()`. */
  readonly update: SampleSummary;
  /** Non-update steps: `step()` alone. */
  readonly nonUpdate: SampleSummary;
  /** The `capture()` part of the update steps. */
  readonly capture: SampleSummary;
  /**
   * The update-only work timed on its own with the pure functions of `@singd/singd`: capture
   * processing, `accumulateCapture` and `updatePreconditioner` (spec §2.5.C and E1); null when
   * not timed (the slow structures at large d).
   */
  readonly preconditionerUpdate: SampleSummary | null;
  /** Whether the timed steps were preceded by an untimed warm-up. */
  readonly warmedUp: boolean;
  /** update median / AdamW's median at the same d. */
  readonly updateToAdamW: number;
  /** nonUpdate median / AdamW's median at the same d. */
  readonly nonUpdateToAdamW: number;
  readonly memory: SingdStepMemory;
}

/** The quantities whose growth in d is reported. */
export type StepGrowthQuantity = 'update' | 'non-update' | 'preconditioner-update' | 'adamw';

/** How one quantity grows between two measured d. */
export interface StepGrowth {
  /** A structure, or `adamw` for AdamW's step. */
  readonly structure: StepStructureName | 'adamw';
  readonly quantity: StepGrowthQuantity;
  readonly from: number;
  readonly to: number;
  /** median(to) / median(from). */
  readonly ratio: number;
  /** to / from: the ratio of a cost linear in d. */
  readonly linearRatio: number;
  /** `ratio^(1 / log2(to / from))`: 2 for linear, 4 for quadratic growth. */
  readonly perDoubling: number;
}

/** One target, evaluated on a run. */
export interface StepTarget {
  readonly kind: 'diagonal-non-update-time' | 'diagonal-state' | 'linear-update-growth';
  readonly description: string;
  readonly structure: StepStructureName;
  /** The d it is checked at; null for growth (smallest → largest d). */
  readonly d: number | null;
  /** The bound (a maximum for every kind). */
  readonly required: number;
  /** The measured value; null when this run could not measure it. */
  readonly measured: number | null;
  /** Where the measured value comes from. */
  readonly detail: string;
  /** PASS (true) / FAIL (false); null when not measured. */
  readonly pass: boolean | null;
}

function growth(
  structure: StepStructureName | 'adamw',
  quantity: StepGrowthQuantity,
  a: { d: number; medianMs: number },
  b: { d: number; medianMs: number },
): StepGrowth {
  const ratio = b.medianMs / a.medianMs;
  return {
    structure,
    quantity,
    from: a.d,
    to: b.d,
    ratio,
    linearRatio: b.d / a.d,
    perDoubling: ratio ** (1 / Math.log2(b.d / a.d)),
  };
}

/**
 * The growth of every timed quantity from the smallest to the largest measured d: AdamW's
 * step, and per structure the update step, the non-update step and the update-only work.
 * Empty when fewer than two sizes were measured.
 */
export function stepGrowth(adamw: readonly AdamWStepRow[], singd: readonly SingdStepRow[]): StepGrowth[] {
  const sizes = [...new Set(adamw.map((r) => r.d))].sort((x, y) => x - y);
  if (sizes.length < 2) return [];
  const first = sizes[0]!;
  const last = sizes[sizes.length - 1]!;
  const out: StepGrowth[] = [];
  const a0 = adamw.find((r) => r.d === first);
  const a1 = adamw.find((r) => r.d === last);
  if (a0 !== undefined && a1 !== undefined) {
    out.push(
      growth(
        'adamw',
        'adamw',
        { d: first, medianMs: a0.step.medianMs },
        { d: last, medianMs: a1.step.medianMs },
      ),
    );
  }
  const structures = [...new Set(singd.map((r) => r.structure))];
  for (const structure of structures) {
    const r0 = singd.find((r) => r.structure === structure && r.d === first);
    const r1 = singd.find((r) => r.structure === structure && r.d === last);
    if (r0 === undefined || r1 === undefined) continue;
    const pairs: [StepGrowthQuantity, SampleSummary | null, SampleSummary | null][] = [
      ['update', r0.update, r1.update],
      ['non-update', r0.nonUpdate, r1.nonUpdate],
      ['preconditioner-update', r0.preconditionerUpdate, r1.preconditionerUpdate],
    ];
    for (const [quantity, s0, s1] of pairs) {
      if (s0 === null || s1 === null) continue;
      out.push(
        growth(structure, quantity, { d: first, medianMs: s0.medianMs }, { d: last, medianMs: s1.medianMs }),
      );
    }
  }
  return out;
}

function verdict(measured: number | null, required: number): boolean | null {
  return measured === null || !Number.isFinite(measured) ? null : measured <= required;
}

/**
 * Evaluates the targets on a run:
 *
 * - `diagonal-non-update-time`, at each d: diagonal SINGD's non-update step median ≤ 2 ×
 *   AdamW's step median;
 * - `diagonal-state`, at each d: diagonal SINGD's state bytes ≤ 0.55 × AdamW's state bytes;
 * - `linear-update-growth`, block-diagonal and hierarchical: the update-only work (capture
 *   and preconditioner update, timed on its own) grows by ≤ 2.3× per doubling of d from the
 *   smallest to the largest d. The whole update step is not held to it: it also computes the
 *   natural gradient and the momentum update of all d² weights (like AdamW's step, whose time
 *   grows ~16× for 4× d).
 *
 * Targets for structures this run did not measure are left out; a target that needs two sizes
 * gets `pass: null` when only one was measured.
 */
export function evaluateStepTargets(
  singd: readonly SingdStepRow[],
  growthRows: readonly StepGrowth[],
): StepTarget[] {
  const targets: StepTarget[] = [];
  const { diagonalNonUpdateMax, diagonalStateMax, growthPerDoublingMax, linearStructures } = STEP_TARGETS;
  for (const row of singd.filter((r) => r.structure === 'diagonal')) {
    targets.push({
      kind: 'diagonal-non-update-time',
      description: `diagonal SINGD non-update step ≤ ${diagonalNonUpdateMax}× AdamW's step time (d = ${row.d})`,
      structure: 'diagonal',
      d: row.d,
      required: diagonalNonUpdateMax,
      measured: row.nonUpdateToAdamW,
      detail: `${row.nonUpdate.medianMs.toPrecision(3)} ms vs AdamW ${(row.nonUpdate.medianMs / row.nonUpdateToAdamW).toPrecision(3)} ms`,
      pass: verdict(row.nonUpdateToAdamW, diagonalNonUpdateMax),
    });
  }
  for (const row of singd.filter((r) => r.structure === 'diagonal')) {
    targets.push({
      kind: 'diagonal-state',
      description: `diagonal SINGD state ≤ ${diagonalStateMax}× AdamW's state (d = ${row.d})`,
      structure: 'diagonal',
      d: row.d,
      required: diagonalStateMax,
      measured: row.memory.ratioToAdamW,
      detail: `${row.memory.stateBytes} bytes vs AdamW ${Math.round(row.memory.stateBytes / row.memory.ratioToAdamW)} bytes`,
      pass: verdict(row.memory.ratioToAdamW, diagonalStateMax),
    });
  }
  for (const structure of linearStructures) {
    if (!singd.some((r) => r.structure === structure)) continue;
    const g = growthRows.find((s) => s.structure === structure && s.quantity === 'preconditioner-update');
    targets.push({
      kind: 'linear-update-growth',
      description: `${structure} update-only work (capture + preconditioner update) grows ≤ ${growthPerDoublingMax}× per doubling of d`,
      structure,
      d: null,
      required: growthPerDoublingMax,
      measured: g?.perDoubling ?? null,
      detail:
        g === undefined
          ? 'needs two sizes'
          : `${g.from} → ${g.to}: ${g.ratio.toPrecision(3)}× for ${g.linearRatio}× d (linear: ${g.linearRatio}×, quadratic: ${g.linearRatio ** 2}×)`,
      pass: verdict(g?.perDoubling ?? null, growthPerDoublingMax),
    });
  }
  return targets;
}
