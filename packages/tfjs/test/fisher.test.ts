/**
 * The Monte-Carlo Fisher: sampled targets follow the predictive distribution, the expected
 * captured `G = G̃ᵀG̃` is the loss Hessian's output factor (the GGN), and a trainer with it
 * trains, reproducibly for a seed.
 */

import { type LinearLayer, processLinearOutputGradients } from '@singd/kron-curvature';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  CaptureSession,
  lossValue,
  modelLayers,
  SeededRandom,
  sampleTargets,
  Trainer,
} from '../src/index.js';
import { classification, mlp, useCpu, values, weightValues } from './helpers.js';

beforeAll(useCpu);

describe('sampleTargets', () => {
  const probabilities = [0.1, 0.6, 0.3, 0.25, 0.25, 0.5];
  const draws = 4000;

  test.each(['categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const)(
    '%s: class frequencies match the predicted probabilities (within 4 binomial σ)',
    (loss) => {
      const rng = new SeededRandom(3);
      const counts = new Float64Array(6);
      const p = tf.tensor(probabilities, [2, 3]);
      for (let d = 0; d < draws; d++) {
        const t = sampleTargets(loss, p, rng);
        const v = t.dataSync();
        if (loss === 'sparseCategoricalCrossentropy') {
          expect(t.shape).toEqual([2]);
          counts[v[0]!]!++;
          counts[3 + v[1]!]!++;
        } else {
          expect(t.shape).toEqual([2, 3]);
          v.forEach((one, i) => {
            counts[i]! += one;
          });
        }
        t.dispose();
      }
      probabilities.forEach((q, i) => {
        const sigma = Math.sqrt((q * (1 - q)) / draws);
        expect(Math.abs(counts[i]! / draws - q)).toBeLessThan(4 * sigma);
      });
      p.dispose();
    },
  );

  test('meanSquaredError: y = ŷ + N(0, D/2): sample mean and variance within 4 standard errors', () => {
    const rng = new SeededRandom(4);
    const D = 4;
    const yhat = tf.tensor([0.5, -1, 2, 0], [1, D]);
    const sum = new Float64Array(D);
    const sq = new Float64Array(D);
    for (let d = 0; d < draws; d++) {
      const t = sampleTargets('meanSquaredError', yhat, rng);
      t.dataSync().forEach((v, i) => {
        const e = v - yhat.dataSync()[i]!;
        sum[i]! += e;
        sq[i]! += e * e;
      });
      t.dispose();
    }
    const variance = D / 2;
    for (let i = 0; i < D; i++) {
      expect(Math.abs(sum[i]! / draws)).toBeLessThan(4 * Math.sqrt(variance / draws));
      expect(Math.abs(sq[i]! / draws - variance)).toBeLessThan(4 * variance * Math.sqrt(2 / draws));
    }
    yhat.dispose();
  });

  test('cross-entropy targets need probability rows', () => {
    const rng = new SeededRandom(1);
    const logits = tf.tensor([2, -1, 0.5], [1, 3]);
    expect(() => sampleTargets('categoricalCrossentropy', logits, rng)).toThrow(
      /needs probabilities \(a softmax last layer\); prediction \[0, 1\] is -1/,
    );
    const unnormalised = tf.tensor([0.5, 0.5, 0.5], [1, 3]);
    expect(() => sampleTargets('sparseCategoricalCrossentropy', unnormalised, rng)).toThrow(
      /row 0 sums to 1.5/,
    );
    tf.dispose([logits, unnormalised]);
  });
});

describe('the Monte-Carlo capture', () => {
  test('E[G̃ᵀG̃] of the last softmax layer is (1/N)·Σ_n (diag(p_n) − p_n p_nᵀ), the GGN factor (400 draws, |error| < 0.02)', () => {
    const N = 4;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({
          inputShape: [3],
          units: 3,
          activation: 'softmax',
          kernelInitializer: tf.initializers.randomUniform({ minval: -1, maxval: 1, seed: 3 }),
        }),
      ],
    });
    const x = tf.tensor(values([N, 3], 9), [N, 3]);
    const p = (model.predict(x) as tf.Tensor).arraySync() as number[][];
    const { preconditioned, trainableWeights } = modelLayers(model);
    const layer = preconditioned[0]!;
    const rng = new SeededRandom(11);
    const draws = 400;
    const mean = new Float64Array(9);
    for (let d = 0; d < draws; d++) {
      const session = new CaptureSession([layer]);
      const r = session.run(() =>
        tf.variableGrads(
          () => {
            const predicted = model.apply(x, { training: true }) as tf.Tensor;
            return lossValue(
              'categoricalCrossentropy',
              sampleTargets('categoricalCrossentropy', predicted, rng),
              predicted,
            );
          },
          trainableWeights.map((w) => w.read() as tf.Variable),
        ),
      );
      const call = session.collect().get(layer.name)![0]!;
      tf.dispose([r.value, ...Object.values(r.grads)]);
      const g = processLinearOutputGradients(layer.description as LinearLayer, call.outputGradient, {
        approximation: 'expand',
        lossAverage: 'batch',
        dtype: 'float64',
      });
      const G = g.transpose().matmul(g).toFloat64Array();
      for (let i = 0; i < 9; i++) mean[i]! += G[i]! / draws;
    }
    const expected = new Float64Array(9);
    for (const row of p)
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) expected[i * 3 + j]! += ((i === j ? row[i]! : 0) - row[i]! * row[j]!) / N;
    for (let i = 0; i < 9; i++) expect(Math.abs(mean[i]! - expected[i]!)).toBeLessThan(0.02);
    tf.dispose(x);
    model.dispose();
  });

  test('a trainer with the Monte-Carlo Fisher trains, equally for equal seeds and differently for different seeds', () => {
    const data = classification(48, [4], 3);
    const run = (seed: number) => {
      const model = mlp(4, 8, 3, 21);
      const trainer = new Trainer(model, {
        optimizer: { kind: 'singd', options: { lr: 0.1, T: 1, lrCov: 0.1 } },
        loss: 'categoricalCrossentropy',
        fisher: 'monte-carlo',
        seed,
      });
      const first = trainer.trainBatch(data.x, data.y);
      let last = first;
      for (let i = 1; i < 30; i++) last = trainer.trainBatch(data.x, data.y);
      const weights = weightValues(model);
      model.dispose();
      return { first, last, weights };
    };
    const a = run(1);
    const b = run(1);
    const c = run(2);
    expect(a.last).toBeLessThan(a.first / 5);
    expect(b.weights).toEqual(a.weights);
    expect(c.weights).not.toEqual(a.weights);
  });
});
