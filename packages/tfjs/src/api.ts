/**
 * Shared types of `@singd/tfjs`: optimizer specs, trainer options, reports.
 *
 * @module
 */
import type { DType } from '@singd/half';
import type { KfacApproximation, LossAverage } from '@singd/kron-curvature';
import type { AdamWOptions, SgdOptions, SingdOptions } from '@singd/singd';

/**
 * The training loss, named as in TensorFlow.js (`model.compile({ loss })`), always averaged
 * over the batch (`n_terms = N`, spec §1.3):
 *
 * - `'categoricalCrossentropy'`: one-hot (or soft) targets `[N, classes]`, the model outputs
 *   probabilities (a softmax last layer);
 * - `'sparseCategoricalCrossentropy'`: integer class targets `[N]` or `[N, 1]`;
 * - `'meanSquaredError'`: targets of the output's shape, the per-sample loss is the mean over
 *   the output entries.
 */
export type LossName = 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy' | 'meanSquaredError';

/**
 * Which gradients feed the curvature captures `g` (spec §1.2):
 *
 * - `'empirical'`: gradients of the training loss with the true targets (the reference's
 *   choice, one backward pass);
 * - `'monte-carlo'`: gradients of the loss with targets sampled from the model's predictive
 *   distribution (categorical for the cross-entropies, Gaussian for squared error), so that
 *   `E[g gᵀ]` is the generalised Gauss–Newton matrix; costs one extra forward/backward pass on
 *   update steps only.
 */
export type FisherKind = 'empirical' | 'monte-carlo';

/** Options of the KFAC baseline (`KfacPreconditioner` of @singd/kron-curvature plus momentum/lr). */
export interface KfacTrainerOptions {
  /** Learning rate β2, default 1e-3; finite, ≥ 0. */
  readonly lr?: number;
  /** Heavy-ball momentum α2, default 0.9; in [0, 1). */
  readonly momentum?: number;
  /** Weight decay γ added after preconditioning, default 0; finite, ≥ 0. */
  readonly weightDecay?: number;
  /** Damping λ, default 1e-3. */
  readonly damping?: number;
  /** Factor learning rate β1 (number in [0, 1] or schedule), default 1e-2. */
  readonly lrCov?: number | ((step: number) => number);
  /** Factor update period T, default 10. */
  readonly T?: number;
  /** Precision of the factors and solves, default 'float32'. */
  readonly dtype?: DType;
  /** Expand/reduce, default 'expand'. */
  readonly approximation?: KfacApproximation;
  /** Loss averaging of the captures, default 'batch'. */
  readonly lossAverage?: LossAverage;
}

/**
 * Which optimizer trains a set of weights. `'singd'` and `'kfac'` precondition Dense and Conv2D
 * layers (the others go to the fallback); `'adamw'` and `'sgd'` train every weight they get.
 * INGD is `'singd'` with dense structures (the default), IKFAC is `'singd'` with `kfacLike: true`.
 * AdamW's `lr` defaults to 1e-3 and SGD's to 1e-2 when omitted.
 */
export type OptimizerSpec =
  | { readonly kind: 'singd'; readonly options?: SingdOptions }
  | { readonly kind: 'kfac'; readonly options?: KfacTrainerOptions }
  | { readonly kind: 'adamw'; readonly options?: Partial<AdamWOptions> }
  | { readonly kind: 'sgd'; readonly options?: Partial<SgdOptions> };

/** The kinds of {@link OptimizerSpec}. */
export type OptimizerKind = OptimizerSpec['kind'];

/** Options of the `Trainer`. */
export interface TrainerOptions {
  /** The optimizer of the model (SINGD, KFAC, AdamW or SGD). */
  readonly optimizer: OptimizerSpec;
  /**
   * The optimizer of every trainable weight the main optimizer does not precondition
   * (BatchNormalization, LayerNormalization, Embedding, …); `'adamw'` or `'sgd'`.
   * Default `{ kind: 'adamw' }` (lr 1e-3).
   */
  readonly fallback?: OptimizerSpec;
  /** The training loss. */
  readonly loss: LossName;
  /** Default `'empirical'`. */
  readonly fisher?: FisherKind;
  /** Seeds the Monte-Carlo targets and `fit`'s shuffling; an integer, default 0. */
  readonly seed?: number;
  /**
   * What a step does with a NaN/±∞ loss, gradient or capture: `'throw'` (default) throws a
   * `NonFiniteError` naming the weight and leaves everything untouched; `'skip'` advances the
   * step counters without changing weights or optimizer state and records the step in
   * `trainer.skippedSteps`.
   */
  readonly nonFinite?: 'throw' | 'skip';
}

/** Which optimizer trains the weights of one layer (see `Trainer.assignments`). */
export interface LayerAssignment {
  /** The layer's name (`layer.name`). */
  readonly layer: string;
  /** The layer's class (`layer.getClassName()`), e.g. `'Dense'`, `'BatchNormalization'`. */
  readonly layerClass: string;
  /** The names of its trainable weights (`LayerVariable.name`). */
  readonly weights: string[];
  /** The optimizer kind: `'singd'`, `'kfac'`, `'adamw'` or `'sgd'`. */
  readonly optimizer: OptimizerKind;
  /** `'main'` for the main optimizer, `'fallback'` for the fallback. */
  readonly role: 'main' | 'fallback';
  /** Whether its gradients are preconditioned with captured curvature (Dense/Conv2D under SINGD/KFAC). */
  readonly preconditioned: boolean;
}

/** Optimizer memory of one layer (see `Trainer.memoryReport`). */
export interface LayerMemory {
  readonly optimizer: OptimizerKind;
  /** Bytes of the typed arrays holding this layer's optimizer state. */
  readonly stateBytes: number;
  /** Bytes of the layer's trainable weights in the optimizers' float64 working copy (8 per entry). */
  readonly parameterBytes: number;
}

/** The optimizer memory of a `Trainer`. */
export interface TrainerMemoryReport {
  /** Σ per-layer state bytes. */
  readonly stateBytes: number;
  /** Σ per-layer parameter bytes (8 per entry, as `Singd.memoryReport` counts them). */
  readonly parameterBytes: number;
  /**
   * stateBytes / (2 × parameterBytes): the state relative to AdamW's two moment buffers in the
   * same float64 working precision (exactly 1 for a model trained by AdamW alone).
   */
  readonly ratioToAdamW: number;
  readonly layers: Readonly<Record<string, LayerMemory>>;
}

/** A step that was skipped because of NaN/±∞ (option `nonFinite: 'skip'`). */
export interface SkippedStep {
  /** The 0-based trainer step. */
  readonly step: number;
  readonly reason: string;
}
