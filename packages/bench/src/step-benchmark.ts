import { type LinearLayer, processLinearCapture, type Tensor, tensor } from '@singd/kron-curvature';
import {
  accumulateCapture,
  adamw,
  applyUpdates,
  initLayerState,
  resolveSingdPreconditionerOptions,
  Singd,
  type SingdLayerState,
  updatePreconditioner,
} from '@singd/singd';
import { type MachineInfo, machineInfo } from './machine-info.js';
import { stateBytes } from './memory-state-bytes.js';
import { median, type SampleSummary, summarizeSamples } from './ops-timing.js';
import { seededRandom } from './sample-data.js';
import {
  SLOW_STEP_STRUCTURES,
  STEP_STRUCTURE_NAMES,
  type StepStructureName,
  stepStructure,
} from './step-structures.js';
import {
  type AdamWStepRow,
  evaluateStepTargets,
  type SingdStepRow,
  type StepGrowth,
  type StepTarget,
  stepGrowth,
} from './step-targets.js';

/** The settings of one run of the optimizer-step benchmark. */
export interface StepBenchmarkOptions {
  /** Layer sizes d: one Linear layer d → d without bias (W is d × d), per size. Sorted and deduplicated. */
  readonly sizes: readonly number[];
  /** The SINGD structures (of both K and C) to time. */
  readonly structures: readonly StepStructureName[];
  /** Batch size N of the captures (input N × d, output gradient N × d). */
  readonly batch: number;
  /**
   * The preconditioner update period T. Timed steps come in runs of T from an update step
   * (t mod T = 0) on, so there are T − 1 non-update samples per update sample; the cost of a
   * step does not depend on T.
   */
  readonly period: number;
  /** Time budget per task in milliseconds (all rounds together). */
  readonly time: number;
  /** Interleaved rounds over the tasks of one d; the median pools the samples of all rounds. */
  readonly rounds: number;
  /** Timed units per task at least (a unit: one AdamW step, or T SINGD steps from an update step). */
  readonly minSamples: number;
  /** Timed units per task and round at most. */
  readonly maxSamples: number;
  /**
   * From this d on, the slow structures ({@link SLOW_STEP_STRUCTURES}: one step is O(d³),
   * seconds at d = 2048 and about 8× that at d = 4096 on 2 cores) get exactly `slowSamples`
   * timed units and no warm-up (the code is already compiled at smaller d).
   */
  readonly slowFrom: number;
  /** Timed units of a slow task (see `slowFrom`). */
  readonly slowSamples: number;
  /** Seed of the random weights, gradients and captures. */
  readonly seed: number;
}

/** The setting: d = 512 and 2048, batch 128, every structure, T = 2. */
export const DEFAULT_STEP_BENCHMARK_OPTIONS: StepBenchmarkOptions = Object.freeze({
  sizes: Object.freeze([512, 2048]),
  structures: STEP_STRUCTURE_NAMES,
  batch: 128,
  period: 2,
  time: 1000,
  rounds: 3,
  minSamples: 3,
  maxSamples: 200,
  slowFrom: 4096,
  slowSamples: 1,
  seed: 1,
});

/** `--quick`: small sizes and budgets for tests (every structure, every field, in seconds). */
export const QUICK_STEP_BENCHMARK_OPTIONS: StepBenchmarkOptions = Object.freeze({
  ...DEFAULT_STEP_BENCHMARK_OPTIONS,
  sizes: Object.freeze([48, 96]),
  batch: 8,
  time: 4,
  rounds: 1,
  minSamples: 1,
  maxSamples: 3,
});

/** The full result of a run. */
export interface StepBenchmarkResult {
  readonly benchmark: 'singd-step';
  /** When the run finished (ISO 8601). */
  readonly date: string;
  readonly machine: MachineInfo;
  readonly options: StepBenchmarkOptions;
  /** What is timed, in words (layer, dtypes, hyper-parameters). */
  readonly setting: {
    readonly layer: string;
    readonly preconditionerDtype: 'float32';
    readonly parameterDtype: 'float64';
    readonly singd: string;
    readonly adamw: string;
  };
  readonly structures: readonly {
    readonly name: StepStructureName;
    readonly label: string;
    readonly spec: unknown;
  }[];
  readonly adamw: readonly AdamWStepRow[];
  readonly singd: readonly SingdStepRow[];
  readonly growth: readonly StepGrowth[];
  readonly targets: readonly StepTarget[];
  /** Total wall time of the run, in seconds. */
  readonly elapsedSeconds: number;
}

/** SINGD's hyper-parameters in the benchmark (defaults of spec §2.5.A except T). */
const SINGD_SETTINGS = { lr: 1e-3, momentum: 0.9, damping: 1e-3, alpha1: 0.5, lrCov: 1e-2, weightDecay: 0 };
const ADAMW_SETTINGS = { lr: 1e-3, weightDecay: 0.01 };

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer ≥ ${min}; got ${value}`);
  }
}

/**
 * Fills in defaults, sorts and deduplicates the sizes, orders the structures as in
 * {@link STEP_STRUCTURE_NAMES}.
 * @throws RangeError naming the option and its valid range.
 */
export function normalizeStepOptions(options: Partial<StepBenchmarkOptions> = {}): StepBenchmarkOptions {
  const settings = { ...DEFAULT_STEP_BENCHMARK_OPTIONS, ...options };
  for (const name of settings.structures) stepStructure(name);
  const sizes = [...new Set(settings.sizes)].sort((a, b) => a - b);
  if (sizes.length === 0) throw new RangeError('sizes must name at least one d');
  for (const d of sizes) checkInteger('every size d', d, 1);
  const structures = STEP_STRUCTURE_NAMES.filter((name) => settings.structures.includes(name));
  if (structures.length === 0) throw new RangeError('structures must name at least one structure');
  checkInteger('batch', settings.batch, 1);
  checkInteger('period', settings.period, 2);
  checkInteger('rounds', settings.rounds, 1);
  checkInteger('minSamples', settings.minSamples, 1);
  checkInteger('maxSamples', settings.maxSamples, 1);
  checkInteger('slowSamples', settings.slowSamples, 1);
  checkInteger('slowFrom', settings.slowFrom, 1);
  if (!(settings.time >= 0 && Number.isFinite(settings.time))) {
    throw new RangeError(`time must be a finite number ≥ 0; got ${settings.time}`);
  }
  return { ...settings, sizes, structures };
}

function randomArray(n: number, random: () => number, scale: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * random() - 1) * scale;
  return out;
}

/** A timed task: `unit()` runs (and records) one timed unit and returns its duration in ms. */
interface Task {
  readonly label: string;
  /** No warm-up and exactly `slowSamples` units, all in the first round. */
  readonly slow: boolean;
  readonly unit: () => number;
  /** Units run so far (timed ones only). */
  units: number;
  /** Timed duration so far, in ms. */
  elapsed: number;
  /** Drops every recorded sample (after the warm-up). */
  readonly reset: () => void;
}

/** The inputs shared by every task at one d. */
interface SizeInputs {
  readonly d: number;
  readonly layer: LinearLayer;
  readonly weight: Float64Array;
  readonly gradient: Float64Array;
  readonly input: Tensor;
  readonly outputGradient: Tensor;
}

function makeInputs(d: number, batch: number, random: () => number): SizeInputs {
  return {
    d,
    layer: { name: 'fc', inFeatures: d, outFeatures: d, bias: false },
    weight: randomArray(d * d, random, 1 / Math.sqrt(d)),
    gradient: randomArray(d * d, random, 1e-2),
    input: tensor([batch, d], Float32Array.from(randomArray(batch * d, random, 1))),
    outputGradient: tensor([batch, d], Float32Array.from(randomArray(batch * d, random, 1 / batch))),
  };
}

function timed(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function adamwTask(inputs: SizeInputs, samples: number[]): { task: Task; state: () => unknown } {
  const optimizer = adamw(ADAMW_SETTINGS);
  let params: Record<string, Float64Array> = { fc: inputs.weight };
  let state = optimizer.init(params);
  const grads = { fc: inputs.gradient };
  const task: Task = {
    label: `AdamW d=${inputs.d}`,
    slow: false,
    units: 0,
    elapsed: 0,
    unit: () => {
      const ms = timed(() => {
        const result = optimizer.update(grads, state, params);
        params = applyUpdates(params, result.updates) as Record<string, Float64Array>;
        state = result.state;
      });
      samples.push(ms);
      return ms;
    },
    reset: () => void samples.splice(0),
  };
  return { task, state: () => state };
}

interface SingdSamples {
  readonly update: number[];
  readonly nonUpdate: number[];
  readonly capture: number[];
}

function singdTask(
  inputs: SizeInputs,
  name: StepStructureName,
  settings: StepBenchmarkOptions,
  samples: SingdSamples,
): { task: Task; optimizer: Singd } {
  const { spec } = stepStructure(name);
  const optimizer = new Singd([inputs.layer], {
    ...SINGD_SETTINGS,
    T: settings.period,
    structures: { K: spec, C: spec },
    dtypes: { K: 'float32', C: 'float32' },
  });
  let params = { fc: { weight: inputs.weight } };
  const grads = { fc: { weight: inputs.gradient } };
  const step = (): void => {
    const result = optimizer.step(params, grads);
    if (result.skipped) throw new Error(`SINGD ${name} d=${inputs.d}: step skipped: ${result.reason}`);
    params = result.params as typeof params;
  };
  const task: Task = {
    label: `SINGD ${stepStructure(name).label} d=${inputs.d}`,
    slow: SLOW_STEP_STRUCTURES.includes(name) && inputs.d >= settings.slowFrom,
    units: 0,
    elapsed: 0,
    unit: () => {
      if (!optimizer.isUpdateStep())
        throw new Error(`SINGD ${name}: a timed unit must start at an update step`);
      let total = 0;
      for (let k = 0; k < settings.period; k++) {
        if (k === 0) {
          const start = performance.now();
          optimizer.capture('fc', inputs.input, inputs.outputGradient);
          const captured = performance.now();
          step();
          const end = performance.now();
          samples.capture.push(captured - start);
          samples.update.push(end - start);
          total += end - start;
        } else {
          const ms = timed(step);
          samples.nonUpdate.push(ms);
          total += ms;
        }
      }
      return total;
    },
    reset: () => {
      samples.update.splice(0);
      samples.nonUpdate.splice(0);
      samples.capture.splice(0);
    },
  };
  return { task, optimizer };
}

function preconditionerUpdateTask(
  inputs: SizeInputs,
  name: StepStructureName,
  settings: StepBenchmarkOptions,
  samples: number[],
): Task {
  const { spec, label } = stepStructure(name);
  const options = resolveSingdPreconditionerOptions({
    damping: SINGD_SETTINGS.damping,
    alpha1: SINGD_SETTINGS.alpha1,
    lrCov: SINGD_SETTINGS.lrCov,
    structures: { K: spec, C: spec },
    dtypes: { K: 'float32', C: 'float32' },
  });
  let state: SingdLayerState = initLayerState(inputs.d, inputs.d, options);
  let t = 0;
  const capture = { input: inputs.input, outputGradient: inputs.outputGradient };
  const processing = {
    approximation: 'expand',
    lossAverage: 'batch',
    inputDtype: 'float32',
    outputGradientDtype: 'float32',
  } as const;
  return {
    label: `${label} capture + preconditioner update d=${inputs.d}`,
    slow: SLOW_STEP_STRUCTURES.includes(name) && inputs.d >= settings.slowFrom,
    units: 0,
    elapsed: 0,
    unit: () => {
      const ms = timed(() => {
        const processed = processLinearCapture(inputs.layer, capture, processing);
        const pending = accumulateCapture(state, processed.inputs, processed.outputGradients);
        state = updatePreconditioner(pending, options, { step: t });
        t += settings.period;
      });
      samples.push(ms);
      return ms;
    },
    reset: () => void samples.splice(0),
  };
}

function runTasks(
  tasks: readonly Task[],
  settings: StepBenchmarkOptions,
  onProgress: (line: string) => void,
): void {
  const perRound = {
    time: settings.time / settings.rounds,
    minUnits: Math.ceil(settings.minSamples / settings.rounds),
  };
  for (const task of tasks) {
    if (task.slow) continue;
    // Warm-up: at least one unit, more while it took less than a quarter of the budget.
    let warm = 0;
    let units = 0;
    do {
      warm += task.unit();
      units++;
    } while (warm < settings.time / 4 && units < settings.maxSamples);
    task.reset();
  }
  for (let round = 0; round < settings.rounds; round++) {
    for (const task of tasks) {
      if (task.slow) {
        if (round > 0) continue;
        for (let k = 0; k < settings.slowSamples; k++) {
          task.elapsed += task.unit();
          task.units++;
        }
        onProgress(`${task.label}: ${task.units} timed unit(s) without warm-up (slow structure)`);
        continue;
      }
      let units = 0;
      let elapsed = 0;
      while (units < settings.maxSamples && (units < perRound.minUnits || elapsed < perRound.time)) {
        elapsed += task.unit();
        units++;
      }
      task.units += units;
      task.elapsed += elapsed;
    }
    onProgress(`round ${round + 1}/${settings.rounds} done`);
  }
}

/**
 * Runs the optimizer-step benchmark. For each d (ascending), on one Linear layer d → d without
 * bias (W: d × d float64, a fixed seeded gradient, captures N × d float32):
 *
 * 1. AdamW: `adamw` of `@singd/singd` (`update` + `applyUpdates`) on the same weights and
 *    gradient;
 * 2. per structure, a `Singd` with float32 K, C of that structure and T = `period`: runs of T
 *    steps from an update step — the update step timed as `capture()` + `step()`, the others
 *    as `step()`; the weights are carried from step to step;
 *
 * interleaved in `rounds` rounds over the tasks of that d after a warm-up (slow tasks: see
 * {@link StepBenchmarkOptions.slowFrom}). Then, per structure and d, the update-only work
 * alone (`processLinearCapture`, `accumulateCapture`, `updatePreconditioner` on a carried layer
 * state), interleaved over all sizes in the same rounds so that its growth in d is measured in
 * one window (not for the slow structures at d ≥ `slowFrom`: tens of seconds per call there). Then the state bytes (`memoryReport()` against
 * AdamW's state tree), the ratios to AdamW, the growth from the smallest to the largest d and
 * the targets.
 *
 * @param onProgress - called with a short line as each phase finishes.
 * @throws RangeError for invalid options; Error when a SINGD step is skipped (non-finite numbers).
 */
export async function runStepBenchmark(
  options: Partial<StepBenchmarkOptions> = {},
  onProgress: (line: string) => void = () => {},
): Promise<StepBenchmarkResult> {
  const started = performance.now();
  const settings = normalizeStepOptions(options);
  const random = seededRandom(settings.seed);
  const adamwRows: AdamWStepRow[] = [];
  const singdRows: SingdStepRow[] = [];

  const measured: {
    d: number;
    adamSummary: SampleSummary;
    adamStateBytes: number;
    perStructure: {
      name: StepStructureName;
      samples: SingdSamples;
      work: number[];
      singd: { task: Task; optimizer: Singd };
    }[];
  }[] = [];
  const workTasks: Task[] = [];
  for (const d of settings.sizes) {
    const inputs = makeInputs(d, settings.batch, random);
    const adamwSamples: number[] = [];
    const adam = adamwTask(inputs, adamwSamples);
    const perStructure = settings.structures.map((name) => {
      const samples: SingdSamples = { update: [], nonUpdate: [], capture: [] };
      const work: number[] = [];
      const singd = singdTask(inputs, name, settings, samples);
      const workTask = preconditionerUpdateTask(inputs, name, settings, work);
      if (!workTask.slow) workTasks.push(workTask);
      return { name, samples, work, singd };
    });
    const tasks = [adam.task, ...perStructure.map((s) => s.singd.task)];
    onProgress(
      `d = ${d}: timing AdamW and ${perStructure.length} SINGD steps in ${settings.rounds} round(s)`,
    );
    runTasks(tasks, settings, onProgress);
    const adamSummary = summarizeSamples(adamwSamples);
    measured.push({ d, adamSummary, adamStateBytes: stateBytes(adam.state()), perStructure });
    onProgress(`AdamW d=${d}: ${adamSummary.medianMs.toPrecision(3)} ms (${adamSummary.samples} samples)`);
    for (const s of perStructure) {
      onProgress(
        `${stepStructure(s.name).label} d=${d}: update ${median(s.samples.update).toPrecision(3)} ms, non-update ${median(s.samples.nonUpdate).toPrecision(3)} ms`,
      );
    }
    adamwRows.push({
      d,
      step: adamSummary,
      stateBytes: stateBytes(adam.state()),
      parameterBytes: inputs.weight.byteLength,
      stateToParameters: stateBytes(adam.state()) / inputs.weight.byteLength,
    });
  }
  // The update-only work of every size in the same rounds, so that load from other processes
  // hits all sizes alike and the growth in d is measured in one window.
  onProgress(
    `capture + preconditioner update: timing ${workTasks.length} tasks over all sizes in ${settings.rounds} round(s)`,
  );
  runTasks(workTasks, settings, onProgress);

  for (const { d, adamSummary, adamStateBytes, perStructure } of measured) {
    for (const s of perStructure) {
      const { label } = stepStructure(s.name);
      const report = s.singd.optimizer.memoryReport();
      const layer = report.layers['fc'];
      if (layer === undefined) throw new Error(`memoryReport() of SINGD ${s.name} has no layer 'fc'`);
      const update: SampleSummary = summarizeSamples(s.samples.update);
      const nonUpdate: SampleSummary = summarizeSamples(s.samples.nonUpdate);
      singdRows.push({
        structure: s.name,
        label,
        d,
        update,
        nonUpdate,
        capture: summarizeSamples(s.samples.capture),
        preconditionerUpdate: s.work.length === 0 ? null : summarizeSamples(s.work),
        warmedUp: !s.singd.task.slow,
        updateToAdamW: update.medianMs / adamSummary.medianMs,
        nonUpdateToAdamW: nonUpdate.medianMs / adamSummary.medianMs,
        memory: {
          K: layer.K,
          C: layer.C,
          mK: layer.mK,
          mC: layer.mC,
          momentumBuffer: layer.momentumBuffer,
          stateBytes: report.stateBytes,
          parameterBytes: report.parameterBytes,
          stateToParameters: report.stateBytes / report.parameterBytes,
          reportRatioToAdamW: report.ratioToAdamW,
          ratioToAdamW: report.stateBytes / adamStateBytes,
        },
      });
    }
  }
  const growth = stepGrowth(adamwRows, singdRows);
  return {
    benchmark: 'singd-step',
    date: new Date().toISOString(),
    machine: machineInfo(),
    options: settings,
    setting: {
      layer: `Linear d → d without bias (W: d × d), batch ${settings.batch}`,
      preconditionerDtype: 'float32',
      parameterDtype: 'float64',
      singd: `lr ${SINGD_SETTINGS.lr}, momentum ${SINGD_SETTINGS.momentum}, damping ${SINGD_SETTINGS.damping}, alpha1 ${SINGD_SETTINGS.alpha1}, lrCov ${SINGD_SETTINGS.lrCov}, T ${settings.period}, K and C of the same structure`,
      adamw: `lr ${ADAMW_SETTINGS.lr}, weight decay ${ADAMW_SETTINGS.weightDecay}, β = (0.9, 0.999)`,
    },
    structures: settings.structures.map((name) => {
      const { label, spec } = stepStructure(name);
      return { name, label, spec };
    }),
    adamw: adamwRows,
    singd: singdRows,
    growth,
    targets: evaluateStepTargets(singdRows, growth),
    elapsedSeconds: (performance.now() - started) / 1000,
  };
}
