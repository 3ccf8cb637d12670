/**
 * One forward/backward pass of a training step: the loss, the gradient of every trainable
 * weight and, for the layers whose curvature is updated, the captured inputs and output
 * gradients — read to the CPU, with every tensor freed.
 *
 * @module
 */
import * as tf from '@tensorflow/tfjs';
import { type CapturedCall, CaptureSession } from './capture.js';
import type { PreconditionedLayer, TfWeight } from './model-layers.js';

/** What {@link gradientPass} needs. */
export interface GradientPassOptions {
  /** Every trainable weight (all get a gradient). */
  readonly weights: readonly TfWeight[];
  /** Layers to capture (the preconditioner updates them this step). */
  readonly captured: readonly PreconditionedLayer[];
  /** Layers that need the rewritten forward pass even when not captured (see `CaptureSession`). */
  readonly rewritten: readonly PreconditionedLayer[];
  /** The training loss (it runs the model). */
  readonly lossFn: () => tf.Scalar;
  /** With the Monte-Carlo Fisher: the loss with sampled targets, whose pass gives the captures. */
  readonly sampledLossFn: (() => tf.Scalar) | null;
}

/** The outcome of {@link gradientPass}: plain arrays only. */
export interface GradientPassResult {
  readonly loss: number;
  /** By weight name (`LayerVariable.name`), in the kernel's own layout. */
  readonly grads: ReadonlyMap<string, Float64Array>;
  /** By layer name; empty when nothing is captured. */
  readonly captures: ReadonlyMap<string, CapturedCall[]>;
}

function scalarChecked(fn: () => tf.Scalar): () => tf.Scalar {
  return () => {
    const value = fn();
    if (!(value instanceof tf.Tensor) || value.rank !== 0) {
      throw new TypeError(
        `the loss must be a scalar tf.Tensor; got ${value instanceof tf.Tensor ? `shape [${value.shape.join(', ')}]` : typeof value}`,
      );
    }
    return value;
  };
}

/**
 * Runs the pass: with captures and the empirical Fisher one `tf.variableGrads` under the capture
 * hooks; with the Monte-Carlo Fisher first a hooked pass on the sampled loss (its gradients are
 * dropped), then a plain pass on the training loss. Cost: one (or two) forward/backward passes
 * and one read of every gradient and capture.
 * @throws TypeError when a loss is not a scalar; Error naming a weight without a gradient or a
 *   captured layer that was not called; whatever the loss function throws. Nothing is leaked.
 */
export function gradientPass(options: GradientPassOptions): GradientPassResult {
  const { weights, captured, rewritten, lossFn, sampledLossFn } = options;
  const variables = weights.map((w) => w.read() as tf.Variable);
  const rewriting = rewritten.length > 0 ? new CaptureSession([], rewritten) : null;
  const plainPass = (fn: () => tf.Scalar) =>
    rewriting === null
      ? tf.variableGrads(scalarChecked(fn), variables)
      : rewriting.run(() => tf.variableGrads(scalarChecked(fn), variables));
  let captures = new Map<string, CapturedCall[]>();
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
  if (captured.length > 0) {
    const session = new CaptureSession(captured, rewritten);
    try {
      if (sampledLossFn !== null) {
        const sampled = session.run(() => tf.variableGrads(scalarChecked(sampledLossFn), variables));
        sampled.value.dispose();
        tf.dispose(sampled.grads);
        captures = session.collect();
        result = plainPass(lossFn);
      } else {
        result = session.run(() => tf.variableGrads(scalarChecked(lossFn), variables));
        captures = session.collect();
      }
    } finally {
      session.dispose();
    }
  } else {
    result = plainPass(lossFn);
  }
  const loss = result.value.dataSync()[0]!;
  result.value.dispose();
  const grads = new Map<string, Float64Array>();
  try {
    for (const w of weights) {
      const g = result.grads[(w.read() as tf.Variable).name];
      if (g === undefined) {
        throw new Error(`trainable weight '${w.name}' received no gradient: the loss does not depend on it`);
      }
      grads.set(w.name, Float64Array.from(g.dataSync() as Float32Array));
    }
  } finally {
    tf.dispose(result.grads);
  }
  return { loss, grads, captures };
}

function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return i;
  return -1;
}

/**
 * The first NaN/±∞ in the loss, a gradient or a capture, described (weight or layer name and
 * flat index), or `null`. Cost O(total size).
 */
export function nonFiniteProblem(
  loss: number,
  grads: ReadonlyMap<string, Float64Array>,
  captures: ReadonlyMap<string, readonly CapturedCall[]>,
): string | null {
  if (!Number.isFinite(loss)) return `the loss is ${loss}`;
  for (const [name, g] of grads) {
    const i = firstNonFinite(g);
    if (i >= 0) return `the gradient of weight '${name}' has ${g[i]} at flat index ${i}`;
  }
  for (const [name, calls] of captures) {
    for (const call of calls) {
      const i = firstNonFinite(call.input.data);
      if (i >= 0) return `the captured input of layer '${name}' has ${call.input.data[i]} at flat index ${i}`;
      const j = firstNonFinite(call.outputGradient.data);
      if (j >= 0) {
        return `the captured output gradient of layer '${name}' has ${call.outputGradient.data[j]} at flat index ${j}`;
      }
    }
  }
  return null;
}
