import type { Tensor } from '@singd/kron-curvature';
import { deserializeCheckpoint } from '../checkpoint/deserialize.js';
import { CheckpointError } from '../checkpoint/errors.js';
import { serializeCheckpoint } from '../checkpoint/serialize.js';
import type { SingdLayerState } from '../preconditioner/layer-state.js';
import type { Parameters } from '../transforms/api.js';
import {
  applyLayerUpdate,
  type LayerParams,
  type ResolvedLayer,
  readonlyFlatLayerParams,
  type SingdLayer,
} from './layers.js';
import { type SingdMemoryReport, singdMemoryReport } from './memory.js';
import type { ResolvedSingdLayerOptions, SingdOptions } from './options.js';
import { type SingdOptimizer, type SingdState, type SingdStepOptions, singd } from './singd-optimizer.js';
import { singdStateFromTree, singdStateToTree } from './state-tree.js';

/** Parameters (or gradients) of one layer: `weight` `[outputs, inputs]` row-major and `bias`. */
export type LinearParams = LayerParams;

/** The outcome of {@link Singd.step}. */
export type SingdStepResult =
  | { readonly skipped: false; readonly params: Record<string, LayerParams> }
  | { readonly skipped: true; readonly reason: string };

/**
 * The SINGD optimizer (spec §2.5; INGD with dense structures, IKFAC with `kfacLike: true`) for
 * Linear and Conv2d layers described as plain data: a thin stateful wrapper around the pure
 * {@link singd} functions.
 *
 * Per step `t`: on update steps (`t mod T = 0`, per layer) call {@link capture} with each
 * layer's input and output gradient (several times for micro-batches), then {@link step} with
 * the parameters and gradients. Per layer it updates K, C (E1), forms the natural gradient
 * `C Cᵀ ∇ K Kᵀ` (E2), adds weight decay, momentum and the learning rate (E3).
 *
 * Parameters per layer: `weight` `[outputs, inputs]` row-major — Linear `[outFeatures,
 * inFeatures]`; Conv2d `[outChannels, patchSize]` with the patch features in the layout's
 * unfold order (NCHW `(c, i, j)`, NHWC `(i, j, c)`) — and `bias` `[outputs]` if the layer has one.
 *
 * NaN/±∞ in gradients or captures (a loss-scale overflow) skip the step: the result says why,
 * only the step counter and the loss-scale bookkeeping advance, pending captures are dropped.
 *
 * Cost per step and layer: that of `scaleBySingd` (`O(d_C·d_K·(d_K + d_C))` with dense factors,
 * less with structured ones) plus `O(d_C·d_K)` for the E3 update and the (un)flattening of
 * `[W | b]` (no copy of the inputs for a layer without bias). State: K, C, m_K, m_C in their structures and dtypes, one float64 momentum buffer
 * per layer (see {@link memoryReport}).
 *
 * @example
 * ```ts
 * const opt = new Singd([{ name: 'fc', inFeatures: 4, outFeatures: 2, bias: true }], { lr: 0.1, T: 1 });
 * if (opt.isUpdateStep()) opt.capture('fc', input, outputGrad); // [N, 4], [N, 2]
 * const r = opt.step({ fc: params }, { fc: grads });
 * if (!r.skipped) params = r.params['fc'];
 * ```
 */
export class Singd {
  /** The pure optimizer this class wraps. */
  readonly optimizer: SingdOptimizer;
  /** Warnings from the options (e.g. kfacLike forcing alpha1 = 0) and from steps (loss scale at step 0 with initGradScale 1). */
  readonly warnings: string[];
  private state: SingdState;
  private readonly byName: Map<string, ResolvedLayer>;

  /**
   * @throws RangeError naming the option and its valid range for invalid options, duplicate
   *   layer names or overrides of unknown layers; TypeError for malformed layers.
   */
  constructor(layers: readonly SingdLayer[], options: SingdOptions = {}) {
    this.optimizer = singd(layers, options);
    this.warnings = [...this.optimizer.options.warnings];
    this.byName = new Map(this.optimizer.layers.map((l) => [l.name, l]));
    const zeros: Record<string, Float64Array> = {};
    for (const l of this.optimizer.layers) zeros[l.name] = new Float64Array(l.dC * l.dK);
    this.state = this.optimizer.init(zeros);
  }

  /** The number of steps taken so far (skipped steps included). */
  get steps(): number {
    return this.state[0].step;
  }

  /** The loss scale `s_{t−1}` of the last step (initGradScale before the first), by which captures are un-scaled. */
  get previousGradScale(): number {
    return this.state[0].previousGradScale;
  }

  /** The resolved options of a layer. */
  layerOptions(name: string): ResolvedSingdLayerOptions {
    this.layer(name);
    return this.optimizer.options.layers.get(name)!;
  }

  /** Whether the next step updates `layerName`'s preconditioner (`steps mod T = 0`); without a name, any layer's. */
  isUpdateStep(layerName?: string): boolean {
    return this.optimizer.isUpdateStep(this.state, layerName);
  }

  /** The current per-layer preconditioner state (immutable matrices). */
  layerState(name: string): SingdLayerState {
    this.layer(name);
    return this.state[0].layers[name]!;
  }

  /** The whole state (pure-core form; immutable). */
  get currentState(): SingdState {
    return this.state;
  }

  private layer(name: string): ResolvedLayer {
    const layer = this.byName.get(name);
    if (layer === undefined) {
      throw new RangeError(
        `unknown layer '${name}'; layers: ${[...this.byName.keys()].map((n) => `'${n}'`).join(', ')}`,
      );
    }
    return layer;
  }

  /**
   * Adds one capture of `layerName` to its pending curvature (spec §2.5.C). Linear: input
   * `[N, …, inFeatures]`, output gradient `[N, …, outFeatures]`; Conv2d: input and output
   * gradient images in the layer's layout. Several calls before one {@link step} accumulate
   * (micro-batches: pass gradients of the full batch's mean loss). A capture with NaN/±∞ is
   * not added and makes the next {@link step} skip.
   * @throws Error when the layer's preconditioner is not updated at this step; RangeError
   *   naming the layer and both shapes for mismatched tensors. The state is then unchanged.
   */
  capture(layerName: string, input: Tensor, outputGrad: Tensor): void {
    this.layer(layerName);
    this.state = this.optimizer.capture(this.state, layerName, input, outputGrad);
  }

  /**
   * One optimizer step. Returns the new parameters, or `{ skipped: true, reason }` when a
   * gradient or capture holds NaN/±∞ (e.g. a loss-scale overflow) or the preconditioner
   * update overflows: then only the step counter and the loss-scale bookkeeping advance and
   * the pending captures are dropped (spec §2.5.D.2).
   * @throws RangeError naming the layer and both shapes for mismatched params/grads, or a bad
   *   gradScale; Error for an update step without a capture. The state is then unchanged.
   */
  step(
    params: Readonly<Record<string, LayerParams>>,
    grads: Readonly<Record<string, LayerParams>>,
    options: SingdStepOptions = {},
  ): SingdStepResult {
    for (const [what, values] of [
      ['params', params],
      ['grads', grads],
    ] as const) {
      for (const name of Object.keys(values ?? {})) {
        if (!this.byName.has(name)) {
          throw new RangeError(
            `${what} has an entry for unknown layer '${name}'; layers: ${[...this.byName.keys()].map((n) => `'${n}'`).join(', ')} (train other parameters with a second optimizer)`,
          );
        }
      }
    }
    const flatParams: Record<string, Float64Array> = {};
    const flatGrads: Record<string, Float64Array> = {};
    for (const layer of this.optimizer.layers) {
      // Read-only views: the pure step never writes into its inputs.
      flatParams[layer.name] = readonlyFlatLayerParams(layer, params?.[layer.name] as LayerParams, 'params');
      flatGrads[layer.name] = readonlyFlatLayerParams(layer, grads?.[layer.name] as LayerParams, 'grads');
    }
    const gradScale = options.gradScale ?? 1;
    const outcome = this.optimizer.step(this.state, flatGrads as Parameters, flatParams as Parameters, {
      gradScale,
    });
    if (this.state[0].step === 0 && gradScale !== 1 && this.optimizer.options.initGradScale === 1) {
      this.warnings.push(
        `step 0 has loss scale ${gradScale} but initGradScale is 1: the first capture was not un-scaled; pass initGradScale`,
      );
    }
    this.state = outcome.state;
    if (outcome.skipped) return { skipped: true, reason: outcome.reason };
    const out: Record<string, LayerParams> = {};
    for (const layer of this.optimizer.layers) {
      out[layer.name] = applyLayerUpdate(layer, flatParams[layer.name]!, outcome.updates[layer.name]!);
    }
    return { skipped: false, params: out };
  }

  /**
   * Bytes per layer of K, C, m_K, m_C and the momentum buffer, with totals and the ratio to
   * AdamW's two moment buffers. Cost O(#layers).
   */
  memoryReport(): SingdMemoryReport {
    return singdMemoryReport(this.optimizer.layers, this.state);
  }

  /**
   * The whole optimizer state (steps, loss scales, K, C, m_K, m_C, pending H's, momentum
   * buffers, options) in the versioned checkpoint format; half dtypes stay 16-bit.
   * Cost O(state bytes).
   */
  saveCheckpoint(): Uint8Array {
    return serializeCheckpoint(singdStateToTree(this.optimizer, this.state));
  }

  /**
   * Restores a checkpoint written by {@link saveCheckpoint} of an optimizer with the same
   * layers and options; training then continues bit-identically.
   * @throws CheckpointError — bad magic, version, truncation, checksum, corrupt header, or
   *   `'mismatch'` listing every difference (layer names, shapes, structures, dtypes,
   *   options); the running state is then unchanged.
   */
  loadCheckpoint(bytes: Uint8Array): void {
    if (!(bytes instanceof Uint8Array)) {
      throw new CheckpointError(
        'corrupt-header',
        'loadCheckpoint expects the Uint8Array of saveCheckpoint()',
      );
    }
    const tree = deserializeCheckpoint(bytes);
    this.state = singdStateFromTree(this.optimizer, this.state, tree);
  }
}
