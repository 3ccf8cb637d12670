import type { DType } from '@singd/half';
import { DenseMatrix, type StructureSpec } from '@singd/structured-matrix';
import { smallSpecs } from '@singd/structured-matrix/testing';
import { describe, expect, it } from 'vitest';
import { accumulateCapture } from '../../src/preconditioner/capture.js';
import { initLayerState, type SingdLayerState } from '../../src/preconditioner/layer-state.js';
import { naturalGradient } from '../../src/preconditioner/natural-gradient.js';
import { resolveSingdPreconditionerOptions } from '../../src/preconditioner/options.js';
import { updatePreconditioner } from '../../src/preconditioner/update.js';
import { randomMat, rng } from './helpers.js';

const specs: readonly StructureSpec[] = smallSpecs();

const dK = 7;
const dC = 6;

describe.each(['float32', 'bfloat16'] as DType[])('structures in %s', (dtype) => {
  it.each(specs.map((spec) => [spec.kind, spec] as const))(
    '%s keeps its class and dtype over 20 steps and stays finite',
    (_kind, spec) => {
      const next = rng(21);
      const options = resolveSingdPreconditionerOptions({
        structures: { K: spec, C: spec },
        dtypes: { K: dtype, C: dtype },
        lrCov: 0.05,
        normalizeLrCov: true,
      });
      let state: SingdLayerState = initLayerState(dK, dC, options);
      const kClass = state.K.constructor;
      const cClass = state.C.constructor;
      for (let t = 0; t < 20; t++) {
        const a = DenseMatrix.fromRows(randomMat(5, dK, next), dtype);
        const g = DenseMatrix.fromRows(randomMat(5, dC, next, 2), dtype);
        state = updatePreconditioner(accumulateCapture(state, a, g), options, { step: t });
        for (const m of [state.K, state.C, state.mK, state.mC]) {
          expect(m).toBeDefined();
          expect(m?.dtype).toBe(dtype);
          expect(m?.kind).toBe(spec.kind);
          expect(m?.toDense().toFloat64Array().every(Number.isFinite)).toBe(true);
        }
        expect(state.K.constructor).toBe(kClass);
        expect(state.C.constructor).toBe(cClass);
        expect(state.K.rows).toBe(dK);
        expect(state.C.rows).toBe(dC);
      }
      const nat = naturalGradient(state, new Float64Array(randomMat(dC, dK, next).flat()), dC, dK);
      expect(nat).toHaveLength(dC * dK);
      expect(nat.every(Number.isFinite)).toBe(true);
    },
  );
});

describe('mixed structures and dtypes', () => {
  it('K and C may differ in structure and dtype', () => {
    const next = rng(2);
    const options = resolveSingdPreconditionerOptions({
      structures: { K: { kind: 'diagonal' }, C: { kind: 'hierarchical', k1: 3, k2: 2 } },
      dtypes: { K: 'bfloat16', C: 'float32' },
    });
    let state: SingdLayerState = initLayerState(dK, dC, options);
    const a = DenseMatrix.fromRows(randomMat(4, dK, next), 'float64');
    const g = DenseMatrix.fromRows(randomMat(4, dC, next), 'float64');
    state = updatePreconditioner(accumulateCapture(state, a, g), options, { step: 0 });
    expect(state.K.kind).toBe('diagonal');
    expect(state.K.dtype).toBe('bfloat16');
    expect(state.C.kind).toBe('hierarchical');
    expect(state.C.dtype).toBe('float32');
    const nat = naturalGradient(state, new Float64Array(dC * dK).fill(1), dC, dK);
    expect(nat.every(Number.isFinite)).toBe(true);
  });
});
