/**
 * `applyLayerUpdate` ≡ `unflattenLayerParams(layer, W̃ + U)`, bit for bit; `readonlyFlatLayerParams`
 * ≡ `flattenLayerParams` (without a copy when there is no bias).
 */
import { tensor } from '@singd/kron-curvature';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyLayerUpdate,
  flattenLayerParams,
  readonlyFlatLayerParams,
  resolveLayer,
  unflattenLayerParams,
} from '../../src/optimizer/layers.js';
import { Singd } from '../../src/optimizer/singd.js';

const value = fc.integer({ min: -1_000_000, max: 1_000_000 }).map((v) => (v / 4096) * Math.PI);

describe('applyLayerUpdate', () => {
  it('property: equals unflattening the sum W̃ + U, with and without bias', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.boolean(),
        fc.array(value, { minLength: 2 * 6 * 7, maxLength: 2 * 6 * 7 }),
        (inFeatures, outFeatures, bias, values) => {
          const layer = resolveLayer({ name: 'fc', inFeatures, outFeatures, bias });
          const n = layer.dC * layer.dK;
          const flat = Float64Array.from(values.slice(0, n));
          const update = Float64Array.from(values.slice(n, 2 * n));
          const sum = flat.map((p, i) => p + update[i]!);
          const got = applyLayerUpdate(layer, flat, update);
          const want = unflattenLayerParams(layer, sum);
          expect(got.weight).toEqual(want.weight);
          expect(got.bias).toEqual(want.bias);
          expect('bias' in got).toBe(bias);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('readonlyFlatLayerParams: the weight itself without bias, the flattened copy with, the same errors', () => {
    const plain = resolveLayer({ name: 'fc', inFeatures: 3, outFeatures: 2, bias: false });
    const biased = resolveLayer({ name: 'fc', inFeatures: 3, outFeatures: 2, bias: true });
    const weight = Float64Array.of(1, 2, 3, 4, 5, 6);
    const bias = Float64Array.of(7, 8);
    expect(readonlyFlatLayerParams(plain, { weight }, 'params')).toBe(weight);
    const flat = readonlyFlatLayerParams(biased, { weight, bias }, 'params');
    expect(flat).toEqual(flattenLayerParams(biased, { weight, bias }, 'params'));
    expect(flat).toEqual(Float64Array.of(1, 2, 3, 7, 4, 5, 6, 8));
    for (const [layer, p] of [
      [plain, { weight: new Float64Array(5) }],
      [plain, { weight, bias }],
      [biased, { weight }],
      [biased, { weight, bias: new Float64Array(3) }],
    ] as const) {
      expect(() => readonlyFlatLayerParams(layer, p, 'grads')).toThrow(RangeError);
      const message = (() => {
        try {
          flattenLayerParams(layer, p, 'grads');
        } catch (e) {
          return (e as Error).message;
        }
        return 'no error';
      })();
      expect(() => readonlyFlatLayerParams(layer, p, 'grads')).toThrow(message);
      expect(message).toMatch(/^layer 'fc': grads /);
    }
  });

  it('Singd.step on a bias-free layer (no copies of the inputs) leaves params and grads untouched', () => {
    for (const structure of ['diagonal', 'dense'] as const) {
      const opt = new Singd([{ name: 'fc', inFeatures: 4, outFeatures: 3, bias: false }], {
        T: 2,
        lr: 0.1,
        weightDecay: 0.01,
        structures: { K: { kind: structure }, C: { kind: structure } },
      });
      const weight = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i + 1));
      const grad = Float64Array.from({ length: 12 }, (_, i) => Math.cos(i + 1));
      const weightCopy = weight.slice();
      const gradCopy = grad.slice();
      let current: Float64Array = weight;
      for (let t = 0; t < 3; t++) {
        if (opt.isUpdateStep()) {
          opt.capture(
            'fc',
            tensor([2, 4], [1, 2, 3, 4, -1, 0.5, 2, 1]),
            tensor([2, 3], [0.1, -0.2, 0.3, 0.05, 0.1, -0.1]),
          );
        }
        const r = opt.step({ fc: { weight: current } }, { fc: { weight: grad } });
        if (r.skipped) throw new Error(r.reason);
        const next = r.params['fc']!.weight;
        expect(next).not.toBe(current);
        expect(next).not.toBe(grad);
        expect(next.some((v, i) => v !== current[i])).toBe(true);
        current = next;
      }
      expect(weight).toEqual(weightCopy);
      expect(grad).toEqual(gradCopy);
    }
  });
});
