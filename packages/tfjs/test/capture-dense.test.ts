/**
 * Captures of Dense layers equal the framework-agnostic path: a float64 forward/backward pass
 * written out by hand, processed by kron-curvature; and one Trainer step equals one step of the
 * plain-data `Singd` fed with those hand-computed captures and gradients.
 */

import { toleranceFor } from '@singd/half';
import { KfacPreconditioner, type LinearLayer, processLinearCapture } from '@singd/kron-curvature';
import { Singd } from '@singd/singd';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { CaptureSession, lossValue, modelLayers, Trainer } from '../src/index.js';
import { expectAllClose, useCpu, values } from './helpers.js';

beforeAll(useCpu);

const TOL = toleranceFor('float32', 50);

interface Reference {
  /** Per layer: input a [N, in] and pre-activation gradient g [N, out] (float64, row-major). */
  a: Float64Array[];
  g: Float64Array[];
  /** Kernel gradients in our layout [out, in] and bias gradients. */
  dW: Float64Array[];
  db: Float64Array[];
  W: Float64Array[];
  b: Float64Array[];
}

/** tanh hidden layers, softmax output, mean categorical cross-entropy — by hand in float64. */
function reference(
  sizes: number[],
  kernels: Float32Array[],
  biases: Float32Array[],
  x: Float32Array,
  y: Float32Array,
  N: number,
): Reference {
  const L = sizes.length - 1;
  const a: Float64Array[] = [];
  const pre: Float64Array[] = [];
  let h = Float64Array.from(x);
  for (let l = 0; l < L; l++) {
    const [i, o] = [sizes[l]!, sizes[l + 1]!];
    a.push(h);
    const z = new Float64Array(N * o);
    for (let n = 0; n < N; n++)
      for (let k = 0; k < o; k++) {
        let s = biases[l]![k]!;
        for (let j = 0; j < i; j++) s += h[n * i + j]! * kernels[l]![j * o + k]!;
        z[n * o + k] = s;
      }
    pre.push(z);
    if (l < L - 1) h = z.map(Math.tanh);
    else {
      h = new Float64Array(N * o);
      for (let n = 0; n < N; n++) {
        let m = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < o; k++) m = Math.max(m, z[n * o + k]!);
        let s = 0;
        for (let k = 0; k < o; k++) s += Math.exp(z[n * o + k]! - m);
        for (let k = 0; k < o; k++) h[n * o + k] = Math.exp(z[n * o + k]! - m) / s;
      }
    }
  }
  const g: Float64Array[] = new Array(L);
  const out = sizes[L]!;
  g[L - 1] = new Float64Array(N * out).map((_, t) => (h[t]! - y[t]!) / N);
  for (let l = L - 2; l >= 0; l--) {
    const [o, o2] = [sizes[l + 1]!, sizes[l + 2]!];
    const gl = new Float64Array(N * o);
    for (let n = 0; n < N; n++)
      for (let k = 0; k < o; k++) {
        let s = 0;
        for (let m = 0; m < o2; m++) s += g[l + 1]![n * o2 + m]! * kernels[l + 1]![k * o2 + m]!;
        const t = Math.tanh(pre[l]![n * o + k]!);
        gl[n * o + k] = s * (1 - t * t);
      }
    g[l] = gl;
  }
  const dW: Float64Array[] = [];
  const db: Float64Array[] = [];
  const W: Float64Array[] = [];
  const b: Float64Array[] = [];
  for (let l = 0; l < L; l++) {
    const [i, o] = [sizes[l]!, sizes[l + 1]!];
    const w = new Float64Array(o * i);
    const wgrad = new Float64Array(o * i);
    const bgrad = new Float64Array(o);
    for (let k = 0; k < o; k++) {
      for (let j = 0; j < i; j++) {
        w[k * i + j] = kernels[l]![j * o + k]!;
        let s = 0;
        for (let n = 0; n < N; n++) s += g[l]![n * o + k]! * a[l]![n * i + j]!;
        wgrad[k * i + j] = s;
      }
      for (let n = 0; n < N; n++) bgrad[k]! += g[l]![n * o + k]!;
    }
    W.push(w);
    dW.push(wgrad);
    db.push(bgrad);
    b.push(Float64Array.from(biases[l]!));
  }
  return { a, g, dW, db, W, b };
}

function buildMlp(sizes: number[], seed: number): tf.Sequential {
  const layers = sizes.slice(1).map((units, l) =>
    tf.layers.dense({
      ...(l === 0 ? { inputShape: [sizes[0]!] } : {}),
      units,
      activation: l === sizes.length - 2 ? 'softmax' : 'tanh',
      kernelInitializer: tf.initializers.randomUniform({ minval: -0.8, maxval: 0.8, seed: seed + l }),
      biasInitializer: tf.initializers.randomUniform({ minval: -0.3, maxval: 0.3, seed: seed + 100 + l }),
    }),
  );
  return tf.sequential({ layers });
}

function problem(sizes: number[], N: number, seed: number) {
  const x = values([N, sizes[0]!], seed);
  const classes = sizes[sizes.length - 1]!;
  const y = new Float32Array(N * classes);
  for (let n = 0; n < N; n++) y[n * classes + ((n * 7 + seed) % classes)] = 1;
  return { x, y };
}

const arbitraryNet = fc.record({
  sizes: fc.array(fc.integer({ min: 2, max: 6 }), { minLength: 3, maxLength: 4 }),
  N: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer({ min: 1, max: 1000 }),
});

describe('Dense captures', () => {
  test('inputs and pre-activation gradients equal a hand-written float64 backward pass (processed by kron-curvature)', () => {
    fc.assert(
      fc.property(arbitraryNet, ({ sizes, N, seed }) => {
        const model = buildMlp(sizes, seed);
        const { x, y } = problem(sizes, N, seed);
        const kernels = model.layers.map((l) => l.getWeights()[0]!.dataSync() as Float32Array);
        const biases = model.layers.map((l) => l.getWeights()[1]!.dataSync() as Float32Array);
        const ref = reference(sizes, kernels, biases, x, y, N);
        const { preconditioned, trainableWeights } = modelLayers(model);
        const session = new CaptureSession(preconditioned);
        const xt = tf.tensor(x, [N, sizes[0]!]);
        const yt = tf.tensor(y, [N, sizes[sizes.length - 1]!]);
        const result = session.run(() =>
          tf.variableGrads(
            () => lossValue('categoricalCrossentropy', yt, model.apply(xt, { training: true }) as tf.Tensor),
            trainableWeights.map((w) => w.read() as tf.Variable),
          ),
        );
        const captures = session.collect();
        tf.dispose([xt, yt, result.value, ...Object.values(result.grads)]);
        preconditioned.forEach((l, i) => {
          const calls = captures.get(l.name)!;
          expect(calls).toHaveLength(1);
          const layer = l.description as LinearLayer;
          const options = { approximation: 'expand', lossAverage: 'batch' } as const;
          const ours = processLinearCapture(layer, calls[0]!, options);
          const theirs = processLinearCapture(
            layer,
            {
              input: { shape: [N, layer.inFeatures], data: ref.a[i]! },
              outputGradient: { shape: [N, layer.outFeatures], data: ref.g[i]! },
            },
            options,
          );
          expectAllClose(ours.inputs.toFloat64Array(), theirs.inputs.toFloat64Array(), TOL, `${l.name} Ã`);
          expectAllClose(
            ours.outputGradients.toFloat64Array(),
            theirs.outputGradients.toFloat64Array(),
            TOL,
            `${l.name} G̃`,
          );
        });
        model.dispose();
      }),
      { numRuns: 12 },
    );
  });

  test('one Trainer step equals one plain-data Singd step on the hand-computed captures and gradients', () => {
    const sizes = [4, 5, 3];
    const N = 6;
    const options = { lr: 0.3, T: 1, momentum: 0.5, weightDecay: 0.01, damping: 0.01, lrCov: 0.1 } as const;
    for (const structure of [{ kind: 'dense' }, { kind: 'diagonal' }] as const) {
      const model = buildMlp(sizes, 11);
      const { x, y } = problem(sizes, N, 11);
      const kernels = model.layers.map((l) =>
        Float32Array.from(l.getWeights()[0]!.dataSync() as Float32Array),
      );
      const biases = model.layers.map((l) =>
        Float32Array.from(l.getWeights()[1]!.dataSync() as Float32Array),
      );
      const ref = reference(sizes, kernels, biases, x, y, N);
      const singdOptions = { ...options, structures: { K: structure, C: structure } };
      const trainer = new Trainer(model, {
        optimizer: { kind: 'singd', options: singdOptions },
        loss: 'categoricalCrossentropy',
      });
      const xt = tf.tensor(x, [N, 4]);
      const yt = tf.tensor(y, [N, 3]);
      trainer.trainBatch(xt, yt);
      tf.dispose([xt, yt]);
      const names = model.layers.map((l) => l.name);
      const plain = new Singd(
        names.map((name, l) => ({ name, inFeatures: sizes[l]!, outFeatures: sizes[l + 1]!, bias: true })),
        singdOptions,
      );
      names.forEach((name, l) => {
        plain.capture(
          name,
          { shape: [N, sizes[l]!], data: ref.a[l]! },
          { shape: [N, sizes[l + 1]!], data: ref.g[l]! },
        );
      });
      const params = Object.fromEntries(
        names.map((name, l) => [name, { weight: ref.W[l]!, bias: ref.b[l]! }]),
      );
      const grads = Object.fromEntries(
        names.map((name, l) => [name, { weight: ref.dW[l]!, bias: ref.db[l]! }]),
      );
      const stepped = plain.step(params, grads);
      if (stepped.skipped) throw new Error(stepped.reason);
      names.forEach((name, l) => {
        const [o, i] = [sizes[l + 1]!, sizes[l]!];
        const kernel = model.layers[l]!.getWeights()[0]!.dataSync();
        const bias = model.layers[l]!.getWeights()[1]!.dataSync();
        const weight = new Float64Array(o * i);
        for (let k = 0; k < o; k++) for (let j = 0; j < i; j++) weight[k * i + j] = kernel[j * o + k]!;
        expectAllClose(weight, stepped.params[name]!.weight, TOL, `${structure.kind} ${name} weight`);
        expectAllClose(bias, stepped.params[name]!.bias!, TOL, `${structure.kind} ${name} bias`);
      });
      trainer.dispose();
      model.dispose();
    }
  });

  test('one KFAC Trainer step equals KfacPreconditioner + momentum/lr on the hand-computed captures and gradients', () => {
    const sizes = [4, 5, 3];
    const N = 6;
    const model = buildMlp(sizes, 13);
    const { x, y } = problem(sizes, N, 13);
    const kernels = model.layers.map((l) => Float32Array.from(l.getWeights()[0]!.dataSync() as Float32Array));
    const biases = model.layers.map((l) => Float32Array.from(l.getWeights()[1]!.dataSync() as Float32Array));
    const ref = reference(sizes, kernels, biases, x, y, N);
    const options = { lr: 0.2, momentum: 0.5, weightDecay: 0.01, damping: 0.05, lrCov: 0.3, T: 1 };
    const trainer = new Trainer(model, {
      optimizer: { kind: 'kfac', options },
      loss: 'categoricalCrossentropy',
    });
    const xt = tf.tensor(x, [N, 4]);
    const yt = tf.tensor(y, [N, 3]);
    trainer.trainBatch(xt, yt);
    tf.dispose([xt, yt]);
    const names = model.layers.map((l) => l.name);
    const kfac = new KfacPreconditioner(
      names.map((name, l) => ({ name, inputDimension: sizes[l]! + 1, outputDimension: sizes[l + 1]! })),
      { damping: 0.05, lrCov: 0.3, T: 1 },
    );
    const gradients: Record<string, Float64Array> = {};
    names.forEach((name, l) => {
      const layer = { name, inFeatures: sizes[l]!, outFeatures: sizes[l + 1]!, bias: true };
      const processed = processLinearCapture(
        layer,
        {
          input: { shape: [N, sizes[l]!], data: ref.a[l]! },
          outputGradient: { shape: [N, sizes[l + 1]!], data: ref.g[l]! },
        },
        kfac.captureOptions,
      );
      kfac.update(name, processed.inputs, processed.outputGradients);
      const [o, i] = [sizes[l + 1]!, sizes[l]!];
      const g = new Float64Array(o * (i + 1));
      for (let k = 0; k < o; k++) {
        for (let j = 0; j < i; j++) g[k * (i + 1) + j] = ref.dW[l]![k * i + j]!;
        g[k * (i + 1) + i] = ref.db[l]![k]!;
      }
      gradients[name] = g;
    });
    const outcome = kfac.step(gradients);
    if (!outcome.ok) throw new Error('KFAC step failed');
    names.forEach((name, l) => {
      const [o, i] = [sizes[l + 1]!, sizes[l]!];
      const P = outcome.preconditioned.get(name)!;
      const kernel = model.layers[l]!.getWeights()[0]!.dataSync();
      const bias = model.layers[l]!.getWeights()[1]!.dataSync();
      // First step: the momentum buffer is the step itself, p ← p − lr·(P + γ·p).
      for (let k = 0; k < o; k++) {
        const expectedW = new Float64Array(i);
        for (let j = 0; j < i; j++)
          expectedW[j] = ref.W[l]![k * i + j]! - 0.2 * (P[k * (i + 1) + j]! + 0.01 * ref.W[l]![k * i + j]!);
        expectAllClose(
          Array.from({ length: i }, (_, j) => kernel[j * o + k]!),
          expectedW,
          TOL,
          `${name} weight row ${k}`,
        );
        const expectedB = ref.b[l]![k]! - 0.2 * (P[k * (i + 1) + i]! + 0.01 * ref.b[l]![k]!);
        expectAllClose([bias[k]!], [expectedB], TOL, `${name} bias ${k}`);
      }
    });
    trainer.dispose();
    model.dispose();
  });

  test('a Dense layer on [N, R, d] inputs: captures keep the shared dim, Σ g ⊗ a is the kernel gradient', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [3, 4],
          units: 5,
          activation: 'relu',
          kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 5 }),
        }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const N = 2;
    const xt = tf.tensor(values([N, 3, 4], 6), [N, 3, 4]);
    const yt = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2).toFloat();
    const { preconditioned, trainableWeights } = modelLayers(model);
    const session = new CaptureSession(preconditioned);
    const result = session.run(() =>
      tf.variableGrads(
        () => lossValue('categoricalCrossentropy', yt, model.apply(xt, { training: true }) as tf.Tensor),
        trainableWeights.map((w) => w.read() as tf.Variable),
      ),
    );
    const call = session.collect().get(preconditioned[0]!.name)![0]!;
    expect(call.input.shape).toEqual([N, 3, 4]);
    expect(call.outputGradient.shape).toEqual([N, 3, 5]);
    expect(Array.from(call.input.data)).toEqual(Array.from(xt.dataSync()));
    const dW = new Float64Array(5 * 4);
    const db = new Float64Array(5);
    for (let r = 0; r < N * 3; r++) {
      for (let o = 0; o < 5; o++) {
        const g = call.outputGradient.data[r * 5 + o]!;
        db[o]! += g;
        for (let i = 0; i < 4; i++) dW[o * 4 + i]! += g * call.input.data[r * 4 + i]!;
      }
    }
    const [kernel, bias] = model.layers[0]!.weights.map((w) => result.grads[(w.read() as tf.Variable).name]!);
    const kernelGrad = kernel!.dataSync();
    const expectedW = Array.from({ length: 20 }, (_, t) => kernelGrad[(t % 4) * 5 + Math.floor(t / 4)]!);
    expectAllClose(dW, expectedW, TOL, 'Σ g ⊗ a');
    expectAllClose(db, bias!.dataSync(), TOL, 'Σ g');
    tf.dispose([xt, yt, result.value, ...Object.values(result.grads)]);
    model.dispose();
  });
});
