import type { OptimizerSpec } from '@singd/tfjs';

/**
 * The optimizers `singd-bench train` compares, by name: SINGD with each structure that SINGD
 * offers (same structure for K and C), INGD, IKFAC, the KFAC baseline, AdamW and SGD with
 * momentum.
 */
export const OPTIMIZER_NAMES = [
  'singd-diagonal',
  'singd-block-diagonal',
  'singd-hierarchical',
  'singd-dense',
  'singd-lower-toeplitz',
  'singd-upper-toeplitz',
  'singd-lower-triangular',
  'singd-upper-triangular',
  'ingd',
  'ikfac',
  'kfac',
  'adamw',
  'sgd',
] as const;

/** One of {@link OPTIMIZER_NAMES}. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** The precisions of the optimizer state `singd-bench train` runs. */
export const PRECISIONS = ['float32', 'bfloat16'] as const;

/** One of {@link PRECISIONS}. */
export type Precision = (typeof PRECISIONS)[number];

/**
 * The hyper-parameters of the comparison: the same for every seed, precision, data set and
 * model. They were picked by a small sweep on MNIST / MLP (4,000 training images, 2 epochs of
 * batch 128 = 62 steps, seed 1, float32; test accuracy on 1,000 images):
 *
 * - SINGD family (one set for every structure): lr 0.1, damping 1, lrCov 0.3, T 2 (91.3 %);
 *   smaller damping diverged or trained worse (λ = 1e-3: K non-finite; λ = 0.01, lr 0.003:
 *   89.2 %; λ = 0.1, lr 0.03: 89.5 %), lrCov 0.01 left K ≈ I (SGD-like, 84.9 %). Momentum 0.9,
 *   α1 0.5 (IKFAC: 0), weight decay 1e-4 are the spec's defaults apart from the decay.
 * - KFAC: the same numbers (lr 0.1, damping 1 added to each factor, lrCov 0.3, T 2; 90.8 %).
 * - AdamW: the best of lr 1e-3 (90.2 %), 3e-3 (92.2 %) and 1e-2 (92.6 %): 1e-2, β = (0.9, 0.999),
 *   weight decay 1e-4.
 * - SGD: lr 0.1, momentum 0.9 (91.2 %; not swept).
 */
export const HYPER_PARAMETERS: HyperParameters = Object.freeze({
  singd: Object.freeze({
    lr: 0.1,
    momentum: 0.9,
    weightDecay: 1e-4,
    damping: 1,
    alpha1: 0.5,
    lrCov: 0.3,
    T: 2,
  }),
  kfac: Object.freeze({ lr: 0.1, momentum: 0.9, weightDecay: 1e-4, damping: 1, lrCov: 0.3, T: 2 }),
  adamw: Object.freeze({ lr: 0.01, weightDecay: 1e-4 }),
  sgd: Object.freeze({ lr: 0.1, momentum: 0.9, weightDecay: 1e-4 }),
});

/** Hyper-parameters per optimizer family (the shape of {@link HYPER_PARAMETERS}). */
export interface HyperParameters {
  readonly singd: {
    readonly lr: number;
    readonly momentum: number;
    readonly weightDecay: number;
    readonly damping: number;
    readonly alpha1: number;
    readonly lrCov: number;
    readonly T: number;
  };
  readonly kfac: {
    readonly lr: number;
    readonly momentum: number;
    readonly weightDecay: number;
    readonly damping: number;
    readonly lrCov: number;
    readonly T: number;
  };
  readonly adamw: { readonly lr: number; readonly weightDecay: number };
  readonly sgd: { readonly lr: number; readonly momentum: number; readonly weightDecay: number };
}

/** Whether optimizer `name` has a bfloat16 variant (low-precision preconditioner state). */
export function hasBfloat16Variant(name: OptimizerName): boolean {
  return name !== 'adamw' && name !== 'sgd';
}

type SingdStructure = NonNullable<
  NonNullable<Extract<OptimizerSpec, { kind: 'singd' }>['options']>['structures']
>['K'];

function structureOf(name: OptimizerName): SingdStructure {
  switch (name) {
    case 'singd-diagonal':
      return { kind: 'diagonal' };
    case 'singd-block-diagonal':
      return { kind: 'block-diagonal', blockSize: 30 };
    case 'singd-hierarchical':
      return { kind: 'hierarchical', k1: 15, k2: 15 };
    case 'singd-lower-toeplitz':
      return { kind: 'lower-toeplitz' };
    case 'singd-upper-toeplitz':
      return { kind: 'upper-toeplitz' };
    case 'singd-lower-triangular':
      return { kind: 'lower-triangular' };
    case 'singd-upper-triangular':
      return { kind: 'upper-triangular' };
    default:
      return { kind: 'dense' };
  }
}

/**
 * The `Trainer` optimizer spec of `name` at `precision`. bfloat16 means: SINGD's K, m_K, C, m_C
 * stored and updated in (emulated) bfloat16 (`dtypes: { K: 'bfloat16', C: 'bfloat16' }`), KFAC's
 * factors, Cholesky factors and solves in bfloat16 (`dtype: 'bfloat16'`); the model weights,
 * activations and gradients stay float32, and momentum buffers keep the optimizer's own precision.
 *
 * @throws RangeError for AdamW or SGD in bfloat16 (they have no low-precision state option).
 */
export function optimizerSpec(
  name: OptimizerName,
  precision: Precision,
  hyper: HyperParameters = HYPER_PARAMETERS,
): OptimizerSpec {
  if (precision === 'bfloat16' && !hasBfloat16Variant(name)) {
    throw new RangeError(`optimizer '${name}' has no bfloat16 variant; valid precisions for it: float32`);
  }
  const dtype = precision;
  const singd = Object.freeze({ ...hyper.singd });
  switch (name) {
    case 'adamw':
      return { kind: 'adamw', options: { ...hyper.adamw } };
    case 'sgd':
      return { kind: 'sgd', options: { ...hyper.sgd } };
    case 'kfac':
      return { kind: 'kfac', options: { ...hyper.kfac, dtype } };
    case 'ikfac':
      return {
        kind: 'singd',
        options: { ...singd, alpha1: 0, kfacLike: true, dtypes: { K: dtype, C: dtype } },
      };
    default: {
      const structure = structureOf(name);
      return {
        kind: 'singd',
        options: { ...singd, structures: { K: structure, C: structure }, dtypes: { K: dtype, C: dtype } },
      };
    }
  }
}

/** A short human description of optimizer `name` (for reports and `--help`). */
export function describeOptimizer(name: OptimizerName): string {
  switch (name) {
    case 'ingd':
      return 'INGD = SINGD with dense K and C (α1 = 0.5)';
    case 'ikfac':
      return 'IKFAC = SINGD with kfacLike (dense K, C; α1 = 0)';
    case 'kfac':
      return 'KFAC (damped Kronecker factors, Cholesky solves)';
    case 'adamw':
      return 'AdamW';
    case 'sgd':
      return 'SGD with heavy-ball momentum';
    default: {
      const s = structureOf(name);
      const detail =
        s.kind === 'block-diagonal'
          ? ` (B = ${s.blockSize})`
          : s.kind === 'hierarchical'
            ? ` (${s.k1}, ${s.k2})`
            : '';
      return `SINGD, ${s.kind}${detail} K and C`;
    }
  }
}
