import {
  checkKfacApproximation,
  checkLinearLayer,
  checkLossAverage,
  type KfacApproximation,
  type LinearLayer,
  type LossAverage,
  processLinearInputs,
  processLinearOutputGradients,
  type Tensor,
} from '@singd/kron-curvature';
import type { StructuredMatrix } from '@singd/structured-matrix';
import { accumulateCapture } from '../preconditioner/capture.js';
import { initLayerState, type SingdLayerState } from '../preconditioner/layer-state.js';
import { naturalGradient } from '../preconditioner/natural-gradient.js';
import {
  type ResolvedSingdPreconditionerOptions,
  resolveSingdPreconditionerOptions,
  type SingdPreconditionerOptions,
} from '../preconditioner/options.js';
import { updatePreconditioner } from '../preconditioner/update.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { type ChainState, chain } from '../transforms/chain.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';
import { trace } from '../transforms/trace.js';

/** Options of {@link Singd}: the E3 hyper-parameters, the capture processing and the preconditioner's. */
export interface SingdOptions extends SingdPreconditionerOptions {
  /** Learning rate β2, default 1e-3; finite and ≥ 0. */
  readonly lr?: number;
  /** Heavy-ball momentum α2, default 0.9; in [0, 1). */
  readonly momentum?: number;
  /** Weight decay γ, default 0; finite and ≥ 0. */
  readonly weightDecay?: number;
  /** Preconditioner update frequency T, default 10; an integer ≥ 1. */
  readonly T?: number;
  /** KFAC approximation of the captures, default 'expand'. */
  readonly approximation?: KfacApproximation;
  /** Loss averaging of the captures, default 'batch'. */
  readonly lossAverage?: LossAverage;
}

/** Parameters (or gradients) of one Linear layer: W (outFeatures × inFeatures, row-major) and b. */
export interface LinearParams {
  readonly weight: Float64Array;
  readonly bias?: Float64Array;
}

/** The outcome of {@link Singd.step}. */
export type SingdStepResult =
  | { readonly skipped: false; readonly params: Record<string, LinearParams> }
  | { readonly skipped: true; readonly reason: string };

/** Bytes of one layer's state (see {@link Singd.memoryReport}). */
export interface SingdLayerMemory {
  readonly K: number;
  readonly C: number;
  readonly mK: number;
  readonly mC: number;
  readonly momentumBuffer: number;
  /** K + C + mK + mC + momentumBuffer. */
  readonly state: number;
  readonly parameters: number;
}

/** The memory report of {@link Singd.memoryReport}. */
export interface SingdMemoryReport {
  readonly layers: Record<string, SingdLayerMemory>;
  readonly stateBytes: number;
  readonly parameterBytes: number;
  /** stateBytes / (2 × parameterBytes): SINGD's state relative to AdamW's two moment buffers. */
  readonly ratioToAdamW: number;
}

type E3 = ReturnType<typeof makeE3>;
type E3State = ChainState<
  readonly [
    ReturnType<typeof addDecayedWeights>,
    ReturnType<typeof trace>,
    ReturnType<typeof scaleByLearningRate>,
  ]
>;

function makeE3(lr: number, momentum: number, weightDecay: number) {
  return chain(addDecayedWeights(weightDecay), trace(momentum), scaleByLearningRate(lr));
}

interface LayerSlot {
  readonly layer: LinearLayer;
  readonly dK: number;
  readonly dC: number;
  pre: SingdLayerState;
  e3: E3State;
}

function checkRange(name: string, value: unknown, min: number, maxExclusive?: number): number {
  const range =
    maxExclusive === undefined ? `a finite number ≥ ${min}` : `a number in [${min}, ${maxExclusive})`;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (maxExclusive !== undefined && value >= maxExclusive)
  ) {
    throw new RangeError(`${name} must be ${range}; got ${String(value)}`);
  }
  return value;
}

function bytes(m: StructuredMatrix | undefined): number {
  return m === undefined ? 0 : m.storage.byteLength;
}

/**
 * A thin stateful SINGD optimizer for Linear layers described as plain data (spec §2.5):
 * captures on update steps (`steps mod T = 0`), then per layer the preconditioner update (E1),
 * the natural gradient of `[∇W | ∇b]` (E2) and `chain(addDecayedWeights, trace,
 * scaleByLearningRate)` on the flattened `[W | b]` (E3). Non-finite gradients skip the step
 * (the step counter still advances, pending captures are dropped).
 */
export class Singd {
  readonly options: ResolvedSingdPreconditionerOptions;
  readonly T: number;
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly approximation: KfacApproximation;
  readonly lossAverage: LossAverage;
  private readonly e3: E3;
  private readonly slots = new Map<string, LayerSlot>();
  private stepCount = 0;

  constructor(layers: readonly LinearLayer[], options: SingdOptions = {}) {
    if (!Array.isArray(layers) || layers.length === 0) {
      throw new RangeError('layers must be a non-empty array of Linear layers');
    }
    this.lr = checkRange('lr', options.lr ?? 1e-3, 0);
    this.momentum = checkRange('momentum', options.momentum ?? 0.9, 0, 1);
    this.weightDecay = checkRange('weightDecay', options.weightDecay ?? 0, 0);
    const T = options.T ?? 10;
    if (!Number.isInteger(T) || T < 1) throw new RangeError(`T must be an integer ≥ 1; got ${String(T)}`);
    this.T = T;
    this.approximation = checkKfacApproximation(options.approximation ?? 'expand');
    this.lossAverage = checkLossAverage(options.lossAverage === undefined ? 'batch' : options.lossAverage);
    this.options = resolveSingdPreconditionerOptions(options);
    this.e3 = makeE3(this.lr, this.momentum, this.weightDecay);
    for (const raw of layers) {
      const layer = checkLinearLayer(raw);
      if (this.slots.has(layer.name)) throw new RangeError(`duplicate layer name '${layer.name}'`);
      const dK = layer.inFeatures + (layer.bias ? 1 : 0);
      const dC = layer.outFeatures;
      const zeros = { [layer.name]: new Float64Array(dC * dK) };
      this.slots.set(layer.name, {
        layer,
        dK,
        dC,
        pre: initLayerState(dK, dC, this.options),
        e3: this.e3.init(zeros),
      });
    }
  }

  /** The number of steps taken so far (skipped steps included). */
  get steps(): number {
    return this.stepCount;
  }

  /** Whether the next step updates the preconditioner (`steps mod T = 0`). */
  isUpdateStep(): boolean {
    return this.stepCount % this.T === 0;
  }

  /** The current per-layer preconditioner state (immutable matrices). */
  layerState(name: string): SingdLayerState {
    return this.slot(name).pre;
  }

  private slot(name: string): LayerSlot {
    const slot = this.slots.get(name);
    if (slot === undefined) throw new RangeError(`unknown layer '${name}'`);
    return slot;
  }

  /**
   * Processes one capture (input `[N, …, in]`, output gradient `[N, …, out]`) and adds it to
   * the layer's pending curvature.
   * @throws Error when the next step is not an update step; RangeError for bad shapes.
   */
  capture(layerName: string, input: Tensor, outputGrad: Tensor): void {
    const slot = this.slot(layerName);
    if (!this.isUpdateStep()) {
      throw new Error(
        `capture('${layerName}'): step ${this.stepCount} is not an update step (T = ${this.T}); capture only when isUpdateStep()`,
      );
    }
    const a = processLinearInputs(slot.layer, input, {
      approximation: this.approximation,
      dtype: this.options.dtypes.K,
    });
    const g = processLinearOutputGradients(slot.layer, outputGrad, {
      approximation: this.approximation,
      lossAverage: this.lossAverage,
      dtype: this.options.dtypes.C,
    });
    slot.pre = accumulateCapture(slot.pre, a, g);
  }

  private flatten(slot: LayerSlot, p: LinearParams, what: string): Float64Array {
    const { layer, dK, dC } = slot;
    const w = p?.weight;
    const wantW = `[${dC}, ${layer.inFeatures}] (${dC * layer.inFeatures} entries)`;
    if (!(w instanceof Float64Array) || w.length !== dC * layer.inFeatures) {
      throw new RangeError(
        `layer '${layer.name}': ${what} weight has ${w instanceof Float64Array ? `${w.length} entries` : String(w)}; expected ${wantW}`,
      );
    }
    const b = p.bias;
    if (layer.bias) {
      if (!(b instanceof Float64Array) || b.length !== dC) {
        throw new RangeError(
          `layer '${layer.name}': ${what} bias has ${b instanceof Float64Array ? `shape [${b.length}]` : String(b)}; expected shape [${dC}]`,
        );
      }
    } else if (b !== undefined) {
      throw new RangeError(
        `layer '${layer.name}': ${what} has a bias but the layer has none (expected shape [])`,
      );
    }
    const out = new Float64Array(dC * dK);
    for (let i = 0; i < dC; i++) {
      out.set(w.subarray(i * layer.inFeatures, (i + 1) * layer.inFeatures), i * dK);
      if (layer.bias) out[i * dK + layer.inFeatures] = b![i]!;
    }
    return out;
  }

  private unflatten(slot: LayerSlot, flat: Float64Array): LinearParams {
    const { layer, dK, dC } = slot;
    const weight = new Float64Array(dC * layer.inFeatures);
    const bias = layer.bias ? new Float64Array(dC) : undefined;
    for (let i = 0; i < dC; i++) {
      weight.set(flat.subarray(i * dK, i * dK + layer.inFeatures), i * layer.inFeatures);
      if (bias !== undefined) bias[i] = flat[i * dK + layer.inFeatures]!;
    }
    return bias === undefined ? { weight } : { weight, bias };
  }

  /**
   * One optimizer step. Returns new parameters, or `{ skipped: true, reason }` when a gradient
   * holds NaN/±Inf (then only the step counter advances and pending captures are dropped).
   * @throws RangeError naming the layer and both shapes for mismatched params/grads (state untouched).
   */
  step(
    params: Readonly<Record<string, LinearParams>>,
    grads: Readonly<Record<string, LinearParams>>,
  ): SingdStepResult {
    const flatParams = new Map<string, Float64Array>();
    const flatGrads = new Map<string, Float64Array>();
    for (const [name, slot] of this.slots) {
      if (params?.[name] === undefined) throw new RangeError(`layer '${name}': params missing`);
      if (grads?.[name] === undefined) throw new RangeError(`layer '${name}': grads missing`);
      flatParams.set(name, this.flatten(slot, params[name], 'params'));
      flatGrads.set(name, this.flatten(slot, grads[name], 'grads'));
    }
    const update = this.isUpdateStep();
    const step = this.stepCount;
    if (update) {
      // Spec §2.5.E1 pops H_K, H_C on update steps: a layer without a capture would silently
      // keep a stale preconditioner, so that is an error (state untouched).
      for (const [name, slot] of this.slots) {
        if (slot.pre.pendingHK === undefined || slot.pre.pendingHC === undefined) {
          throw new Error(
            `layer '${name}': step ${step} updates the preconditioner (T = ${this.T}) but capture() was not called for it`,
          );
        }
      }
    }
    for (const [name, g] of flatGrads) {
      if (!g.every(Number.isFinite)) {
        this.stepCount++;
        for (const slot of this.slots.values()) {
          const { pendingHK: _k, pendingHC: _c, ...rest } = slot.pre;
          slot.pre = rest;
        }
        return { skipped: true, reason: `non-finite gradient in layer '${name}' at step ${step}` };
      }
    }
    // Compute everything first, commit after, so a throw leaves the state untouched.
    const next = new Map<string, { pre: SingdLayerState; e3: E3State; params: LinearParams }>();
    for (const [name, slot] of this.slots) {
      let pre = slot.pre;
      if (update) {
        pre = updatePreconditioner(pre, this.options, { step });
      }
      const nat = naturalGradient(pre, flatGrads.get(name)!, slot.dC, slot.dK);
      const p = flatParams.get(name)!;
      const r = this.e3.update({ [name]: nat }, slot.e3, { [name]: p });
      const u = r.updates[name]!;
      const np = new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) np[i] = p[i]! + u[i]!;
      next.set(name, { pre, e3: r.state, params: this.unflatten(slot, np) });
    }
    const out: Record<string, LinearParams> = {};
    for (const [name, n] of next) {
      const slot = this.slots.get(name)!;
      slot.pre = n.pre;
      slot.e3 = n.e3;
      out[name] = n.params;
    }
    this.stepCount++;
    return { skipped: false, params: out };
  }

  /** Bytes of K, C, mK, mC (storage byteLength; 0 if absent), momentum buffers and parameters. */
  memoryReport(): SingdMemoryReport {
    const layers: Record<string, SingdLayerMemory> = {};
    let stateBytes = 0;
    let parameterBytes = 0;
    for (const [name, slot] of this.slots) {
      const { K, C, mK, mC } = slot.pre;
      const buffer = slot.e3[1].momentumBuffer[name];
      const momentumBuffer = buffer === undefined ? 0 : buffer.byteLength;
      const entry = {
        K: bytes(K),
        C: bytes(C),
        mK: bytes(mK),
        mC: bytes(mC),
        momentumBuffer,
        state: bytes(K) + bytes(C) + bytes(mK) + bytes(mC) + momentumBuffer,
        parameters: slot.dC * slot.dK * Float64Array.BYTES_PER_ELEMENT,
      };
      layers[name] = entry;
      stateBytes += entry.state;
      parameterBytes += entry.parameters;
    }
    return { layers, stateBytes, parameterBytes, ratioToAdamW: stateBytes / (2 * parameterBytes) };
  }
}
