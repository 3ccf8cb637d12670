/**
 * Finds the layers of a `tf.LayersModel` and sorts its trainable weights into those SINGD/KFAC
 * precondition (Dense and Conv2D kernels and biases) and the rest (for the fallback optimizer).
 *
 * @module
 */

import type { Conv2dLayer, LinearLayer } from '@singd/kron-curvature';
import type * as tf from '@tensorflow/tfjs';

/** A `tf.layers.Layer` as this package reads it. */
export type TfLayer = tf.layers.Layer;
/** A layer weight (`LayerVariable` of tfjs-layers). */
export type TfWeight = tf.LayerVariable;

/** The tfjs-layers internals of a Dense layer this package reads (public in JavaScript, private in the typings). */
export interface DenseInternals {
  readonly units: number;
  readonly kernel: TfWeight;
  readonly bias: TfWeight | null;
  readonly activation: { apply(x: tf.Tensor): tf.Tensor };
}

/** The tfjs-layers internals of a Conv2D layer this package reads. */
export interface Conv2dInternals {
  readonly filters: number;
  readonly kernel: TfWeight;
  readonly bias: TfWeight | null;
  readonly activation: { apply(x: tf.Tensor): tf.Tensor };
  readonly kernelSize: readonly number[];
  readonly strides: readonly number[];
  readonly dilationRate: number | readonly number[];
  readonly padding: 'valid' | 'same' | 'causal';
  readonly dataFormat: 'channelsFirst' | 'channelsLast';
}

/** The SINGD description of a layer: a kron-curvature Linear or Conv2d layer, tagged. */
export type SingdLayerDescription =
  | ({ readonly type: 'linear' } & LinearLayer)
  | ({ readonly type: 'conv2d' } & Conv2dLayer);

/** Geometry of a tfjs Conv2D layer (spatial dims in NHWC order). */
export interface TfConv2dGeometry {
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: 'valid' | 'same';
  /** `'channelsFirst'` inputs are transposed to NHWC for the capture. */
  readonly channelsFirst: boolean;
}

/** A Dense or Conv2D layer whose kernel (and bias) SINGD/KFAC precondition. */
export interface PreconditionedLayer {
  /** `layer.name`; keys the optimizer state. */
  readonly name: string;
  readonly kind: 'dense' | 'conv2d';
  readonly layer: TfLayer;
  readonly kernel: TfWeight;
  readonly bias: TfWeight | null;
  /**
   * The layer as kron-curvature sees it. Conv2D is always `layout: 'NHWC'` and `padding: 0`: a
   * `'same'` padding is applied to the captured input (tfjs splits an odd total padding with the
   * extra row/column at the bottom/right, which kron-curvature's symmetric padding cannot express).
   */
  readonly description: SingdLayerDescription;
  /** Set for Conv2D. */
  readonly conv: TfConv2dGeometry | null;
  /** `d_K`: patch (or input) size, plus 1 with a bias. */
  readonly inputDimension: number;
  /** `d_C`: units or filters. */
  readonly outputDimension: number;
}

/** A layer whose trainable weights go to the fallback optimizer. */
export interface FallbackLayer {
  readonly name: string;
  readonly layerClass: string;
  readonly weights: readonly TfWeight[];
}

/** The layers of a model, sorted by how they are trained. */
export interface ModelLayers {
  /** Dense and Conv2D layers with all their weights trainable, in model order. */
  readonly preconditioned: readonly PreconditionedLayer[];
  /** Every other layer with trainable weights, in model order. */
  readonly others: readonly FallbackLayer[];
  /** Every layer with trainable weights (both kinds), in model order. */
  readonly all: readonly FallbackLayer[];
  /** Every trainable weight of the model, in `model.trainableWeights` order. */
  readonly trainableWeights: readonly TfWeight[];
}

function leafLayers(model: tf.LayersModel): TfLayer[] {
  const out: TfLayer[] = [];
  const seen = new Set<TfLayer>();
  const visit = (layer: TfLayer): void => {
    if (seen.has(layer)) return;
    seen.add(layer);
    const nested = (layer as unknown as { layers?: unknown }).layers;
    if (Array.isArray(nested)) {
      for (const inner of nested as TfLayer[]) visit(inner);
    } else {
      out.push(layer);
    }
  };
  for (const layer of model.layers) visit(layer);
  return out;
}

function pair(value: number | readonly number[], what: string, layer: string): [number, number] {
  const v = typeof value === 'number' ? [value, value] : value;
  if (v.length !== 2 || !v.every((x) => Number.isInteger(x) && x >= 1)) {
    throw new RangeError(`layer '${layer}': ${what} must be two positive integers; got [${v.join(', ')}]`);
  }
  return [v[0]!, v[1]!];
}

function regularizerOf(layer: TfLayer): string | null {
  const record = layer as unknown as Record<string, unknown>;
  for (const key of ['kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'depthwiseRegularizer']) {
    if (record[key] != null) return key;
  }
  return null;
}

function describeDense(layer: TfLayer): PreconditionedLayer {
  const dense = layer as unknown as DenseInternals;
  const [inFeatures, outFeatures] = dense.kernel.shape as [number, number];
  const bias = dense.bias !== null && dense.bias !== undefined;
  return {
    name: layer.name,
    kind: 'dense',
    layer,
    kernel: dense.kernel,
    bias: bias ? dense.bias : null,
    description: { type: 'linear', name: layer.name, inFeatures, outFeatures, bias },
    conv: null,
    inputDimension: inFeatures + (bias ? 1 : 0),
    outputDimension: outFeatures,
  };
}

function describeConv2d(layer: TfLayer): PreconditionedLayer {
  const conv = layer as unknown as Conv2dInternals;
  const [kh, kw, inChannels, outChannels] = conv.kernel.shape as [number, number, number, number];
  const bias = conv.bias !== null && conv.bias !== undefined;
  if (conv.padding !== 'valid' && conv.padding !== 'same') {
    throw new RangeError(`layer '${layer.name}': padding must be 'valid' or 'same'; got '${conv.padding}'`);
  }
  const geometry: TfConv2dGeometry = {
    kernelSize: [kh, kw],
    strides: pair(conv.strides, 'strides', layer.name),
    dilation: pair(conv.dilationRate, 'dilationRate', layer.name),
    padding: conv.padding,
    channelsFirst: conv.dataFormat === 'channelsFirst',
  };
  return {
    name: layer.name,
    kind: 'conv2d',
    layer,
    kernel: conv.kernel,
    bias: bias ? conv.bias : null,
    description: {
      type: 'conv2d',
      name: layer.name,
      inChannels,
      outChannels,
      kernelSize: [kh, kw],
      stride: geometry.strides,
      dilation: geometry.dilation,
      padding: 0,
      bias,
      layout: 'NHWC',
    },
    conv: geometry,
    inputDimension: kh * kw * inChannels + (bias ? 1 : 0),
    outputDimension: outChannels,
  };
}

/**
 * Sorts the layers of `model` (nested models are traversed; each layer once) into Dense/Conv2D
 * layers whose weights are all trainable (preconditioned by SINGD/KFAC) and the other layers with
 * trainable weights (fallback), and checks that every trainable weight of the model belongs to
 * exactly one of them. Cost O(#layers + #weights).
 *
 * @throws RangeError for a layer with a regulariser (the trainer computes the loss itself and would
 *   silently drop regularisation losses), duplicate layer names, or a trainable weight owned by no layer.
 */
export function modelLayers(model: tf.LayersModel): ModelLayers {
  const preconditioned: PreconditionedLayer[] = [];
  const others: FallbackLayer[] = [];
  const all: FallbackLayer[] = [];
  const owned = new Set<TfWeight>();
  const names = new Set<string>();
  for (const layer of leafLayers(model)) {
    const regularizer = regularizerOf(layer);
    if (regularizer !== null) {
      throw new RangeError(
        `layer '${layer.name}' has a ${regularizer}: the Trainer computes the loss itself and would not add regularisation losses; remove it and use the optimizer's weightDecay instead`,
      );
    }
    const trainable = layer.trainableWeights;
    if (trainable.length === 0) continue;
    if (names.has(layer.name))
      throw new RangeError(`two layers are named '${layer.name}'; layer names must be unique`);
    names.add(layer.name);
    for (const w of trainable) owned.add(w);
    const className = layer.getClassName();
    all.push({ name: layer.name, layerClass: className, weights: trainable });
    const allTrainable = trainable.length === layer.weights.length;
    if (allTrainable && className === 'Dense') preconditioned.push(describeDense(layer));
    else if (allTrainable && className === 'Conv2D') preconditioned.push(describeConv2d(layer));
    else others.push({ name: layer.name, layerClass: className, weights: trainable });
  }
  const trainableWeights = model.trainableWeights;
  for (const w of trainableWeights) {
    if (!owned.has(w)) {
      throw new RangeError(
        `trainable weight '${w.name}' belongs to no layer of the model; cannot assign it an optimizer`,
      );
    }
  }
  return { preconditioned, others, all, trainableWeights };
}
