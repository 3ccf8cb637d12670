import { Float16Array, f16round } from '@petamoriken/float16';
import {
  decodeBFloat16,
  decodeFloat16,
  encodeBFloat16,
  encodeFloat16,
  type HalfDType,
  roundArray,
  toBFloat16Bits,
} from '@singd/half';
import { Bench } from 'tinybench';
import { type MachineInfo, machineInfo } from './machine-info.js';
import { halfBenchmarkInput } from './sample-data.js';

/** The settings of one run of the half-precision rounding benchmark. */
export interface HalfBenchmarkOptions {
  /** Values rounded per task call. */
  readonly length: number;
  /** Seed of the input generator ({@link halfBenchmarkInput}). */
  readonly seed: number;
  /** Time budget per task in milliseconds (tinybench `time`). */
  readonly time: number;
  /** Minimum timed calls per task (tinybench `iterations`). */
  readonly iterations: number;
  /** Warm-up budget per task in milliseconds (tinybench `warmupTime`). */
  readonly warmupTime: number;
  /** Minimum warm-up calls per task (tinybench `warmupIterations`). */
  readonly warmupIterations: number;
}

/** The setting: 2^20 values, 1 s and at least 10 calls per task. */
export const DEFAULT_HALF_BENCHMARK_OPTIONS: HalfBenchmarkOptions = Object.freeze({
  length: 1_048_576,
  seed: 1,
  time: 1000,
  iterations: 10,
  warmupTime: 250,
  warmupIterations: 5,
});

/** The benchmarked tasks, ours first, then the @petamoriken/float16 reference paths. */
export const HALF_TASKS = Object.freeze([
  { name: 'encodeBFloat16', library: '@singd/half', dtype: 'bfloat16', call: 'encodeBFloat16(out, src)' },
  {
    name: 'roundArray bfloat16',
    library: '@singd/half',
    dtype: 'bfloat16',
    call: "roundArray(out, src, 'bfloat16')",
  },
  { name: 'encodeFloat16', library: '@singd/half', dtype: 'float16', call: 'encodeFloat16(out, src)' },
  {
    name: 'roundArray float16',
    library: '@singd/half',
    dtype: 'float16',
    call: "roundArray(out, src, 'float16')",
  },
  { name: 'Float16Array set', library: '@petamoriken/float16', dtype: 'float16', call: 'f16array.set(src)' },
  {
    name: 'f16round loop',
    library: '@petamoriken/float16',
    dtype: 'float16',
    call: 'out[i] = f16round(src[i])',
  },
] as const satisfies readonly HalfTaskInfo[]);

/** What a benchmarked task is: its name, library, target format and the call it times. */
export interface HalfTaskInfo {
  readonly name: string;
  readonly library: '@singd/half' | '@petamoriken/float16';
  readonly dtype: HalfDType;
  /** The timed expression, for reports. */
  readonly call: string;
}

/** The name of a benchmarked task. */
export type HalfTaskName = (typeof HALF_TASKS)[number]['name'];

/** The reference every speed-up is relative to: @petamoriken/float16's bulk `set` path. */
export const REFERENCE_TASK: HalfTaskName = 'Float16Array set';

/** The measured timing of one task. */
export interface TaskMeasurement extends HalfTaskInfo {
  /** Median time of one call (all `length` values), in milliseconds. */
  readonly medianMs: number;
  /** Mean time of one call, in milliseconds. */
  readonly meanMs: number;
  /** Relative margin of error of the mean, in percent. */
  readonly rme: number;
  /** Timed calls. */
  readonly samples: number;
  /** Millions of values rounded per second, from the median: `length / medianMs / 1000`. */
  readonly megaValuesPerSecond: number;
  /** How many times faster than {@link REFERENCE_TASK} (its median / this median). */
  readonly speedupVsReference: number;
}

/** A performance target of the issue, measured on this run. */
export interface TargetCheck {
  /** What is required, in words (`encodeFloat16 ≥ 60 M values/s`). */
  readonly description: string;
  readonly task: HalfTaskName;
  readonly metric: 'M values/s' | 'speed-up vs Float16Array set';
  readonly required: number;
  readonly measured: number;
  readonly pass: boolean;
}

/** The performance targets: [task, metric, minimum]. */
const TARGETS: readonly (readonly [HalfTaskName, TargetCheck['metric'], number])[] = [
  ['encodeBFloat16', 'M values/s', 150],
  ['roundArray bfloat16', 'M values/s', 150],
  ['encodeFloat16', 'M values/s', 60],
  ['roundArray float16', 'M values/s', 60],
  ['encodeFloat16', 'speed-up vs Float16Array set', 1.5],
  ['roundArray float16', 'speed-up vs Float16Array set', 1.5],
];

/** What the correctness cross-check compared before any timing. */
export interface CrossCheckReport {
  /** Values compared per check. */
  readonly values: number;
  /** The comparisons made; each matched on every value. */
  readonly checks: readonly string[];
}

/** The full result of a benchmark run: settings, machine, cross-check, timings and targets. */
export interface HalfBenchmarkResult {
  readonly benchmark: 'half-rounding';
  /** When the run finished (ISO 8601). */
  readonly date: string;
  readonly machine: MachineInfo;
  readonly options: HalfBenchmarkOptions;
  readonly crossCheck: CrossCheckReport;
  readonly tasks: readonly TaskMeasurement[];
  readonly targets: readonly TargetCheck[];
}

/** A disagreement between two rounding implementations; the benchmark refuses to time them. */
export class CrossCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrossCheckError';
  }
}

function isNaNFloat16Bits(bits: number): boolean {
  return (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
}

function sameValue(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

function hex(bits: number): string {
  return `0x${bits.toString(16).padStart(4, '0')}`;
}

/**
 * Compares `n` results of two implementations; throws a {@link CrossCheckError} naming the
 * number of differences and the first one. `describe(i)` formats the pair at index `i`.
 */
function compareAll(
  check: string,
  n: number,
  equal: (i: number) => boolean,
  describe: (i: number) => string,
): void {
  let mismatches = 0;
  let first = -1;
  for (let i = 0; i < n; i++) {
    if (!equal(i)) {
      mismatches++;
      if (first < 0) first = i;
    }
  }
  if (mismatches > 0) {
    throw new CrossCheckError(
      `cross-check '${check}' failed: ${mismatches} of ${n} values differ; first at index ${first}: ${describe(first)}`,
    );
  }
}

/**
 * Checks, before any timing, that every benchmarked path rounds `src` identically:
 *
 * - `encodeFloat16` bits equal @petamoriken/float16 `Float16Array#set` bits (read through a
 *   `Uint16Array` over its buffer; NaN payloads are not compared, only NaN-ness);
 * - `roundArray(…, 'float16')` equals the decoded bits and the `f16round` loop;
 * - `encodeBFloat16` bits equal the scalar `toBFloat16Bits`, and `roundArray(…, 'bfloat16')`
 *   equals the decoded bits.
 *
 * Cost: O(n) plus one scalar call per value.
 * @throws CrossCheckError at the first comparison that fails.
 */
export function crossCheckHalfRounding(src: Float32Array): CrossCheckReport {
  const n = src.length;
  const ours16 = encodeFloat16(null, src);
  const theirs = new Float16Array(n);
  theirs.set(src);
  const theirs16 = new Uint16Array(theirs.buffer, theirs.byteOffset, theirs.length);
  compareAll(
    'encodeFloat16 = @petamoriken/float16 Float16Array#set',
    n,
    (i) => ours16[i] === theirs16[i] || (isNaNFloat16Bits(ours16[i]!) && isNaNFloat16Bits(theirs16[i]!)),
    (i) => `value ${src[i]}: ours ${hex(ours16[i]!)}, @petamoriken/float16 ${hex(theirs16[i]!)}`,
  );

  const rounded16 = roundArray(null, src, 'float16');
  const decoded16 = decodeFloat16(null, ours16);
  compareAll(
    'roundArray(float16) = decodeFloat16(encodeFloat16)',
    n,
    (i) => sameValue(rounded16[i]!, decoded16[i]!),
    (i) => `value ${src[i]}: roundArray ${rounded16[i]}, decoded ${decoded16[i]}`,
  );
  compareAll(
    'roundArray(float16) = @petamoriken/float16 f16round',
    n,
    (i) => sameValue(rounded16[i]!, f16round(src[i]!)),
    (i) => `value ${src[i]}: ours ${rounded16[i]}, f16round ${f16round(src[i]!)}`,
  );

  const oursBf16 = encodeBFloat16(null, src);
  compareAll(
    'encodeBFloat16 = toBFloat16Bits',
    n,
    (i) => oursBf16[i] === toBFloat16Bits(src[i]!),
    (i) =>
      `value ${src[i]}: encodeBFloat16 ${hex(oursBf16[i]!)}, toBFloat16Bits ${hex(toBFloat16Bits(src[i]!))}`,
  );
  const roundedBf16 = roundArray(null, src, 'bfloat16');
  const decodedBf16 = decodeBFloat16(null, oursBf16);
  compareAll(
    'roundArray(bfloat16) = decodeBFloat16(encodeBFloat16)',
    n,
    (i) => sameValue(roundedBf16[i]!, decodedBf16[i]!),
    (i) => `value ${src[i]}: roundArray ${roundedBf16[i]}, decoded ${decodedBf16[i]}`,
  );
  return {
    values: n,
    checks: [
      'encodeFloat16 bits = @petamoriken/float16 Float16Array#set bits (NaN = NaN)',
      'roundArray(float16) = decodeFloat16(encodeFloat16)',
      'roundArray(float16) = @petamoriken/float16 f16round',
      'encodeBFloat16 = toBFloat16Bits (scalar)',
      'roundArray(bfloat16) = decodeBFloat16(encodeBFloat16)',
    ],
  };
}

/** The timed function of each task, over preallocated outputs (nothing allocates per call). */
function taskFunctions(src: Float32Array): Record<HalfTaskName, () => void> {
  const n = src.length;
  const bits = new Uint16Array(n);
  const values = new Float32Array(n);
  const f16array = new Float16Array(n);
  return {
    encodeBFloat16: () => void encodeBFloat16(bits, src),
    'roundArray bfloat16': () => void roundArray(values, src, 'bfloat16'),
    encodeFloat16: () => void encodeFloat16(bits, src),
    'roundArray float16': () => void roundArray(values, src, 'float16'),
    'Float16Array set': () => f16array.set(src),
    'f16round loop': () => {
      for (let i = 0; i < n; i++) values[i] = f16round(src[i]!);
    },
  };
}

/** Checks every target of the issue against `tasks`. */
export function evaluateTargets(tasks: readonly TaskMeasurement[]): TargetCheck[] {
  return TARGETS.map(([task, metric, required]) => {
    const measurement = tasks.find((t) => t.name === task);
    if (measurement === undefined) throw new RangeError(`no measurement for task '${task}'`);
    const measured =
      metric === 'M values/s' ? measurement.megaValuesPerSecond : measurement.speedupVsReference;
    const unit = metric === 'M values/s' ? ' M values/s' : `× ${REFERENCE_TASK}`;
    return {
      description: `${task} ≥ ${required}${unit}`,
      task,
      metric,
      required,
      measured,
      pass: measured >= required,
    };
  });
}

/**
 * Runs the rounding benchmark: builds the input ({@link halfBenchmarkInput}), cross-checks
 * every path ({@link crossCheckHalfRounding}), then times each task in {@link HALF_TASKS}
 * with tinybench in one run and derives throughput, speed-ups and the target checks.
 *
 * @param onProgress - called with a short line as each phase or task finishes.
 * @throws CrossCheckError when two implementations disagree; Error when a task fails.
 */
export async function runHalfBenchmark(
  options: Partial<HalfBenchmarkOptions> = {},
  onProgress: (line: string) => void = () => {},
): Promise<HalfBenchmarkResult> {
  const settings: HalfBenchmarkOptions = { ...DEFAULT_HALF_BENCHMARK_OPTIONS, ...options };
  const src = halfBenchmarkInput(settings.length, settings.seed);
  const crossCheck = crossCheckHalfRounding(src);
  onProgress(`cross-check passed on ${settings.length} values (${crossCheck.checks.length} comparisons)`);

  const bench = new Bench({
    name: 'half-rounding',
    time: settings.time,
    iterations: settings.iterations,
    warmupTime: settings.warmupTime,
    warmupIterations: settings.warmupIterations,
    throws: true,
  });
  const functions = taskFunctions(src);
  for (const task of HALF_TASKS) bench.add(task.name, functions[task.name], { async: false });
  bench.addEventListener('cycle', (event) => onProgress(`timed ${event.task.name}`));
  await bench.run();

  const timings = HALF_TASKS.map((info) => {
    const result = bench.getTask(info.name)?.result;
    if (
      result === undefined ||
      (result.state !== 'completed' && result.state !== 'aborted-with-statistics')
    ) {
      throw new Error(`task '${info.name}' did not complete (state ${result?.state ?? 'missing'})`);
    }
    return { info, latency: result.latency };
  });
  const referenceMedian = timings.find((t) => t.info.name === REFERENCE_TASK)!.latency.p50;
  const tasks: TaskMeasurement[] = timings.map(({ info, latency }) => ({
    ...info,
    medianMs: latency.p50,
    meanMs: latency.mean,
    rme: latency.rme,
    samples: latency.samplesCount,
    megaValuesPerSecond: settings.length / latency.p50 / 1000,
    speedupVsReference: referenceMedian / latency.p50,
  }));
  return {
    benchmark: 'half-rounding',
    date: new Date().toISOString(),
    machine: machineInfo(),
    options: settings,
    crossCheck,
    tasks,
    targets: evaluateTargets(tasks),
  };
}
