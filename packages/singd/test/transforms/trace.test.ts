import { describe, expect, it } from 'vitest';
import { trace } from '../../src/transforms/trace.js';

describe('trace', () => {
  it('momentum 0 is the identity and allocates no buffers', () => {
    const params = { w: Float64Array.of(1, 2), b: Float32Array.of(3) };
    const t = trace(0);
    const state = t.init(params);
    expect(state).toEqual({ momentumBuffer: {} });
    const g = { w: Float64Array.of(0.5, -1), b: Float32Array.of(2) };
    const result = t.update(g, state, params);
    expect(result.updates).toEqual(g);
    expect(result.state).toEqual({ momentumBuffer: {} });
  });

  it('buf ← α·buf + u from zeros, in the parameters’ dtypes', () => {
    const params = { w: Float32Array.of(0, 0) };
    const t = trace(0.5);
    const s0 = t.init(params);
    expect(s0.momentumBuffer['w']).toEqual(new Float32Array(2));
    const one = t.update({ w: Float32Array.of(1, 2) }, s0, params);
    expect(Array.from(one.updates['w']!)).toEqual([1, 2]);
    const two = t.update({ w: Float32Array.of(1, 2) }, one.state, params);
    expect(Array.from(two.updates['w']!)).toEqual([1.5, 3]);
    expect(two.state.momentumBuffer['w']).toBeInstanceOf(Float32Array);
    expect(two.updates['w']).not.toBe(two.state.momentumBuffer['w']);
  });
});
