/**
 * Checkpoints: resuming from `saveCheckpoint` equals uninterrupted training bit for bit (SINGD
 * with fallback, Monte-Carlo Fisher and shuffled fit), mismatches are rejected with every
 * difference named and nothing changed, and `getWeights`/`setWeights` behave like tfjs's.
 */

import { CheckpointError } from '@singd/singd';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { type OptimizerSpec, Trainer, type TrainerOptions } from '../src/index.js';
import { classification, useCpu, weightValues } from './helpers.js';

beforeAll(useCpu);

/** Conv2D → BatchNormalization → Flatten → Dense: SINGD state, AdamW fallback state and BN moving statistics. */
function model(seed: number): tf.LayersModel {
  const init = (s: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s }) });
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        name: 'conv',
        inputShape: [5, 5, 1],
        filters: 2,
        kernelSize: 3,
        activation: 'relu',
        ...init(seed),
      }),
      tf.layers.batchNormalization({ name: 'bn' }),
      tf.layers.flatten({ name: 'flat' }),
      tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', ...init(seed + 1) }),
    ],
  });
}

const OPTIONS: TrainerOptions = {
  optimizer: {
    kind: 'singd',
    options: { lr: 0.05, T: 3, structures: { K: { kind: 'diagonal' }, C: { kind: 'dense' } } },
  },
  loss: 'categoricalCrossentropy',
  fisher: 'monte-carlo',
  seed: 5,
};

describe('checkpoints', () => {
  const data = classification(24, [5, 5, 1], 3);
  const fitArgs = { epochs: 2, batchSize: 8, shuffle: true };

  test('resuming from a checkpoint equals uninterrupted training, bit for bit', async () => {
    const a = model(1);
    const trainerA = new Trainer(a, OPTIONS);
    await trainerA.fit(data.x, data.y, fitArgs); // 6 steps: the next one is not an update step
    trainerA.trainBatch(data.x, data.y);
    const bytes = trainerA.saveCheckpoint();
    const historyA = await trainerA.fit(data.x, data.y, fitArgs);
    const finalA = weightValues(a);

    const b = model(99); // different initial weights: the checkpoint must overwrite them
    const trainerB = new Trainer(b, OPTIONS);
    trainerB.loadCheckpoint(bytes);
    expect(trainerB.steps).toBe(7);
    const historyB = await trainerB.fit(data.x, data.y, fitArgs);
    expect(historyB.history['loss']).toEqual(historyA.history['loss']);
    expect(weightValues(b)).toEqual(finalA);
    a.dispose();
    b.dispose();
  });

  test('a checkpoint of a different optimizer, structure or architecture is rejected naming the differences; nothing changes', () => {
    const source = model(1);
    const bytes = new Trainer(source, OPTIONS).saveCheckpoint();
    const cases: [TrainerOptions, tf.LayersModel, RegExp][] = [
      [
        { ...OPTIONS, optimizer: { kind: 'adamw' } as OptimizerSpec },
        model(2),
        /optimizer: "adamw" vs "singd"/,
      ],
      [
        { ...OPTIONS, loss: 'meanSquaredError' },
        model(2),
        /loss: "meanSquaredError" vs "categoricalCrossentropy"/,
      ],
      [
        { ...OPTIONS, optimizer: { kind: 'singd', options: { lr: 0.05, T: 3 } } },
        model(2),
        /structure|diagonal|dense/i,
      ],
      [
        OPTIONS,
        tf.sequential({
          layers: [
            tf.layers.conv2d({ name: 'conv', inputShape: [5, 5, 1], filters: 3, kernelSize: 3 }),
            tf.layers.batchNormalization({ name: 'bn' }),
            tf.layers.flatten({ name: 'flat' }),
            tf.layers.dense({ name: 'out', units: 3, activation: 'softmax' }),
          ],
        }),
        /weights\[0\]: 'conv\/kernel' \[3, 3, 1, 3\] vs 'conv\/kernel' \[3, 3, 1, 2\]/,
      ],
    ];
    for (const [options, target, message] of cases) {
      const trainer = new Trainer(target, options);
      const before = weightValues(target);
      const reference = trainer.saveCheckpoint();
      let error: unknown;
      try {
        trainer.loadCheckpoint(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as Error).message).toMatch(message);
      expect(weightValues(target)).toEqual(before);
      expect(trainer.saveCheckpoint()).toEqual(reference);
      target.dispose();
    }
    source.dispose();
  });

  test('corrupt bytes are rejected', () => {
    const m = model(1);
    const trainer = new Trainer(m, OPTIONS);
    const bytes = trainer.saveCheckpoint();
    const corrupt = bytes.slice();
    corrupt[corrupt.length - 10]! ^= 0xff;
    expect(() => trainer.loadCheckpoint(corrupt)).toThrow(CheckpointError);
    expect(() => trainer.loadCheckpoint(bytes.subarray(0, 20))).toThrow(CheckpointError);
    m.dispose();
  });

  test('getWeights returns copies in model order; setWeights checks shapes and keeps optimizer state', () => {
    const m = model(1);
    const trainer = new Trainer(m, OPTIONS);
    const saved = trainer.getWeights();
    expect(saved.map((w) => w.shape)).toEqual(m.weights.map((w) => w.shape));
    trainer.trainBatch(data.x, data.y);
    expect(weightValues(m)).not.toEqual(
      saved.map((w) => Array.from(w.dataSync())).map((v) => Float32Array.from(v)),
    );
    trainer.setWeights(saved);
    expect(weightValues(m)).toEqual(saved.map((w) => Float32Array.from(w.dataSync())));
    expect(trainer.steps).toBe(1);
    expect(() => trainer.setWeights(saved.slice(1))).toThrow(
      /expected 8 tensors \(model.getWeights\(\) order\); got 7/,
    );
    const wrong = [...saved];
    wrong[0] = tf.zeros([3, 3, 1, 5]);
    expect(() => trainer.setWeights(wrong)).toThrow(
      /weight 0 \('conv\/kernel'\) must have shape \[3, 3, 1, 2\]; got \[3, 3, 1, 5\]/,
    );
    tf.dispose([...saved, wrong[0]!]);
    m.dispose();
  });
});
