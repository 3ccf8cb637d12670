/**
 * Conv2D captures over random geometries ('same'/'valid', strides, dilation, bias or not, fused
 * or plain activations, channelsLast/channelsFirst) equal the framework-agnostic path:
 * kron-curvature's processing of an independently padded input and of `∂loss/∂pre` taken by
 * `tf.grad` of an explicitly split forward pass; and `Σ g ⊗ unfold(a)` is tfjs's own kernel gradient.
 */

import { toleranceFor } from '@singd/half';
import { type Conv2dLayer, processConv2dCapture, unfold } from '@singd/kron-curvature';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, expect, test } from 'vitest';
import { CaptureSession, kernelToWeight, lossValue, modelLayers } from '../src/index.js';
import { expectAllClose, useCpu, values } from './helpers.js';

beforeAll(useCpu);

const TOL = toleranceFor('float32', 50);

const geometry = fc
  .record({
    kh: fc.integer({ min: 1, max: 3 }),
    kw: fc.integer({ min: 1, max: 3 }),
    stride: fc.integer({ min: 1, max: 2 }),
    dilation: fc.integer({ min: 1, max: 2 }),
    padding: fc.constantFrom('same', 'valid'),
    bias: fc.boolean(),
    activation: fc.constantFrom('relu', 'linear', 'tanh'),
    channelsFirst: fc.boolean(),
    h: fc.integer({ min: 4, max: 7 }),
    w: fc.integer({ min: 4, max: 7 }),
    cin: fc.integer({ min: 1, max: 2 }),
    filters: fc.integer({ min: 1, max: 3 }),
    N: fc.integer({ min: 1, max: 3 }),
    seed: fc.integer({ min: 1, max: 1000 }),
  })
  .filter((g) => g.stride === 1 || g.dilation === 1);

/** tfjs's 'same' split written out: total = max((⌈I/s⌉−1)·s + q(k−1) + 1 − I, 0), the odd one after. */
function padNhwc(
  x: Float32Array,
  [N, H, W, C]: [number, number, number, number],
  pads: [number, number, number, number],
): { data: Float32Array; shape: number[] } {
  const [top, bottom, left, right] = pads;
  const H2 = H + top + bottom;
  const W2 = W + left + right;
  const out = new Float32Array(N * H2 * W2 * C);
  for (let n = 0; n < N; n++)
    for (let i = 0; i < H; i++)
      for (let j = 0; j < W; j++)
        for (let c = 0; c < C; c++)
          out[((n * H2 + i + top) * W2 + j + left) * C + c] = x[((n * H + i) * W + j) * C + c]!;
  return { data: out, shape: [N, H2, W2, C] };
}

test('Conv2D captures equal the framework-agnostic path for random geometries', () => {
  fc.assert(
    fc.property(geometry, (g) => {
      const span = (k: number) => (k - 1) * g.dilation + 1;
      fc.pre(g.padding === 'same' || (span(g.kh) <= g.h && span(g.kw) <= g.w));
      const inputShape = g.channelsFirst ? [g.cin, g.h, g.w] : [g.h, g.w, g.cin];
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({
            inputShape,
            filters: g.filters,
            kernelSize: [g.kh, g.kw],
            strides: g.stride,
            dilationRate: g.dilation,
            padding: g.padding as 'same' | 'valid',
            useBias: g.bias,
            activation: g.activation as 'relu',
            dataFormat: g.channelsFirst ? 'channelsFirst' : 'channelsLast',
            kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: g.seed }),
            biasInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: g.seed + 1 }),
          }),
          tf.layers.flatten(),
          tf.layers.dense({
            units: 3,
            activation: 'softmax',
            kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: g.seed + 2 }),
          }),
        ],
      });
      const nhwc: [number, number, number, number] = [g.N, g.h, g.w, g.cin];
      const xNhwc = values(nhwc, g.seed + 3);
      const y = tf
        .oneHot(
          tf.tensor1d(
            Array.from({ length: g.N }, (_, n) => (n + g.seed) % 3),
            'int32',
          ),
          3,
        )
        .toFloat();
      const xModel = tf.tidy(() => {
        const t = tf.tensor(xNhwc, nhwc);
        return g.channelsFirst ? tf.transpose(t, [0, 3, 1, 2]) : t;
      });
      // Ours: the capture hooks.
      const { preconditioned, trainableWeights } = modelLayers(model);
      const session = new CaptureSession(preconditioned);
      const result = session.run(() =>
        tf.variableGrads(
          () => lossValue('categoricalCrossentropy', y, model.apply(xModel, { training: true }) as tf.Tensor),
          trainableWeights.map((w) => w.read() as tf.Variable),
        ),
      );
      const calls = session.collect().get(preconditioned[0]!.name)!;
      expect(calls).toHaveLength(1);
      const captured = calls[0]!;
      const conv = model.layers[0]!;
      const kernel = conv.getWeights()[0]!;
      const kernelGrad = result.grads[(conv.weights[0]!.read() as tf.Variable).name]!;
      // Reference g: ∂loss/∂pre by tf.grad of the forward pass split at the pre-activation.
      const activation = tf.layers.activation({ activation: g.activation as 'relu' });
      const pre0 = tf.tidy(() => {
        let p = tf.conv2d(
          tf.tensor(xNhwc, nhwc) as tf.Tensor4D,
          kernel as tf.Tensor4D,
          g.stride,
          g.padding as 'same',
          'NHWC',
          g.dilation,
        ) as tf.Tensor;
        if (g.bias) p = tf.add(p, conv.getWeights()[1]!);
        return p;
      });
      const gRef = tf.grad((pre: tf.Tensor) => {
        let h = activation.apply(g.channelsFirst ? tf.transpose(pre, [0, 3, 1, 2]) : pre) as tf.Tensor;
        for (const layer of model.layers.slice(1)) h = layer.apply(h) as tf.Tensor;
        return lossValue('categoricalCrossentropy', y, h);
      })(pre0);
      // Reference a: the input padded by the rule written out above.
      const pads: [number, number, number, number] = [0, 0, 0, 0];
      if (g.padding === 'same') {
        [
          [g.h, g.kh, 0],
          [g.w, g.kw, 2],
        ].forEach(([size, k, at]) => {
          const total = Math.max(
            (Math.ceil(size! / g.stride) - 1) * g.stride + g.dilation * (k! - 1) + 1 - size!,
            0,
          );
          pads[at!] = Math.floor(total / 2);
          pads[at! + 1] = total - Math.floor(total / 2);
        });
      }
      const aRef = padNhwc(xNhwc, nhwc, pads);
      const layer = preconditioned[0]!.description as Conv2dLayer;
      const options = { approximation: 'expand', lossAverage: 'batch' } as const;
      const ours = processConv2dCapture(layer, captured, options);
      const theirs = processConv2dCapture(
        layer,
        { input: aRef, outputGradient: { shape: gRef.shape, data: gRef.dataSync() as Float32Array } },
        options,
      );
      expectAllClose(ours.inputs.toFloat64Array(), theirs.inputs.toFloat64Array(), TOL, 'Ã');
      expectAllClose(
        ours.outputGradients.toFloat64Array(),
        theirs.outputGradients.toFloat64Array(),
        TOL,
        'G̃',
      );
      // Σ_rows g ⊗ patch is tfjs's kernel gradient (in our [cout, (i, j, c)] layout) and Σ g the bias gradient.
      const patches = unfold(layer, captured.input);
      const P = layer.inChannels * g.kh * g.kw;
      const rows = patches.data.length / P;
      const dW = new Float64Array(g.filters * P);
      const db = new Float64Array(g.filters);
      for (let r = 0; r < rows; r++)
        for (let o = 0; o < g.filters; o++) {
          const go = captured.outputGradient.data[r * g.filters + o]!;
          db[o]! += go;
          for (let p = 0; p < P; p++) dW[o * P + p]! += go * patches.data[r * P + p]!;
        }
      expectAllClose(
        dW,
        kernelToWeight(kernelGrad.dataSync(), g.filters),
        TOL,
        'Σ g ⊗ unfold(a) vs tfjs kernel gradient',
      );
      if (g.bias)
        expectAllClose(
          db,
          result.grads[(conv.weights[1]!.read() as tf.Variable).name]!.dataSync(),
          TOL,
          'Σ g vs tfjs bias gradient',
        );
      tf.dispose([xModel, y, pre0, gRef, result.value, ...Object.values(result.grads)]);
      model.dispose();
    }),
    { numRuns: 40 },
  );
});

test('a Conv2D with dilation trains (tfjs alone has no gradient for dilated conv2d)', async () => {
  const { Trainer } = await import('../src/index.js');
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [7, 7, 1],
        filters: 3,
        kernelSize: 3,
        dilationRate: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({
        units: 2,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }),
      }),
    ],
  });
  const x = tf.tensor(values([12, 7, 7, 1], 8), [12, 7, 7, 1]);
  const y = tf
    .oneHot(
      tf.tensor1d(
        Array.from({ length: 12 }, (_, i) => i % 2),
        'int32',
      ),
      2,
    )
    .toFloat();
  const trainer = new Trainer(model, {
    optimizer: { kind: 'singd', options: { lr: 0.1, T: 2 } },
    loss: 'categoricalCrossentropy',
  });
  const first = trainer.trainBatch(x, y);
  let last = first;
  for (let i = 0; i < 20; i++) last = trainer.trainBatch(x, y);
  expect(last).toBeLessThan(first / 3);
  tf.dispose([x, y]);
  model.dispose();
});

test('one Trainer step on a CNN equals one plain-data Singd step on independently computed captures and gradients', async () => {
  const { Trainer } = await import('../src/index.js');
  const { Singd } = await import('@singd/singd');
  const make = () =>
    tf.sequential({
      layers: [
        tf.layers.conv2d({
          name: 'c',
          inputShape: [5, 5, 2],
          filters: 3,
          kernelSize: 3,
          strides: 2,
          padding: 'same',
          activation: 'relu',
          kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 8 }),
          biasInitializer: tf.initializers.constant({ value: 0.1 }),
        }),
        tf.layers.flatten({ name: 'f' }),
        tf.layers.dense({
          name: 'd',
          units: 2,
          activation: 'softmax',
          kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 9 }),
        }),
      ],
    });
  const N = 3;
  const shape: [number, number, number, number] = [N, 5, 5, 2];
  const xData = values(shape, 12);
  const x = tf.tensor(xData, shape);
  const y = tf.oneHot(tf.tensor1d([0, 1, 1], 'int32'), 2).toFloat();
  const model = make();
  const [kernel, bias] = model.layers[0]!.getWeights();
  const [dKernel, dBias] = model.layers[2]!.getWeights();
  // Independent reference: pre-activations and their gradients by tf.grad of the split forward pass.
  const pre = tf.add(tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, 2, 'same'), bias!);
  const hidden = tf.reshape(tf.relu(pre), [N, -1]);
  const logits = tf.add(tf.matMul(hidden, dKernel!), dBias!);
  const loss = (p: tf.Tensor, z: tf.Tensor) =>
    lossValue(
      'categoricalCrossentropy',
      y,
      tf.softmax(tf.add(tf.matMul(tf.reshape(tf.relu(p), [N, -1]), dKernel!), z)),
    );
  const [gPre] = tf.grads((p: tf.Tensor) => loss(p, dBias!))([pre]);
  const gLogits = tf.grad((z: tf.Tensor) => lossValue('categoricalCrossentropy', y, tf.softmax(z)))(logits);
  // Our layouts by explicit loops: conv weight [cout, (i, j, c)] over the input padded [0, 1] (tfjs 'same', stride 2 on 5 pixels).
  const padded = padNhwc(xData, shape, [1, 1, 1, 1]);
  expect(samePaddingOf(5, 3, 2)).toEqual([1, 1]);
  const k = kernel!.dataSync();
  const P = 3 * 3 * 2;
  const convW = new Float64Array(3 * P);
  for (let o = 0; o < 3; o++) for (let p = 0; p < P; p++) convW[o * P + p] = k[p * 3 + o]!;
  const gW = new Float64Array(3 * P);
  const gb = new Float64Array(3);
  const patches = unfold(
    {
      name: 'c',
      inChannels: 2,
      outChannels: 3,
      kernelSize: 3,
      stride: 2,
      padding: 0,
      bias: true,
      layout: 'NHWC',
    },
    { shape: padded.shape, data: padded.data },
  );
  const gPreData = gPre!.dataSync();
  for (let r = 0; r < N * 9; r++)
    for (let o = 0; o < 3; o++) {
      gb[o]! += gPreData[r * 3 + o]!;
      for (let p = 0; p < P; p++) gW[o * P + p]! += gPreData[r * 3 + o]! * patches.data[r * P + p]!;
    }
  const hiddenData = hidden.dataSync();
  const gLogitsData = gLogits.dataSync();
  const H = 27;
  const dk = dKernel!.dataSync();
  const denseW = new Float64Array(2 * H);
  const gDW = new Float64Array(2 * H);
  const gDb = new Float64Array(2);
  for (let o = 0; o < 2; o++) {
    for (let h = 0; h < H; h++) {
      denseW[o * H + h] = dk[h * 2 + o]!;
      for (let n = 0; n < N; n++) gDW[o * H + h]! += gLogitsData[n * 2 + o]! * hiddenData[n * H + h]!;
    }
    for (let n = 0; n < N; n++) gDb[o]! += gLogitsData[n * 2 + o]!;
  }
  const options = { lr: 0.2, T: 1, momentum: 0, damping: 0.01, lrCov: 0.2 };
  const plain = new Singd(
    [
      {
        type: 'conv2d',
        name: 'c',
        inChannels: 2,
        outChannels: 3,
        kernelSize: 3,
        stride: 2,
        padding: 0,
        bias: true,
        layout: 'NHWC',
      },
      { type: 'linear', name: 'd', inFeatures: H, outFeatures: 2, bias: true },
    ],
    options,
  );
  plain.capture(
    'c',
    { shape: padded.shape, data: padded.data },
    { shape: gPre!.shape, data: gPreData as Float32Array },
  );
  plain.capture(
    'd',
    { shape: [N, H], data: hiddenData as Float32Array },
    { shape: [N, 2], data: gLogitsData as Float32Array },
  );
  const stepped = plain.step(
    {
      c: { weight: convW, bias: Float64Array.from(bias!.dataSync()) },
      d: { weight: denseW, bias: Float64Array.from(dBias!.dataSync()) },
    },
    { c: { weight: gW, bias: gb }, d: { weight: gDW, bias: gDb } },
  );
  if (stepped.skipped) throw new Error(stepped.reason);
  const trainer = new Trainer(model, {
    optimizer: { kind: 'singd', options },
    loss: 'categoricalCrossentropy',
  });
  trainer.trainBatch(x, y);
  const kNew = model.layers[0]!.getWeights()[0]!.dataSync();
  const convNew = new Float64Array(3 * P);
  for (let o = 0; o < 3; o++) for (let p = 0; p < P; p++) convNew[o * P + p] = kNew[p * 3 + o]!;
  expectAllClose(convNew, stepped.params['c']!.weight, TOL, 'conv weight');
  expectAllClose(model.layers[0]!.getWeights()[1]!.dataSync(), stepped.params['c']!.bias!, TOL, 'conv bias');
  const dNew = model.layers[2]!.getWeights()[0]!.dataSync();
  expectAllClose(
    Array.from({ length: 2 * H }, (_, t) => dNew[(t % H) * 2 + Math.floor(t / H)]!),
    stepped.params['d']!.weight,
    TOL,
    'dense weight',
  );
  tf.dispose([x, y, pre, hidden, logits, gPre!, gLogits]);
  model.dispose();
});

/** tfjs's 'same' split for one dim, written out again for the test above. */
function samePaddingOf(size: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}
