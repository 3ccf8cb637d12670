/**
 * Capture hooks: for the duration of one forward/backward pass, every preconditioned Dense and
 * Conv2D layer computes its pre-activation explicitly, records its input, passes the
 * pre-activation through an identity whose gradient records `∂loss/∂pre` (spec §1.2), and then
 * applies its activation (fused activations included). Nothing in the user's model changes
 * outside {@link CaptureSession.run}.
 *
 * @module
 */

import type { Tensor as PlainTensor } from '@singd/kron-curvature';
import * as tf from '@tensorflow/tfjs';
import { samePadding } from './conv-padding.js';
import { backendDifferentiatesConv2dFilter, conv2dViaConv3d, dilatedKernel } from './conv2d-rewrite.js';
import type { Conv2dInternals, DenseInternals, PreconditionedLayer } from './model-layers.js';

/** One captured call of a layer, as plain arrays in kron-curvature's layout. */
export interface CapturedCall {
  /** Dense: `[N, …, in]`; Conv2D: the NHWC input, zero-padded for `'same'`. */
  readonly input: PlainTensor;
  /** Dense: `[N, …, out]`; Conv2D: NHWC `[N, O1, O2, filters]`. */
  readonly outputGradient: PlainTensor;
}

interface PendingCall {
  input: tf.Tensor;
  outputGradient: tf.Tensor | null;
}

/** Set by {@link CaptureSession.run} for the active backend. */
let conv2dFilterGradient = true;

type CallFunction = (
  inputs: tf.Tensor | tf.Tensor[],
  kwargs: Record<string, unknown>,
) => tf.Tensor | tf.Tensor[];

function singleInput(inputs: tf.Tensor | tf.Tensor[], layer: string): tf.Tensor {
  if (Array.isArray(inputs)) {
    if (inputs.length !== 1)
      throw new RangeError(`layer '${layer}' expects one input tensor; got ${inputs.length}`);
    return inputs[0]!;
  }
  return inputs;
}

function plain(t: tf.Tensor): PlainTensor {
  return { shape: [...t.shape], data: t.dataSync() as Float32Array };
}

/**
 * Records the inputs and pre-activation output gradients of preconditioned layers during
 * {@link run}. A layer called several times (a shared layer) gives several calls. The recorded
 * tensors are held until {@link collect} or {@link dispose}.
 *
 * Layers passed as `rewritten` get the same explicit forward pass without recording: the trainer
 * uses it for Conv2D layers tfjs cannot differentiate itself — with dilation (the rewrite
 * convolves with a zero-dilated kernel, see {@link dilatedKernel}), and every Conv2D on a
 * backend without a conv2d filter gradient (see {@link backendDifferentiatesConv2dFilter}).
 */
export class CaptureSession {
  private readonly pending = new Map<string, PendingCall[]>();
  private readonly rewritten: readonly PreconditionedLayer[];

  constructor(
    private readonly layers: readonly PreconditionedLayer[],
    rewritten: readonly PreconditionedLayer[] = [],
  ) {
    for (const l of layers) this.pending.set(l.name, []);
    this.rewritten = rewritten.filter((l) => !this.pending.has(l.name));
  }

  /**
   * Runs `fn` with the hooks installed (and removed afterwards, also on a throw). Cost: the
   * forward pass of the layers done unfused, plus one copy of each input and output gradient.
   */
  run<T>(fn: () => T): T {
    const restore: (() => void)[] = [];
    conv2dFilterGradient = backendDifferentiatesConv2dFilter();
    try {
      for (const l of this.layers) restore.push(this.install(l, true));
      for (const l of this.rewritten) restore.push(this.install(l, false));
      return fn();
    } finally {
      for (const undo of restore) undo();
    }
  }

  private install(l: PreconditionedLayer, recording: boolean): () => void {
    const target = l.layer as unknown as { call: CallFunction };
    const own = Object.getOwnPropertyDescriptor(target, 'call');
    const calls: PendingCall[] = this.pending.get(l.name) ?? [];
    const keepInput = (input: tf.Tensor): void => {
      if (recording) calls.push({ input: tf.keep(input.clone()), outputGradient: null });
    };
    const record = (pre: tf.Tensor): tf.Tensor => {
      if (!recording) return pre;
      const call: PendingCall = calls[calls.length - 1]!;
      const identity = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
        value: (args[0] as tf.Tensor).clone(),
        gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
          const g = Array.isArray(dy) ? dy[0]! : dy;
          const previous = call.outputGradient;
          call.outputGradient = tf.keep(previous === null ? g.clone() : tf.add(previous, g));
          previous?.dispose();
          return g;
        },
      }));
      return identity(pre) as tf.Tensor;
    };
    const hooked: CallFunction =
      l.kind === 'dense'
        ? (inputs) =>
            tf.tidy(() => {
              const dense = l.layer as unknown as DenseInternals;
              const input = singleInput(inputs, l.name);
              keepInput(input);
              const kernel = dense.kernel.read();
              const [inF, outF] = kernel.shape as [number, number];
              let pre =
                input.rank === 2
                  ? tf.matMul(input, kernel)
                  : tf.reshape(tf.matMul(tf.reshape(input, [-1, inF]), kernel), [
                      ...input.shape.slice(0, -1),
                      outF,
                    ]);
              if (dense.bias !== null && dense.bias !== undefined) pre = tf.add(pre, dense.bias.read());
              return dense.activation.apply(record(pre));
            })
        : (inputs) =>
            tf.tidy(() => {
              const conv = l.layer as unknown as Conv2dInternals;
              const geometry = l.conv!;
              let input = singleInput(inputs, l.name);
              if (input.rank !== 4)
                throw new RangeError(
                  `layer '${l.name}': Conv2D input must have rank 4; got shape [${input.shape.join(', ')}]`,
                );
              if (geometry.channelsFirst) input = tf.transpose(input, [0, 2, 3, 1]);
              keepInput(input);
              const kernel = dilatedKernel(conv.kernel.read() as tf.Tensor4D, geometry.dilation);
              const [s1, s2] = geometry.strides;
              let pre: tf.Tensor = conv2dFilterGradient
                ? tf.conv2d(input as tf.Tensor4D, kernel, [s1, s2], geometry.padding, 'NHWC')
                : conv2dViaConv3d(input as tf.Tensor4D, kernel, [s1, s2], geometry.padding);
              if (conv.bias !== null && conv.bias !== undefined) pre = tf.add(pre, conv.bias.read());
              pre = record(pre);
              if (geometry.channelsFirst) pre = tf.transpose(pre, [0, 3, 1, 2]);
              return conv.activation.apply(pre);
            });
    Object.defineProperty(target, 'call', {
      value: hooked,
      configurable: true,
      writable: true,
      enumerable: false,
    });
    return () => {
      if (own === undefined) delete (target as { call?: unknown }).call;
      else Object.defineProperty(target, 'call', own);
    };
  }

  /**
   * The recorded calls of every layer as plain arrays (Conv2D inputs zero-padded as tfjs pads
   * them for `'same'`), then frees the recorded tensors.
   * @throws Error naming the layer when a layer was not called, or a call received no gradient
   *   (its output does not reach the loss).
   */
  collect(): Map<string, CapturedCall[]> {
    try {
      const out = new Map<string, CapturedCall[]>();
      for (const l of this.layers) {
        const calls = this.pending.get(l.name)!;
        if (calls.length === 0) {
          throw new Error(
            `layer '${l.name}' was not called by the forward pass, so its curvature cannot be captured`,
          );
        }
        out.set(
          l.name,
          calls.map((call, index) => {
            if (call.outputGradient === null) {
              throw new Error(
                `layer '${l.name}': call ${index} does not reach the loss, so it has no output gradient to capture`,
              );
            }
            return { input: this.paddedInput(l, call.input), outputGradient: plain(call.outputGradient) };
          }),
        );
      }
      return out;
    } finally {
      this.dispose();
    }
  }

  private paddedInput(l: PreconditionedLayer, input: tf.Tensor): PlainTensor {
    const geometry = l.conv;
    if (geometry === null || geometry.padding === 'valid') return plain(input);
    const [, h, w] = input.shape as [number, number, number, number];
    const ph = samePadding(h, geometry.kernelSize[0], geometry.strides[0], geometry.dilation[0]);
    const pw = samePadding(w, geometry.kernelSize[1], geometry.strides[1], geometry.dilation[1]);
    const padded = tf.pad(input, [[0, 0], ph, pw, [0, 0]]);
    try {
      return plain(padded);
    } finally {
      padded.dispose();
    }
  }

  /** Frees every recorded tensor. Idempotent. */
  dispose(): void {
    for (const calls of this.pending.values()) {
      for (const call of calls) {
        call.input.dispose();
        call.outputGradient?.dispose();
      }
      calls.length = 0;
    }
  }
}
