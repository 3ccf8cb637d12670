/**
 * The layers SINGD preconditions (spec §1.1, §4.1): Linear and Conv2d, described by name and
 * shapes; how their captures are processed and how their parameters map to `W̃ = [W | b]`.
 *
 * @module
 */
import { type DType, describeValue, roundTo } from '@singd/half';
import {
  type Conv2dLayer,
  checkLinearLayer,
  conv2dGeometry,
  formatShape,
  type KfacApproximation,
  type LinearLayer,
  type LossAverage,
  multiIndex,
  type ProcessedCapture,
  processConv2dCapture,
  processLinearCapture,
  type Tensor,
} from '@singd/kron-curvature';

/**
 * A layer SINGD preconditions: a Linear layer (`type` omitted or `'linear'`) or a Conv2d layer
 * (`type: 'conv2d'`, NCHW or NHWC layout), as described by `@singd/kron-curvature`.
 */
export type SingdLayer =
  | ({ readonly type?: 'linear' } & LinearLayer)
  | ({ readonly type: 'conv2d' } & Conv2dLayer);

/** A checked layer with its preconditioner sizes. */
export interface ResolvedLayer {
  readonly name: string;
  readonly type: 'linear' | 'conv2d';
  /** The layer as given (for the capture processing). */
  readonly layer: SingdLayer;
  /** Columns of the weight matrix: inFeatures (Linear) or patchSize `(C_in/groups)·K1·K2` (Conv2d). */
  readonly inputs: number;
  /** Rows of the weight matrix: outFeatures or outChannels. */
  readonly outputs: number;
  readonly bias: boolean;
  /** `d_K = inputs + (bias ? 1 : 0)`. */
  readonly dK: number;
  /** `d_C = outputs`. */
  readonly dC: number;
}

/**
 * Checks a {@link SingdLayer} and computes its sizes. Cost O(1).
 * @throws TypeError/RangeError naming the layer for a malformed description or an unknown type.
 */
export function resolveLayer(layer: SingdLayer): ResolvedLayer {
  if (typeof layer !== 'object' || layer === null) {
    throw new TypeError(`a layer must be an object; got ${describeValue(layer)}`);
  }
  const type = layer.type ?? 'linear';
  if (type === 'linear') {
    const linear = checkLinearLayer(layer as LinearLayer);
    const dK = linear.inFeatures + (linear.bias ? 1 : 0);
    return {
      name: linear.name,
      type,
      layer,
      inputs: linear.inFeatures,
      outputs: linear.outFeatures,
      bias: linear.bias,
      dK,
      dC: linear.outFeatures,
    };
  }
  if (type === 'conv2d') {
    const geometry = conv2dGeometry(layer as Conv2dLayer);
    if (geometry.groups !== 1) {
      throw new RangeError(
        `layer '${geometry.name}': groups must be 1 (the weight is [outChannels, patchSize]); got ${geometry.groups}`,
      );
    }
    return {
      name: geometry.name,
      type,
      layer,
      inputs: geometry.patchSize,
      outputs: geometry.outChannels,
      bias: geometry.bias,
      dK: geometry.patchSize + (geometry.bias ? 1 : 0),
      dC: geometry.outChannels,
    };
  }
  throw new RangeError(
    `layer ${describeValue((layer as { name?: unknown }).name)}: type must be one of 'linear', 'conv2d'; got ${describeValue(type)}`,
  );
}

/** How to process one capture: the layer's approximation, loss averaging and factor dtypes. */
export interface CaptureSettings {
  readonly approximation: KfacApproximation;
  readonly lossAverage: LossAverage;
  readonly dtypeK: DType;
  readonly dtypeC: DType;
}

/**
 * The first entry of `t` that is NaN/±∞, or that overflows `dtype` when rounded to it, as a
 * message naming `what`; `null` when every entry is finite in `dtype`. Cost O(size).
 */
export function nonFiniteEntry(t: Tensor, dtype: DType, what: string): string | null {
  const data = t?.data;
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) return null; // shape errors come later
  const round: (x: number) => number =
    dtype === 'float64' ? (x) => x : dtype === 'float32' ? Math.fround : (x) => roundTo(x, dtype);
  for (let k = 0; k < data.length; k++) {
    const x = data[k]!;
    if (!Number.isFinite(round(x))) {
      const at = Array.isArray(t.shape) ? formatShape(multiIndex(t.shape, k)) : `[${k}]`;
      const kind = Number.isFinite(x) ? `an entry ${x} that overflows ${dtype}` : `a non-finite entry ${x}`;
      return `${what} of shape ${formatShape(t.shape)} has ${kind} at ${at}`;
    }
  }
  return null;
}

/**
 * `Ã` and `G̃` of one capture of `layer` (spec §1.3): Linear through `processLinearCapture`,
 * Conv2d through `processConv2dCapture` of `@singd/kron-curvature`, in the factor dtypes.
 * @throws RangeError naming the layer and both shapes for mismatched tensors.
 */
export function processCapture(
  layer: ResolvedLayer,
  input: Tensor,
  outputGrad: Tensor,
  settings: CaptureSettings,
): ProcessedCapture {
  const options = {
    approximation: settings.approximation,
    lossAverage: settings.lossAverage,
    inputDtype: settings.dtypeK,
    outputGradientDtype: settings.dtypeC,
  };
  const capture = { input, outputGradient: outputGrad };
  return layer.type === 'linear'
    ? processLinearCapture(layer.layer as LinearLayer, capture, options)
    : processConv2dCapture(layer.layer as Conv2dLayer, capture, options);
}

/** Parameters (or gradients) of one layer: the weight `[outputs, inputs]` row-major and the bias. */
export interface LayerParams {
  readonly weight: Float64Array;
  readonly bias?: Float64Array;
}

function describeArray(value: unknown): string {
  return value instanceof Float64Array ? `shape [${value.length}]` : describeValue(value);
}

/**
 * Checks one layer's weight and bias against its shapes.
 * @throws RangeError naming the layer, `what` (params/grads) and both shapes.
 */
function checkLayerParams(layer: ResolvedLayer, p: LayerParams, what: string): void {
  const { name, inputs, outputs, dC, bias } = layer;
  if (typeof p !== 'object' || p === null) {
    throw new RangeError(`layer '${name}': ${what} missing; expected { weight, bias }`);
  }
  const w = p.weight;
  if (!(w instanceof Float64Array) || w.length !== outputs * inputs) {
    throw new RangeError(
      `layer '${name}': ${what} weight has ${w instanceof Float64Array ? `${w.length} entries` : describeValue(w)}; expected shape [${outputs}, ${inputs}] (${outputs * inputs} entries)`,
    );
  }
  const b = p.bias;
  if (bias) {
    if (!(b instanceof Float64Array) || b.length !== dC) {
      throw new RangeError(`layer '${name}': ${what} bias has ${describeArray(b)}; expected shape [${dC}]`);
    }
  } else if (b !== undefined) {
    throw new RangeError(
      `layer '${name}': ${what} bias has ${describeArray(b)} but the layer has no bias (expected none)`,
    );
  }
}

/**
 * `W̃ = [W | b]` (d_C × d_K row-major) of one layer's weight and bias, as a new array.
 * Cost O(d_C·d_K).
 * @throws RangeError naming the layer, `what` (params/grads) and both shapes.
 */
export function flattenLayerParams(layer: ResolvedLayer, p: LayerParams, what: string): Float64Array {
  checkLayerParams(layer, p, what);
  const { inputs, dK, dC, bias } = layer;
  const w = p.weight;
  const b = p.bias;
  const out = new Float64Array(dC * dK);
  for (let i = 0; i < dC; i++) {
    out.set(w.subarray(i * inputs, (i + 1) * inputs), i * dK);
    if (bias) out[i * dK + inputs] = b![i]!;
  }
  return out;
}

/**
 * `W̃` of one layer for reading only: the weight array itself when the layer has no bias
 * (`W̃ = W`, no copy), else {@link flattenLayerParams}. Never write into the result.
 * Cost O(1) without bias, O(d_C·d_K) with.
 * @throws RangeError naming the layer, `what` (params/grads) and both shapes.
 */
export function readonlyFlatLayerParams(layer: ResolvedLayer, p: LayerParams, what: string): Float64Array {
  if (layer.bias) return flattenLayerParams(layer, p, what);
  checkLayerParams(layer, p, what);
  return p.weight;
}

/** The weight and bias of a flattened `W̃` (inverse of {@link flattenLayerParams}). Cost O(d_C·d_K). */
export function unflattenLayerParams(layer: ResolvedLayer, flat: ArrayLike<number>): LayerParams {
  const { inputs, dK, dC, bias } = layer;
  const weight = new Float64Array(dC * inputs);
  const b = bias ? new Float64Array(dC) : undefined;
  for (let i = 0; i < dC; i++) {
    for (let j = 0; j < inputs; j++) weight[i * inputs + j] = flat[i * dK + j]!;
    if (b !== undefined) b[i] = flat[i * dK + inputs]!;
  }
  return b === undefined ? { weight } : { weight, bias: b };
}

/**
 * The weight and bias of `W̃ + U` for a flattened `W̃` and update `U` (both d_C × d_K row-major):
 * `unflattenLayerParams(layer, W̃ + U)` in one pass, without the intermediate sum. Cost O(d_C·d_K).
 */
export function applyLayerUpdate(
  layer: ResolvedLayer,
  flat: ArrayLike<number>,
  update: ArrayLike<number>,
): LayerParams {
  const { inputs, dK, dC, bias } = layer;
  const weight = new Float64Array(dC * inputs);
  const b = bias ? new Float64Array(dC) : undefined;
  for (let i = 0; i < dC; i++) {
    const from = i * dK;
    const to = i * inputs;
    for (let j = 0; j < inputs; j++) weight[to + j] = flat[from + j]! + update[from + j]!;
    if (b !== undefined) b[i] = flat[from + inputs]! + update[from + inputs]!;
  }
  return b === undefined ? { weight } : { weight, bias: b };
}
