import type { DatasetName } from './data-load.js';
import type { ModelName } from './models-names.js';
import type { OptimizerName, Precision } from './train-optimizers.js';

/** The TensorFlow.js backends `singd-bench train` can use (`auto` picks per model). */
export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu'] as const;

/** One of {@link BACKEND_CHOICES}. */
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** Everything that defines one training comparison (the options of `singd-bench train`). */
export interface ComparisonSettings {
  readonly dataset: DatasetName;
  readonly model: ModelName;
  /** Optimizers to compare, in table order. */
  readonly optimizers: readonly OptimizerName[];
  /** Precisions of the optimizer state to run. */
  readonly precisions: readonly Precision[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainSize: number;
  readonly testSize: number;
  /** One run per seed (model initialisation and batch order) for each optimizer × precision. */
  readonly seeds: readonly number[];
  /** Seed of the train/test split (the same for every run). */
  readonly dataSeed: number;
  /** Test-set evaluations per epoch (plus one before training). */
  readonly evaluationsPerEpoch: number;
  readonly backend: BackendChoice;
}

/**
 * The default comparison — what `singd-bench main` (the README's `pnpm start`) runs: the MLP
 * (784-256-256-10) on MNIST with SINGD (diagonal, hierarchical, dense), KFAC and AdamW, the
 * first four in float32 and in bfloat16 (AdamW has no bfloat16 state option; it runs in
 * float32 only), one seed; one epoch of 62 steps (8,000 images, batch 128) so that the nine
 * runs fit in a few minutes on 2 cores (KFAC's dense 785 × 785 solves dominate).
 */
export const DEFAULT_COMPARISON: ComparisonSettings = Object.freeze({
  dataset: 'mnist',
  model: 'mlp',
  optimizers: Object.freeze([
    'singd-diagonal',
    'singd-hierarchical',
    'singd-dense',
    'kfac',
    'adamw',
  ] as const),
  precisions: Object.freeze(['float32', 'bfloat16'] as const),
  epochs: 1,
  batchSize: 128,
  trainSize: 8000,
  testSize: 2000,
  seeds: Object.freeze([1]),
  dataSeed: 1,
  evaluationsPerEpoch: 4,
  backend: 'auto',
});
