/**
 * KFAC checkpoints of the Trainer: resuming from `saveCheckpoint` continues bit for bit like
 * uninterrupted training (factors in float32 and bfloat16, momentum and learning-rate transform
 * state, cut before an update step and before a plain step), and checkpoints that do not fit
 * are rejected naming the difference, with nothing changed.
 */

import { CheckpointError, deserializeCheckpoint, type StateTree, serializeCheckpoint } from '@singd/singd';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { type KfacTrainerOptions, Trainer, type TrainerOptions } from '../src/index.js';
import { classification, useCpu, weightValues } from './helpers.js';

beforeAll(useCpu);

/** Dense(4 → 6, tanh) → Dense(6 → 3, softmax) with explicit names, so rebuilt models fit the checkpoint. */
function model(seed: number, hidden = 6): tf.LayersModel {
  const init = (s: number) => ({ kernelInitializer: tf.initializers.glorotUniform({ seed: s }) });
  return tf.sequential({
    layers: [
      tf.layers.dense({ name: 'hidden', inputShape: [4], units: hidden, activation: 'tanh', ...init(seed) }),
      tf.layers.dense({ name: 'out', units: 3, activation: 'softmax', ...init(seed + 1) }),
    ],
  });
}

function options(kfac: KfacTrainerOptions): TrainerOptions {
  return {
    optimizer: { kind: 'kfac', options: kfac },
    loss: 'categoricalCrossentropy',
    fisher: 'monte-carlo',
    seed: 3,
  };
}

const KFAC: KfacTrainerOptions = {
  lr: 0.05,
  momentum: 0.9,
  weightDecay: 1e-3,
  T: 2,
  lrCov: 0.2,
  damping: 0.01,
};

/** Reads a checkpoint, lets `edit` change its tree, writes it again. */
function edited(bytes: Uint8Array, edit: (tree: Record<string, StateTree>) => void): Uint8Array {
  const tree = structuredClone(deserializeCheckpoint(bytes)) as Record<string, StateTree>;
  edit(tree);
  return serializeCheckpoint(tree);
}

/** The KFAC part of a trainer checkpoint tree, as the tests read and change it. */
interface KfacTree {
  dtype: string;
  step: number;
  layers: Record<
    string,
    {
      inputCurvature: Float32Array;
      outputCurvature: StateTree;
      pendingInputCurvature: StateTree;
      pendingOutputCurvature: StateTree;
    }
  >;
  transforms: [StateTree, { momentumBuffer: Record<string, Float64Array> }, StateTree];
}

/** The KFAC tree of a checkpoint tree, writable. */
function kfacTree(tree: Record<string, StateTree>): KfacTree {
  return tree['preconditioner'] as unknown as KfacTree;
}

describe('KFAC checkpoints', () => {
  const data = classification(24, [4], 3);
  const fitArgs = { epochs: 2, batchSize: 8, shuffle: true };

  const cases = [
    ['float32', 'the next step a plain step', 0],
    ['float32', 'the next step an update step', 1],
    ['bfloat16', 'the next step an update step', 1],
  ] as const;
  test.each(cases)(
    '%s, %s: resuming equals uninterrupted training, bit for bit',
    async (dtype, _what, extra) => {
      const kfac = { ...KFAC, dtype };
      const a = model(1);
      const trainerA = new Trainer(a, options(kfac));
      await trainerA.fit(data.x, data.y, { ...fitArgs, epochs: 1 }); // steps 0–2; step 3 is a plain step
      for (let i = 0; i < extra; i++) trainerA.trainBatch(data.x, data.y);
      const bytes = trainerA.saveCheckpoint();
      const historyA = await trainerA.fit(data.x, data.y, fitArgs);
      const finalA = weightValues(a);
      const finalBytesA = trainerA.saveCheckpoint();

      const b = model(99); // other initial weights: the checkpoint must overwrite them
      const trainerB = new Trainer(b, options(kfac));
      trainerB.trainBatch(data.x, data.y); // and other optimizer state too
      trainerB.loadCheckpoint(bytes);
      expect(trainerB.steps).toBe(3 + extra);
      expect(trainerB.saveCheckpoint()).toEqual(bytes);
      const historyB = await trainerB.fit(data.x, data.y, fitArgs);
      expect(historyB.history['loss']).toEqual(historyA.history['loss']);
      expect(weightValues(b)).toEqual(finalA);
      expect(trainerB.saveCheckpoint()).toEqual(finalBytesA);
      a.dispose();
      b.dispose();
    },
  );

  test('the factors are stored in their dtype: float32 arrays, bfloat16 half leaves', () => {
    for (const [dtype, isLeaf] of [
      ['float32', (x: unknown) => x instanceof Float32Array],
      ['bfloat16', (x: unknown) => (x as { $half?: string }).$half === 'bfloat16'],
    ] as const) {
      const m = model(1);
      const trainer = new Trainer(m, options({ ...KFAC, dtype }));
      trainer.trainBatch(data.x, data.y);
      const tree = kfacTree(deserializeCheckpoint(trainer.saveCheckpoint()) as Record<string, StateTree>);
      expect(tree.dtype).toBe(dtype);
      expect(tree.step).toBe(1);
      expect(Object.keys(tree.layers)).toEqual(['hidden', 'out']);
      expect(isLeaf(tree.layers['hidden']!.inputCurvature)).toBe(true);
      expect(tree.layers['hidden']!.pendingInputCurvature).toBeNull();
      const momentum = tree.transforms[1].momentumBuffer;
      expect(Object.keys(momentum)).toEqual(['hidden', 'out']);
      expect(momentum['hidden']).toBeInstanceOf(Float64Array);
      expect(momentum['hidden']!.length).toBe(5 * 6); // [W | b] of hidden: 6 × (4 + 1)
      m.dispose();
    }
  });

  test('a KFAC checkpoint that does not fit is rejected naming the difference; nothing changes', () => {
    const source = model(1);
    const sourceTrainer = new Trainer(source, options(KFAC));
    sourceTrainer.trainBatch(data.x, data.y);
    sourceTrainer.trainBatch(data.x, data.y);
    const bytes = sourceTrainer.saveCheckpoint();
    const rejections: [string, KfacTrainerOptions, Uint8Array, RegExp][] = [
      [
        'another dtype',
        { ...KFAC, dtype: 'bfloat16' },
        bytes,
        /checkpoint\.preconditioner\.dtype: value "bfloat16" vs "float32"/,
      ],
      [
        'no momentum buffers',
        { ...KFAC, momentum: 0 },
        bytes,
        /checkpoint\.preconditioner\.transforms\[1\]\.momentumBuffer\.hidden: unexpected in checkpoint/,
      ],
      [
        'a factor of another size',
        KFAC,
        edited(bytes, (t) => {
          kfacTree(t).layers['out']!.outputCurvature = new Float32Array(4);
        }),
        /checkpoint\.preconditioner\.layers\.out\.outputCurvature: length 9 vs 4/,
      ],
      [
        'a missing layer',
        KFAC,
        edited(bytes, (t) => {
          delete kfacTree(t).layers['out'];
        }),
        /checkpoint\.preconditioner\.layers\.out: missing in checkpoint/,
      ],
      [
        'a NaN in a factor',
        KFAC,
        edited(bytes, (t) => {
          kfacTree(t).layers['hidden']!.inputCurvature[2] = Number.NaN;
        }),
        /checkpoint\.preconditioner: layer 'hidden': inputCurvature entry 2 is NaN; every entry must be finite/,
      ],
      [
        'an asymmetric factor',
        KFAC,
        edited(bytes, (t) => {
          kfacTree(t).layers['hidden']!.inputCurvature[1] = 0.5;
        }),
        /checkpoint\.preconditioner: layer 'hidden': inputCurvature is not symmetric/,
      ],
      [
        'a negative step counter',
        KFAC,
        edited(bytes, (t) => {
          kfacTree(t).step = -1;
        }),
        /checkpoint\.preconditioner: step must be an integer >= 0; got -1/,
      ],
      [
        'pending curvature at a plain step',
        KFAC,
        edited(bytes, (t) => {
          const out = kfacTree(t).layers['out']!;
          kfacTree(t).step = 3;
          out.pendingInputCurvature = new Float32Array(49);
          out.pendingOutputCurvature = new Float32Array(9);
        }),
        /checkpoint\.preconditioner: layer 'out': has pending curvature at step 3, which is not an update step/,
      ],
      [
        'a pending matrix of another dtype',
        KFAC,
        edited(bytes, (t) => {
          const out = kfacTree(t).layers['out']!;
          out.pendingInputCurvature = new Float64Array(49);
          out.pendingOutputCurvature = new Float32Array(9);
        }),
        /checkpoint\.preconditioner\.layers\.out\.pendingInputCurvature: not a float32 leaf like the factors/,
      ],
      [
        'a non-finite momentum buffer',
        KFAC,
        edited(bytes, (t) => {
          kfacTree(t).transforms[1].momentumBuffer['out']![0] = Infinity;
        }),
        /checkpoint\.preconditioner\.transforms\[1\]\.momentumBuffer\.out: entry 0 is Infinity; every entry must be finite/,
      ],
    ];
    for (const [what, kfac, checkpoint, message] of rejections) {
      const target = model(2);
      const trainer = new Trainer(target, options(kfac));
      trainer.trainBatch(data.x, data.y);
      const before = weightValues(target);
      const reference = trainer.saveCheckpoint();
      let error: unknown;
      try {
        trainer.loadCheckpoint(checkpoint);
      } catch (e) {
        error = e;
      }
      expect(error, what).toBeInstanceOf(CheckpointError);
      expect((error as CheckpointError).reason, what).toBe('mismatch');
      expect((error as Error).message, what).toMatch(message);
      expect(weightValues(target), what).toEqual(before);
      expect(trainer.saveCheckpoint(), what).toEqual(reference);
      // Still trains normally afterwards.
      trainer.trainBatch(data.x, data.y);
      expect(trainer.steps, what).toBe(2);
      target.dispose();
    }
    source.dispose();
  });
});
