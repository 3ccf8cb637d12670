import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adamw } from '../../src/transforms/adamw.js';
import { applyUpdates } from '../../src/transforms/apply-updates.js';
import { partition } from '../../src/transforms/partition.js';
import { sgd } from '../../src/transforms/sgd.js';

const vector = (n: number) => fc.float64Array({ minLength: n, maxLength: n, min: -10, max: 10, noNaN: true });

describe('partition (parameter groups)', () => {
  it('property: equals running each group’s transform as a separate optimizer, bit for bit', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(vector(3), vector(2)), { minLength: 1, maxLength: 5 }), (gradients) => {
        const grouped = partition(
          { slow: sgd({ lr: 0.1 }), fast: adamw({ lr: 0.01 }) },
          { a: 'slow', b: 'fast' },
        );
        const first = sgd({ lr: 0.1 });
        const second = adamw({ lr: 0.01 });
        let params = { a: Float64Array.of(1, 2, 3), b: Float64Array.of(-1, 1) };
        let pa = { a: params.a };
        let pb = { b: params.b };
        let s = grouped.init(params);
        let s1 = first.init(pa);
        let s2 = second.init(pb);
        for (const [ga, gb] of gradients) {
          const r = grouped.update({ a: ga, b: gb }, s, params);
          const r1 = first.update({ a: ga }, s1, pa);
          const r2 = second.update({ b: gb }, s2, pb);
          params = applyUpdates(params, r.updates) as typeof params;
          pa = applyUpdates(pa, r1.updates) as typeof pa;
          pb = applyUpdates(pb, r2.updates) as typeof pb;
          s = r.state;
          s1 = r1.state;
          s2 = r2.state;
        }
        return (
          params.a.every((v, i) => Object.is(v, pa.a[i])) && params.b.every((v, i) => Object.is(v, pb.b[i]))
        );
      }),
      { numRuns: 30 },
    );
  });

  it('rejects a label that names no transform, and a parameter without a label', () => {
    expect(() => partition({ slow: sgd({ lr: 0.1 }) }, { a: 'fast' as never })).toThrow(
      /labels\["a"\] is 'fast', which names no transform; transforms: slow/,
    );
    const p = partition({ slow: sgd({ lr: 0.1 }) }, { a: 'slow' });
    expect(() => p.init({ a: new Float64Array(1), z: new Float64Array(1) })).toThrow(RangeError);
    expect(() => p.init({ a: new Float64Array(1), z: new Float64Array(1) })).toThrow(
      /params\["z"\] has no label/,
    );
  });
});
