import {
  DenseMatrix,
  getBackend,
  project,
  type StructuredMatrix,
  type StructureKind,
  storageSize,
} from '@singd/structured-matrix';
import { type MachineInfo, machineInfo } from './machine-info.js';
import { OPS_STRUCTURE_NAMES, type OpsScaling, opsStructure, specStorageEntries } from './ops-structures.js';
import { collectSamples, median, summarizeSamples, timeCall, warmUp } from './ops-timing.js';
import { seededRandom } from './sample-data.js';

/** The two timed operations on a structured S and a dense X (d × n). */
export const OPS = Object.freeze([
  { name: 'fromInner', call: 'S.fromInner(X)' },
  { name: 'matmul', call: 'S.matmul(X)' },
] as const);

/** The name of a timed operation. */
export type OpName = (typeof OPS)[number]['name'];

/** The settings of one run of the structured-ops benchmark. */
export interface OpsBenchmarkOptions {
  /** Matrix orders d (sorted ascending and deduplicated before the run). */
  readonly sizes: readonly number[];
  /** Structures to time (dense is the baseline of every ratio; without it there is none). */
  readonly structures: readonly StructureKind[];
  /** Columns n of X. */
  readonly columns: number;
  /**
   * The O(d²·n) structures (dense and the general triangular ones) are timed only up to this
   * d (dense `fromInner` is two d²·n gemms).
   */
  readonly quadraticMaxSize: number;
  /** Order of the square matrices of the gemm check (dense matmul vs a naive loop). */
  readonly gemmSize: number;
  /** Time budget per timed task (all rounds together), in milliseconds. */
  readonly time: number;
  /**
   * Interleaved rounds: every task is timed once per round (a share `time / rounds` of its
   * budget), so a burst of load from other processes hits all sizes alike; the median is
   * taken over the samples of all rounds.
   */
  readonly rounds: number;
  /** Timed calls per task at least (all rounds together; at least one per round). */
  readonly minSamples: number;
  /** Timed calls per task and round at most. */
  readonly maxSamples: number;
  /** Seed of the random inputs. */
  readonly seed: number;
}

/** The setting: d = 256 … 4096, n = 256, dense and triangular up to 2048, gemm check at 512. */
export const DEFAULT_OPS_BENCHMARK_OPTIONS: OpsBenchmarkOptions = Object.freeze({
  sizes: Object.freeze([256, 512, 1024, 2048, 4096]),
  structures: OPS_STRUCTURE_NAMES,
  columns: 256,
  quadraticMaxSize: 2048,
  gemmSize: 512,
  time: 200,
  rounds: 3,
  minSamples: 3,
  maxSamples: 2000,
  seed: 1,
});

/** The performance targets of the issue. */
export const OPS_TARGETS = Object.freeze({
  /** Linear structures: time(2d)/time(d) at most this (per doubling of d). */
  growthLimit: 2.3,
  /** The d at which the speed-up over dense is required. */
  denseSpeedupSize: 2048,
  /** Linear structures: at least this many times faster than dense at `denseSpeedupSize`. */
  denseSpeedupMin: 20,
  /** Dense float32 matmul: at least this many times faster than a naive i-k-j loop. */
  gemmSpeedupMin: 3,
});

/** The median time of one operation on one structure at one d. */
export interface OpMeasurement {
  readonly structure: StructureKind;
  readonly op: OpName;
  readonly d: number;
  /** Columns of X. */
  readonly n: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly meanMs: number;
  readonly samples: number;
  /** Dense's median / this median at the same d and op; null when dense was not timed there. */
  readonly speedupVsDense: number | null;
}

/** How one structure's time for one op grows from one measured d to the next. */
export interface GrowthStep {
  readonly structure: StructureKind;
  readonly op: OpName;
  readonly from: number;
  readonly to: number;
  /** time(to) / time(from). */
  readonly ratio: number;
  /** The ratio per doubling of d: `ratio^(1/log2(to/from))` (the ratio itself for to = 2·from). */
  readonly perDoubling: number;
}

/** The storage of one matrix checked against `storageSize` and spec §3.3's count. */
export interface BytesCheck {
  readonly structure: StructureKind;
  readonly d: number;
  /** `S.byteLength` of the benchmarked S (float32). */
  readonly byteLength: number;
  /** `S.parameterCount`. */
  readonly parameterCount: number;
  /** `storageSize(spec, d)` of the structured-matrix package. */
  readonly storageSize: number;
  /** The count from spec §3.3, computed by the benchmark ({@link specStorageEntries}). */
  readonly specEntries: number;
  /** `S.fromInner(X).byteLength`; null when fromInner was not run at this d. */
  readonly fromInnerByteLength: number | null;
  /** Every byte count equals `specEntries × 4` and `storageSize = specEntries`. */
  readonly pass: boolean;
}

/** The gemm check: dense float32 matmul on the cpu backend vs a naive i-k-j triple loop. */
export interface GemmCheck {
  /** Order of the square operands. */
  readonly n: number;
  /** Median of `A.matmul(B)` (DenseMatrix, float32, cpu backend). */
  readonly denseMedianMs: number;
  readonly denseSamples: number;
  /** Median of the naive i-k-j loop over Float32Arrays. */
  readonly naiveMedianMs: number;
  readonly naiveSamples: number;
  /** naiveMedianMs / denseMedianMs. */
  readonly speedup: number;
  /** max |dense − naive| / max |naive| (the two must compute the same product). */
  readonly relativeDifference: number;
}

/** One operation checked against its dense definition at the smallest d, before timing. */
export interface CrossCheck {
  readonly structure: StructureKind;
  readonly op: OpName;
  readonly d: number;
  /** max |result − reference| / max |reference| over the dense representatives. */
  readonly relativeError: number;
  /** relativeError ≤ {@link CROSS_CHECK_TOLERANCE}. */
  readonly pass: boolean;
}

/** The cross-check's tolerance on the relative error (both sides are float32 computations). */
export const CROSS_CHECK_TOLERANCE = 1e-3;

/** A target of the issue, evaluated on a run. */
export interface OpsTarget {
  readonly kind: 'linear-growth' | 'faster-than-dense' | 'bytes' | 'gemm';
  /** What is required, in words. */
  readonly description: string;
  readonly structure: StructureKind | null;
  readonly op: OpName | null;
  /** The bound: a maximum for `linear-growth`, a minimum for the others (bytes: matrices checked). */
  readonly required: number;
  /** The measured value; null when this run did not measure it. */
  readonly measured: number | null;
  /** Where the measured value comes from (`worst: 1024 → 2048`). */
  readonly detail: string;
  /** PASS (true) / FAIL (false); null when not measured in this run. */
  readonly pass: boolean | null;
}

/** The full result of a run: settings, machine, timings, derived tables and targets. */
export interface OpsBenchmarkResult {
  readonly benchmark: 'structured-ops';
  /** When the run finished (ISO 8601). */
  readonly date: string;
  readonly machine: MachineInfo;
  readonly dtype: 'float32';
  readonly backend: 'cpu';
  readonly options: OpsBenchmarkOptions;
  readonly structures: readonly {
    readonly name: StructureKind;
    readonly label: string;
    readonly spec: unknown;
    readonly scaling: OpsScaling;
  }[];
  readonly crossChecks: readonly CrossCheck[];
  readonly measurements: readonly OpMeasurement[];
  readonly growth: readonly GrowthStep[];
  readonly bytes: readonly BytesCheck[];
  readonly gemm: GemmCheck;
  readonly targets: readonly OpsTarget[];
  /** Total wall time of the run, in seconds. */
  readonly elapsedSeconds: number;
}

/** A raw timing before the dense ratios are known. */
export type RawMeasurement = Omit<OpMeasurement, 'speedupVsDense'>;

/** Fills in {@link OpMeasurement.speedupVsDense} from the dense rows of `raw`. */
export function withDenseRatios(raw: readonly RawMeasurement[]): OpMeasurement[] {
  return raw.map((m) => {
    const dense = raw.find((r) => r.structure === 'dense' && r.op === m.op && r.d === m.d);
    return { ...m, speedupVsDense: dense === undefined ? null : dense.medianMs / m.medianMs };
  });
}

/** The growth of each (structure, op) between consecutive measured d, in size order. */
export function growthSteps(measurements: readonly RawMeasurement[]): GrowthStep[] {
  const steps: GrowthStep[] = [];
  const keys = new Map<string, RawMeasurement[]>();
  for (const m of measurements) {
    const key = `${m.structure}\u0000${m.op}`;
    const list = keys.get(key) ?? [];
    list.push(m);
    keys.set(key, list);
  }
  for (const list of keys.values()) {
    const sorted = [...list].sort((a, b) => a.d - b.d);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1]!;
      const b = sorted[i]!;
      if (b.d === a.d || a.d === 0) continue;
      const ratio = b.medianMs / a.medianMs;
      steps.push({
        structure: a.structure,
        op: a.op,
        from: a.d,
        to: b.d,
        ratio,
        perDoubling: ratio ** (1 / Math.log2(b.d / a.d)),
      });
    }
  }
  return steps;
}

/**
 * Evaluates the issue's targets on a run's numbers, for the structures in `structures`
 * (in that order):
 *
 * - `linear-growth` (linear structures, each op): the worst per-doubling growth ≤ 2.3;
 * - `faster-than-dense` (linear structures, each op): dense / structure at d = 2048 ≥ 20;
 * - `bytes` (every structure): every checked matrix's bytes equal 4 × spec §3.3's count;
 * - `gemm`: dense matmul ≥ 3 × the naive loop.
 *
 * A target this run could not measure (a size or dense missing) gets `pass: null`.
 */
export function evaluateOpsTargets(input: {
  readonly structures: readonly StructureKind[];
  readonly measurements: readonly OpMeasurement[];
  readonly growth: readonly GrowthStep[];
  readonly bytes: readonly BytesCheck[];
  readonly gemm: GemmCheck;
}): OpsTarget[] {
  const targets: OpsTarget[] = [];
  const { growthLimit, denseSpeedupSize, denseSpeedupMin, gemmSpeedupMin } = OPS_TARGETS;
  for (const name of input.structures) {
    const structure = opsStructure(name);
    if (structure.scaling !== 'linear') continue;
    for (const { name: op } of OPS) {
      const steps = input.growth.filter((s) => s.structure === name && s.op === op);
      const worst = steps.reduce<GrowthStep | undefined>(
        (w, s) => (w === undefined || s.perDoubling > w.perDoubling ? s : w),
        undefined,
      );
      targets.push({
        kind: 'linear-growth',
        description: `${structure.label} ${op}: time per doubling of d ≤ ${growthLimit}×`,
        structure: name,
        op,
        required: growthLimit,
        measured: worst?.perDoubling ?? null,
        detail: worst === undefined ? 'needs two sizes' : `worst: ${worst.from} → ${worst.to}`,
        pass: worst === undefined ? null : worst.perDoubling <= growthLimit,
      });
    }
  }
  for (const name of input.structures) {
    const structure = opsStructure(name);
    if (structure.scaling !== 'linear') continue;
    for (const { name: op } of OPS) {
      const m = input.measurements.find(
        (x) => x.structure === name && x.op === op && x.d === denseSpeedupSize,
      );
      const speedup = m?.speedupVsDense ?? null;
      targets.push({
        kind: 'faster-than-dense',
        description: `${structure.label} ${op}: ≥ ${denseSpeedupMin}× faster than dense at d = ${denseSpeedupSize}`,
        structure: name,
        op,
        required: denseSpeedupMin,
        measured: speedup,
        detail:
          speedup === null
            ? `needs ${structure.label} and dense at d = ${denseSpeedupSize}`
            : `d = ${denseSpeedupSize}`,
        pass: speedup === null ? null : speedup >= denseSpeedupMin,
      });
    }
  }
  for (const name of input.structures) {
    const structure = opsStructure(name);
    const checks = input.bytes.filter((b) => b.structure === name);
    const matching = checks.filter((b) => b.pass).length;
    targets.push({
      kind: 'bytes',
      description: `${structure.label}: bytes = 4 × spec §3.3 storage = 4 × storageSize`,
      structure: name,
      op: null,
      required: checks.length,
      measured: checks.length === 0 ? null : matching,
      detail: checks.length === 0 ? 'no matrix checked' : `d = ${checks.map((b) => b.d).join(', ')}`,
      pass: checks.length === 0 ? null : matching === checks.length,
    });
  }
  targets.push({
    kind: 'gemm',
    description: `dense float32 matmul ≥ ${gemmSpeedupMin}× a naive i-k-j loop at n = ${input.gemm.n}`,
    structure: null,
    op: null,
    required: gemmSpeedupMin,
    measured: input.gemm.speedup,
    detail: `n = ${input.gemm.n}`,
    pass: input.gemm.speedup >= gemmSpeedupMin,
  });
  return targets;
}

/**
 * `C = A·B` for row-major n × n Float32Arrays, the textbook i-k-j loop (no blocking, no
 * unrolling): the baseline of the gemm check.
 */
export function naiveGemm(c: Float32Array, a: Float32Array, b: Float32Array, n: number): Float32Array {
  c.fill(0);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k]!;
      const bRow = k * n;
      for (let j = 0; j < n; j++) c[row + j] = c[row + j]! + aik * b[bRow + j]!;
    }
  }
  return c;
}

function randomArray(length: number, random: () => number, scale: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = (2 * random() - 1) * scale;
  return values;
}

/** A seeded random symmetric d × d matrix with entries in (−scale, scale), float32. */
export function randomSymmetric(d: number, random: () => number, scale: number): DenseMatrix {
  const values = new Float32Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      const value = (2 * random() - 1) * scale;
      values[i * d + j] = value;
      values[j * d + i] = value;
    }
  }
  return DenseMatrix.fromArray(values, d, d, 'float32', getBackend('cpu'));
}

function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): { diff: number; scale: number } {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return { diff, scale };
}

function relativeError(result: StructuredMatrix, reference: StructuredMatrix): number {
  const { diff, scale } = maxAbsDifference(
    result.toDense().toFloat64Array(),
    reference.toDense().toFloat64Array(),
  );
  return scale === 0 ? diff : diff / scale;
}

/**
 * Checks `S.matmul(X)` against `dense(S)·X` and `S.fromInner(X)` against
 * `Π((SᵀX)(SᵀX)ᵀ)` computed densely. Cost O(d²·n): run it at a small d.
 */
export function crossCheckOps(name: StructureKind, s: StructuredMatrix, x: DenseMatrix): CrossCheck[] {
  const dense = s.toDense();
  const matmulError = relativeError(s.matmul(x), dense.matmul(x));
  const y = dense.transposeMatmul(x);
  const gram = y.matmul(y.transpose());
  const innerError = relativeError(s.fromInner(x), project(opsStructure(name).spec, gram));
  return [
    {
      structure: name,
      op: 'fromInner',
      d: s.size,
      relativeError: innerError,
      pass: innerError <= CROSS_CHECK_TOLERANCE,
    },
    {
      structure: name,
      op: 'matmul',
      d: s.size,
      relativeError: matmulError,
      pass: matmulError <= CROSS_CHECK_TOLERANCE,
    },
  ];
}

/** Times dense float32 `A.matmul(B)` against {@link naiveGemm} on the same n × n operands. */
export function runGemmCheck(n: number, settings: OpsBenchmarkOptions, random: () => number): GemmCheck {
  const a = randomArray(n * n, random, 1);
  const b = randomArray(n * n, random, 1);
  const backend = getBackend('cpu');
  const denseA = DenseMatrix.fromArray(a, n, n, 'float32', backend);
  const denseB = DenseMatrix.fromArray(b, n, n, 'float32', backend);
  const c = new Float32Array(n * n);
  const { diff, scale } = maxAbsDifference(denseA.matmul(denseB).toFloat64Array(), naiveGemm(c, a, b, n));
  const timing = {
    time: settings.time,
    minSamples: Math.max(settings.minSamples, 5),
    maxSamples: settings.maxSamples,
  };
  const dense = timeCall(() => denseA.matmul(denseB), timing);
  const naive = timeCall(() => naiveGemm(c, a, b, n), timing);
  return {
    n,
    denseMedianMs: dense.medianMs,
    denseSamples: dense.samples,
    naiveMedianMs: naive.medianMs,
    naiveSamples: naive.samples,
    speedup: naive.medianMs / dense.medianMs,
    relativeDifference: scale === 0 ? diff : diff / scale,
  };
}

/** Sorted, deduplicated sizes; the structures in table order without repeats. */
export function normalizeOpsOptions(options: Partial<OpsBenchmarkOptions> = {}): OpsBenchmarkOptions {
  const settings = { ...DEFAULT_OPS_BENCHMARK_OPTIONS, ...options };
  const sizes = [...new Set(settings.sizes)].sort((a, b) => a - b);
  const structures = OPS_STRUCTURE_NAMES.filter((name) => settings.structures.includes(name));
  for (const name of settings.structures) opsStructure(name);
  for (const d of sizes) {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`sizes must be positive integers; got ${d}`);
  }
  if (sizes.length === 0) throw new RangeError('sizes must name at least one d');
  if (structures.length === 0) throw new RangeError('structures must name at least one structure');
  if (!Number.isInteger(settings.rounds) || settings.rounds < 1) {
    throw new RangeError(`rounds must be a positive integer; got ${settings.rounds}`);
  }
  return { ...settings, sizes, structures };
}

/** Whether `name` is timed at `d` under `settings` (the O(d²·n) structures stop at quadraticMaxSize). */
export function isTimed(name: StructureKind, d: number, settings: OpsBenchmarkOptions): boolean {
  return opsStructure(name).scaling === 'linear' || d <= settings.quadraticMaxSize;
}

/** One timed (structure, op, d) and the samples collected for it so far. */
interface Task {
  readonly structure: StructureKind;
  readonly op: OpName;
  readonly d: number;
  readonly call: () => unknown;
  readonly samples: number[];
}

/**
 * Runs the structured-ops benchmark:
 *
 * 1. for each d (ascending): a seeded random symmetric M (entries in ±0.1/√d) and X (d × n,
 *    entries in ±1); for each structure S = Π(M) + I; its bytes are checked, and at the
 *    smallest d both operations are cross-checked against their dense definitions. All of
 *    this is outside the timed region;
 * 2. `rounds` interleaved rounds over every (d, structure, op): `S.fromInner(X)` and
 *    `S.matmul(X)` (warm-up in the first round), the O(d²·n) structures only up to
 *    `quadraticMaxSize`;
 * 3. the gemm check, then dense ratios, growth and the targets.
 *
 * @param onProgress - called with a short line as each phase or task finishes.
 */
export async function runOpsBenchmark(
  options: Partial<OpsBenchmarkOptions> = {},
  onProgress: (line: string) => void = () => {},
): Promise<OpsBenchmarkResult> {
  const started = performance.now();
  const settings = normalizeOpsOptions(options);
  const random = seededRandom(settings.seed);
  const bytes: BytesCheck[] = [];
  const crossChecks: CrossCheck[] = [];
  const tasks: Task[] = [];
  const smallest = settings.sizes[0]!;
  const n = settings.columns;

  for (const d of settings.sizes) {
    const m = randomSymmetric(d, random, 0.1 / Math.sqrt(d));
    const x = DenseMatrix.fromArray(randomArray(d * n, random, 1), d, n, 'float32', getBackend('cpu'));
    for (const name of settings.structures) {
      const structure = opsStructure(name);
      const s: StructuredMatrix = project(structure.spec, m).addIdentityInPlace(1);
      if (d === smallest) {
        const checks = crossCheckOps(name, s, x);
        crossChecks.push(...checks);
        for (const check of checks.filter((c) => !c.pass)) {
          onProgress(
            `WARNING: ${structure.label} ${check.op} differs from its dense definition at d = ${d}: relative error ${check.relativeError.toExponential(2)}`,
          );
        }
      }
      const timed = isTimed(name, d, settings);
      const fromInnerByteLength = timed ? s.fromInner(x).byteLength : null;
      if (timed) {
        tasks.push({ structure: name, op: 'fromInner', d, call: () => s.fromInner(x), samples: [] });
        tasks.push({ structure: name, op: 'matmul', d, call: () => s.matmul(x), samples: [] });
      }
      const specEntries = specStorageEntries(structure.spec, d);
      const size = storageSize(structure.spec, d);
      const expectedBytes = specEntries * 4;
      bytes.push({
        structure: name,
        d,
        byteLength: s.byteLength,
        parameterCount: s.parameterCount,
        storageSize: size,
        specEntries,
        fromInnerByteLength,
        pass:
          s.byteLength === size * 4 &&
          size === specEntries &&
          s.byteLength === expectedBytes &&
          s.parameterCount === specEntries &&
          (fromInnerByteLength === null || fromInnerByteLength === expectedBytes),
      });
    }
  }
  const skipped = settings.structures.flatMap((name) =>
    settings.sizes.filter((d) => !isTimed(name, d, settings)).map((d) => `${name} d=${d}`),
  );
  onProgress(
    `inputs built and checked; timing ${tasks.length} tasks in ${settings.rounds} rounds` +
      (skipped.length > 0
        ? ` (not timed above d = ${settings.quadraticMaxSize}: ${skipped.join(', ')})`
        : ''),
  );

  const perRound = {
    time: settings.time / settings.rounds,
    minSamples: Math.ceil(settings.minSamples / settings.rounds),
    maxSamples: settings.maxSamples,
  };
  for (let round = 0; round < settings.rounds; round++) {
    const roundStart = performance.now();
    for (const task of tasks) {
      if (round === 0) warmUp(task.call, perRound);
      task.samples.push(...collectSamples(task.call, perRound));
      if (round === settings.rounds - 1) {
        const label = opsStructure(task.structure).label;
        const ms = median(task.samples);
        onProgress(
          `${label} ${task.op} d=${task.d}: ${ms.toPrecision(3)} ms (${task.samples.length} samples)`,
        );
      }
    }
    onProgress(
      `round ${round + 1}/${settings.rounds} took ${((performance.now() - roundStart) / 1000).toFixed(1)} s`,
    );
  }
  const raw: RawMeasurement[] = tasks.map((task) => ({
    structure: task.structure,
    op: task.op,
    d: task.d,
    n,
    ...summarizeSamples(task.samples),
  }));

  const gemm = runGemmCheck(settings.gemmSize, settings, random);
  onProgress(
    `gemm n=${gemm.n}: dense ${gemm.denseMedianMs.toPrecision(3)} ms, naive ${gemm.naiveMedianMs.toPrecision(3)} ms (${gemm.speedup.toFixed(2)}×)`,
  );
  const measurements = withDenseRatios(raw);
  const growth = growthSteps(raw);
  return {
    benchmark: 'structured-ops',
    date: new Date().toISOString(),
    machine: machineInfo(),
    dtype: 'float32',
    backend: 'cpu',
    options: settings,
    structures: settings.structures.map((name) => {
      const { label, spec, scaling } = opsStructure(name);
      return { name, label, spec, scaling };
    }),
    crossChecks,
    measurements,
    growth,
    bytes,
    gemm,
    targets: evaluateOpsTargets({ structures: settings.structures, measurements, growth, bytes, gemm }),
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}
