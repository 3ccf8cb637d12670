import type { MachineInfo } from './machine-info.js';

/** The models of the TensorFlow.js step benchmark. */
export const TFJS_STEP_MODELS = Object.freeze(['mlp', 'cnn'] as const);

/** A model of the TensorFlow.js step benchmark. */
export type TfjsStepModel = (typeof TFJS_STEP_MODELS)[number];

/** The optimizers timed against TensorFlow.js's Adam, in table order. */
export const TFJS_STEP_OPTIMIZERS = Object.freeze([
  'singd-diagonal',
  'singd-block-diagonal',
  'singd-hierarchical',
  'singd-dense',
  'kfac',
] as const);

/** An optimizer of the TensorFlow.js step benchmark (besides the Adam baseline). */
export type TfjsStepOptimizer = (typeof TFJS_STEP_OPTIMIZERS)[number];

/** The optimizers held to the ≤ 1.5× Adam target (dense SINGD and KFAC are only reported). */
export const TFJS_STEP_TARGET_OPTIMIZERS: readonly TfjsStepOptimizer[] = Object.freeze([
  'singd-diagonal',
  'singd-block-diagonal',
  'singd-hierarchical',
]);

/** The target: mean step time ≤ this × tf.train.adam's mean step time (same model, same run). */
export const TFJS_STEP_TARGET_MAX = 1.5;

/** The settings of one run. */
export interface TfjsStepBenchmarkOptions {
  readonly models: readonly TfjsStepModel[];
  readonly optimizers: readonly TfjsStepOptimizer[];
  /** Batch size. */
  readonly batch: number;
  /** The preconditioner update period T of SINGD and KFAC. */
  readonly period: number;
  /** Timed periods (of T steps) per optimizer and round. */
  readonly periods: number;
  /** Interleaved rounds over the optimizers of one model. */
  readonly rounds: number;
  /** The tfjs backend: `wasm` (the setting) or `cpu`. */
  readonly backend: 'wasm' | 'cpu';
  /** Seed of the weights and data. */
  readonly seed: number;
}

/** The setting: MLP and CNN, batch 128, wasm, T = 10, 4 rounds of 1 period (40 timed steps each). */
export const DEFAULT_TFJS_STEP_OPTIONS: TfjsStepBenchmarkOptions = Object.freeze({
  models: TFJS_STEP_MODELS,
  optimizers: TFJS_STEP_OPTIMIZERS,
  batch: 128,
  period: 10,
  periods: 1,
  rounds: 4,
  backend: 'wasm',
  seed: 1,
});

/** `--quick`: batch 8, T = 2, one round of one period (for tests). */
export const QUICK_TFJS_STEP_OPTIONS: TfjsStepBenchmarkOptions = Object.freeze({
  ...DEFAULT_TFJS_STEP_OPTIONS,
  batch: 8,
  period: 2,
  periods: 1,
  rounds: 1,
});

/** Step times of one optimizer on one model. */
export interface TfjsStepRow {
  readonly model: TfjsStepModel;
  /** An optimizer, or `adam` for the baseline `tf.train.adam`. */
  readonly optimizer: TfjsStepOptimizer | 'adam';
  readonly label: string;
  /** Timed steps (a multiple of T). */
  readonly steps: number;
  /** Mean ms per step over all timed steps (update and non-update steps in their 1 : T−1 proportion). */
  readonly meanMs: number;
  /** The median over the timed periods of each period's mean ms per step (T steps each). */
  readonly periodMedianMs: number;
  /** Each timed period's mean ms per step, in order. */
  readonly periodMeans: readonly number[];
  /** Median ms of the update steps (t mod T = 0); null for Adam. */
  readonly updateMedianMs: number | null;
  /** Median ms of the other steps (Adam: of all steps). */
  readonly nonUpdateMedianMs: number;
  /** periodMedianMs / Adam's periodMedianMs on the same model: the ratio the target is checked on. */
  readonly ratioToAdam: number;
  /** meanMs / Adam's meanMs on the same model. */
  readonly meanRatioToAdam: number;
  /** The loss of the last timed step (finite: the training did not diverge). */
  readonly lastLoss: number;
}

/** One target: mean step ≤ 1.5 × Adam's. */
export interface TfjsStepTarget {
  readonly model: TfjsStepModel;
  readonly optimizer: TfjsStepOptimizer;
  readonly description: string;
  readonly required: number;
  readonly measured: number;
  readonly pass: boolean;
}

/** The full result of a run. */
export interface TfjsStepBenchmarkResult {
  readonly benchmark: 'tfjs-step';
  readonly date: string;
  readonly machine: MachineInfo;
  readonly options: TfjsStepBenchmarkOptions;
  /** The backend tfjs actually ran on (`tf.getBackend()`). */
  readonly backend: string;
  readonly tfjsVersion: string;
  /** Kernels this run registered because the backend lacks them (wasm: Conv2DBackpropFilter). */
  readonly addedKernels: readonly string[];
  /** Each model in words, with its parameter count. */
  readonly models: readonly {
    readonly name: TfjsStepModel;
    readonly description: string;
    readonly parameters: number;
  }[];
  readonly setting: string;
  readonly rows: readonly TfjsStepRow[];
  readonly targets: readonly TfjsStepTarget[];
  readonly elapsedSeconds: number;
}

/** Evaluates the ≤ 1.5× Adam target for the held optimizers present in `rows`. */
export function evaluateTfjsStepTargets(rows: readonly TfjsStepRow[]): TfjsStepTarget[] {
  return rows
    .filter((r): r is TfjsStepRow & { optimizer: TfjsStepOptimizer } =>
      TFJS_STEP_TARGET_OPTIMIZERS.includes(r.optimizer as TfjsStepOptimizer),
    )
    .map((r) => ({
      model: r.model,
      optimizer: r.optimizer,
      description: `${r.label} on the ${r.model.toUpperCase()}: step time ≤ ${TFJS_STEP_TARGET_MAX}× tf.train.adam's`,
      required: TFJS_STEP_TARGET_MAX,
      measured: r.ratioToAdam,
      pass: r.ratioToAdam <= TFJS_STEP_TARGET_MAX,
    }));
}
