/**
 * Bad input gives clear errors naming the argument, layer or shape and the valid range; a
 * failed step changes nothing (weights, step counter, hooks); NaN/±∞ throw or are skipped as
 * configured, never silently.
 */

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { NonFiniteError, type OptimizerSpec, Trainer, type TrainerOptions } from '../src/index.js';
import { classification, mlp, useCpu, weightValues } from './helpers.js';

beforeAll(useCpu);

const SINGD: TrainerOptions = {
  optimizer: { kind: 'singd', options: { lr: 0.1, T: 2 } },
  loss: 'categoricalCrossentropy',
};

describe('constructor', () => {
  test.each([
    [
      { ...SINGD, optimizer: { kind: 'lbfgs' } as unknown as OptimizerSpec },
      RangeError,
      /optimizer.kind must be one of 'singd', 'kfac', 'adamw', 'sgd'; got "lbfgs"/,
    ],
    [
      { ...SINGD, fallback: { kind: 'singd' } as OptimizerSpec },
      RangeError,
      /fallback.kind must be 'adamw' or 'sgd'/,
    ],
    [
      { ...SINGD, loss: 'hinge' as never },
      RangeError,
      /loss must be one of 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError'; got "hinge"/,
    ],
    [
      { ...SINGD, fisher: 'exact' as never },
      RangeError,
      /fisher must be 'empirical' or 'monte-carlo'; got "exact"/,
    ],
    [{ ...SINGD, seed: 1.5 }, RangeError, /seed must be an integer; got 1.5/],
    [{ ...SINGD, nonFinite: 'ignore' as never }, RangeError, /nonFinite must be 'throw' or 'skip'/],
    [{ ...SINGD, optimizer: { kind: 'singd', options: { lr: -1 } } as OptimizerSpec }, RangeError, /lr/],
    [
      { ...SINGD, optimizer: { kind: 'kfac', options: { momentum: 1 } } as OptimizerSpec },
      RangeError,
      /kfac option momentum must be a number in \[0, 1\); got 1/,
    ],
    [
      { ...SINGD, optimizer: { kind: 'kfac', options: { damping: -1 } } as OptimizerSpec },
      RangeError,
      /damping must be a finite number >= 0; got -1/,
    ],
  ])('invalid options %#', (options, type, message) => {
    const model = mlp();
    expect(() => new Trainer(model, options as TrainerOptions)).toThrow(type);
    expect(() => new Trainer(model, options as TrainerOptions)).toThrow(message);
    model.dispose();
  });

  test('models the trainer cannot handle', () => {
    expect(() => new Trainer({} as tf.LayersModel, SINGD)).toThrow(/model must be a tf.LayersModel/);
    const regularised = tf.sequential({
      layers: [
        tf.layers.dense({ name: 'reg', inputShape: [2], units: 2, kernelRegularizer: tf.regularizers.l2() }),
      ],
    });
    expect(() => new Trainer(regularised, SINGD)).toThrow(/layer 'reg' has a kernelRegularizer/);
    const input = tf.input({ shape: [2] });
    const twoOutputs = tf.model({
      inputs: input,
      outputs: [
        tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor,
        tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor,
      ],
    });
    expect(() => new Trainer(twoOutputs, SINGD)).toThrow(
      /has 2 outputs; only single-output models are supported/,
    );
  });
});

describe('steps', () => {
  const { x, y } = classification(8, [4], 3);

  test('mismatched x/y is rejected naming the shapes; weights, steps and the model are untouched', () => {
    const model = mlp();
    const trainer = new Trainer(model, SINGD);
    const before = weightValues(model);
    expect(() => trainer.trainBatch(x, tf.zeros([7, 3]))).toThrow(
      /batch sizes differ: x \[\[8, 4\]\] vs y \[7, 3\]/,
    );
    expect(() => trainer.trainBatch(x, tf.zeros([8, 2]))).toThrow(
      /targets y of shape \[8, 2\] do not fit categoricalCrossentropy: expected the predictions' shape \[8, 3\]/,
    );
    expect(() => trainer.trainBatch(tf.zeros([8, 5]), y)).toThrow();
    expect(() => trainer.trainBatch('x' as never, y)).toThrow(TypeError);
    expect(weightValues(model)).toEqual(before);
    expect(trainer.steps).toBe(0);
    for (const layer of model.layers) expect(Object.hasOwn(layer, 'call')).toBe(false); // hooks removed
    expect(trainer.trainBatch(x, y)).toBeGreaterThan(0); // still usable
    model.dispose();
  });

  test('sparse targets must be class indices of shape [N] or [N, 1]', () => {
    const model = mlp();
    const trainer = new Trainer(model, { ...SINGD, loss: 'sparseCategoricalCrossentropy' });
    expect(() => trainer.trainBatch(x, y)).toThrow(
      /do not fit sparseCategoricalCrossentropy with predictions \[8, 3\]: expected \[8\] or \[8, 1\] class indices/,
    );
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1]);
    expect(trainer.trainBatch(x, labels)).toBeGreaterThan(0);
    model.dispose();
  });

  test('step(lossFn) needs a scalar loss and the empirical Fisher', () => {
    const model = mlp();
    const trainer = new Trainer(model, SINGD);
    expect(() => trainer.step(() => model.apply(x) as tf.Scalar)).toThrow(
      /the loss must be a scalar tf.Tensor; got shape \[8, 3\]/,
    );
    expect(
      trainer.step(() => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar),
    ).toBeGreaterThan(0);
    const mc = new Trainer(model, { ...SINGD, fisher: 'monte-carlo' });
    expect(() => mc.step(() => tf.scalar(0))).toThrow(/with fisher 'monte-carlo' use trainBatch/);
    model.dispose();
  });

  test("NaN inputs throw NonFiniteError and change nothing (nonFinite: 'throw')", () => {
    const model = mlp();
    const trainer = new Trainer(model, SINGD);
    const bad = tf.fill([8, 4], Number.NaN);
    const before = weightValues(model);
    expect(() => trainer.trainBatch(bad, y)).toThrow(NonFiniteError);
    expect(() => trainer.trainBatch(bad, y)).toThrow(/step 0: the loss is NaN; nothing was changed/);
    expect(weightValues(model)).toEqual(before);
    expect(trainer.steps).toBe(0);
    model.dispose();
  });

  test.each(['singd', 'kfac'] as const)(
    "%s: with nonFinite: 'skip' NaN steps are recorded and skipped, on update and other steps, and training continues",
    (kind) => {
      const model = mlp();
      const trainer = new Trainer(model, {
        ...SINGD,
        optimizer: { kind, options: { lr: 0.1, T: 2 } },
        nonFinite: 'skip',
      });
      const bad = tf.fill([8, 4], Number.NaN);
      trainer.trainBatch(x, y); // step 0 (update)
      const before = weightValues(model);
      trainer.trainBatch(bad, y); // step 1 (not an update step)
      trainer.trainBatch(bad, y); // step 2 (update step)
      expect(weightValues(model)).toEqual(before);
      expect(trainer.skippedSteps.map((s) => s.step)).toEqual([1, 2]);
      expect(trainer.skippedSteps[0]!.reason).toMatch(/the loss is NaN/);
      expect(trainer.steps).toBe(3);
      const loss = trainer.trainBatch(x, y); // step 3
      const next = trainer.trainBatch(x, y); // step 4 (update)
      expect(next).toBeLessThan(loss);
      model.dispose();
    },
  );

  test('fit arguments are checked; a disposed trainer refuses work', async () => {
    const model = mlp();
    const trainer = new Trainer(model, SINGD);
    await expect(trainer.fit(x, y, { epochs: 0 })).rejects.toThrow(
      /fit: epochs must be an integer ≥ 1; got 0/,
    );
    await expect(trainer.fit(x, y, { batchSize: 2.5 })).rejects.toThrow(
      /fit: batchSize must be an integer ≥ 1; got 2.5/,
    );
    await expect(trainer.fit(x, tf.zeros([3, 3]))).rejects.toThrow(/same number of samples/);
    trainer.dispose();
    expect(() => trainer.trainBatch(x, y)).toThrow(/disposed/);
    model.dispose();
  });

  test('a rejected or skipped step leaves BatchNormalization statistics as they were', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [4], units: 5 }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 3, activation: 'softmax' }),
      ],
    });
    const bad = tf.fill([8, 4], Number.NaN);
    for (const nonFinite of ['throw', 'skip'] as const) {
      const trainer = new Trainer(model, { ...SINGD, nonFinite });
      const before = weightValues(model);
      expect(() => trainer.trainBatch(x, tf.zeros([8, 2]))).toThrow(/do not fit/);
      if (nonFinite === 'throw') expect(() => trainer.trainBatch(bad, y)).toThrow(NonFiniteError);
      else trainer.trainBatch(bad, y);
      expect(weightValues(model)).toEqual(before);
      trainer.trainBatch(x, y);
      const moving = model.layers[1]!.getWeights()[2]!.dataSync();
      expect(Array.from(moving).every(Number.isFinite)).toBe(true);
      expect(Array.from(moving)).not.toEqual(Array.from(before[4]!));
    }
    expect(() => new Trainer(model, SINGD).evaluate(x, y, 0)).toThrow(
      /evaluate: batchSize must be an integer ≥ 1; got 0/,
    );
    model.dispose();
  });
});
