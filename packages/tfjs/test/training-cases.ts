/**
 * The training cases shared by training-mlp.test.ts and training-cnn.test.ts: SINGD for every
 * selectable structure, INGD, IKFAC, bfloat16 factors, KFAC, AdamW and SGD; the full-batch loss
 * must fall by a stated factor.
 */
import type * as tf from '@tensorflow/tfjs';
import { expect, test } from 'vitest';
import { type OptimizerSpec, Trainer } from '../src/index.js';
import { classification, STRUCTURES } from './helpers.js';

/** Full-batch steps per run and the factor by which the loss must fall (measured ≈ 12–20× for the preconditioned ones). */
export const STEPS = 30;
export const FACTOR = 5;

export const SPECS: [string, OptimizerSpec][] = [
  ...STRUCTURES.map((s): [string, OptimizerSpec] => [
    `singd ${s.kind}`,
    { kind: 'singd', options: { lr: 0.1, T: 2, structures: { K: s, C: s } } },
  ]),
  ['INGD (singd defaults: dense)', { kind: 'singd', options: { lr: 0.1, T: 2 } }],
  ['IKFAC (kfacLike)', { kind: 'singd', options: { lr: 0.1, T: 2, kfacLike: true } }],
  [
    'singd bfloat16 factors',
    { kind: 'singd', options: { lr: 0.1, T: 2, dtypes: { K: 'bfloat16', C: 'bfloat16' } } },
  ],
  ['kfac', { kind: 'kfac', options: { lr: 0.1, T: 2 } }],
  ['adamw', { kind: 'adamw', options: { lr: 0.05 } }],
  ['sgd', { kind: 'sgd', options: { lr: 0.5 } }],
];

export function train(
  make: () => tf.LayersModel,
  data: { x: tf.Tensor; y: tf.Tensor },
  spec: OptimizerSpec,
): { first: number; last: number } {
  const model = make();
  const trainer = new Trainer(model, { optimizer: spec, loss: 'categoricalCrossentropy' });
  const first = trainer.trainBatch(data.x, data.y);
  let last = first;
  for (let i = 1; i < STEPS; i++) last = trainer.trainBatch(data.x, data.y);
  last = trainer.evaluate(data.x, data.y).loss;
  trainer.dispose();
  model.dispose();
  return { first, last };
}

/** Registers the cases for one network. */
export function trainingCases(make: () => tf.LayersModel, shape: number[], n: number): void {
  const data = classification(n, shape, 3);
  test.each(SPECS)(`%s: the loss falls ≥ ${FACTOR}× in ${STEPS} steps`, (_name, spec) => {
    const { first, last } = train(make, data, spec);
    expect(first).toBeGreaterThan(0.9); // ≈ ln 3 at the start
    expect(last).toBeLessThan(first / FACTOR);
  });

  test('IKFAC and KFAC agree (spec §2.6): final losses within 5%', () => {
    const ikfac = train(make, data, { kind: 'singd', options: { lr: 0.1, T: 2, kfacLike: true } });
    const kfac = train(make, data, { kind: 'kfac', options: { lr: 0.1, T: 2 } });
    expect(Math.abs(ikfac.last - kfac.last)).toBeLessThan(0.05 * kfac.last);
  });
}
