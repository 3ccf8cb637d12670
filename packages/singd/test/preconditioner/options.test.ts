import { describe, expect, it } from 'vitest';
import { initLayerState } from '../../src/preconditioner/layer-state.js';
import { naturalGradient } from '../../src/preconditioner/natural-gradient.js';
import {
  lrCovAt,
  resolveSingdPreconditionerOptions,
  type SingdPreconditionerOptions,
} from '../../src/preconditioner/options.js';

describe('resolveSingdPreconditionerOptions', () => {
  it('fills in the defaults of spec §2.5.A', () => {
    const o = resolveSingdPreconditionerOptions();
    expect(o).toMatchObject({
      damping: 1e-3,
      alpha1: 0.5,
      lrCov: 1e-2,
      structures: { K: { kind: 'dense' }, C: { kind: 'dense' } },
      dtypes: { K: 'float32', C: 'float32' },
      kfacLike: false,
      normalizeLrCov: false,
      warnings: [],
    });
  });

  it('forces alpha1 = 0 with a warning in kfacLike mode', () => {
    const o = resolveSingdPreconditionerOptions({ kfacLike: true });
    expect(o.alpha1).toBe(0);
    expect(o.warnings[0]).toMatch(/alpha1/);
    expect(resolveSingdPreconditionerOptions({ kfacLike: true, alpha1: 0 }).warnings).toEqual([]);
    const state = initLayerState(3, 2, o);
    expect(state.mK).toBeUndefined();
    expect(state.mC).toBeUndefined();
  });

  it.each([
    [{ damping: -1 }, /damping/],
    [{ damping: Number.NaN }, /damping/],
    [{ alpha1: 1 }, /alpha1.*\[0, 1\)/],
    [{ alpha1: -0.1 }, /alpha1/],
    [{ lrCov: -1e-3 }, /lrCov/],
    [{ lrCov: Number.POSITIVE_INFINITY }, /lrCov/],
    [{ structures: { K: { kind: 'nope' }, C: { kind: 'dense' } } }, /structures\.K/],
    [{ dtypes: { K: 'float32', C: 'int8' } }, /dtypes\.C/],
  ] as [unknown, RegExp][])('rejects %j', (options, message) => {
    expect(() => resolveSingdPreconditionerOptions(options as SingdPreconditionerOptions)).toThrow(
      RangeError,
    );
    expect(() => resolveSingdPreconditionerOptions(options as SingdPreconditionerOptions)).toThrow(message);
  });

  it('rejects non-boolean flags with a TypeError', () => {
    expect(() => resolveSingdPreconditionerOptions({ kfacLike: 1 as never })).toThrow(TypeError);
    expect(() => resolveSingdPreconditionerOptions({ normalizeLrCov: 'yes' as never })).toThrow(TypeError);
  });

  it('evaluates lrCov schedules at the 0-based step', () => {
    expect(lrCovAt(0.3, 5)).toBe(0.3);
    expect(lrCovAt((t) => 0.1 * t, 3)).toBeCloseTo(0.3, 15);
    expect(() => lrCovAt(() => -1, 0)).toThrow(RangeError);
  });

  it('naturalGradient checks sizes', () => {
    const state = initLayerState(3, 2, resolveSingdPreconditionerOptions());
    expect(() => naturalGradient(state, new Float64Array(5), 2, 3)).toThrow(RangeError);
    expect(() => naturalGradient(state, new Float64Array(6), 3, 2)).toThrow(RangeError);
  });
});
