import { processLinearInputs, processLinearOutputGradients, tensor } from '@singd/kron-curvature';
import { describe, expect, it } from 'vitest';
import { accumulateCapture } from '../../src/preconditioner/capture.js';
import { initLayerState } from '../../src/preconditioner/layer-state.js';
import { naturalGradient } from '../../src/preconditioner/natural-gradient.js';
import { resolveSingdPreconditionerOptions } from '../../src/preconditioner/options.js';
import { updatePreconditioner } from '../../src/preconditioner/update.js';

const layer = { name: 'fc', inFeatures: 2, outFeatures: 2, bias: true };
const a = tensor([3, 2], [1, 2, 3, -1, 0, 1]);
const g = tensor([3, 2], [0.1, -0.2, 0.05, 0.3, -0.1, 0.1]);
const gradW = [
  [0.25, 0.05],
  [0.7, -0.6],
];
const gradB = [0.05, 0.2];

/** Every entry agrees with the printed value to its printed number of decimals. */
function expectPrinted(actual: number[][] | undefined, printed: readonly (readonly string[])[]): void {
  expect(actual).toBeDefined();
  printed.forEach((row, i) => {
    row.forEach((text, j) => {
      const decimals = text.split('.')[1]?.length ?? 7;
      const value = actual?.[i]?.[j] as number;
      expect(Math.abs(value - Number(text)), `(${i},${j}) ${value} vs ${text}`).toBeLessThanOrEqual(
        0.5 * 10 ** -decimals + 1e-15,
      );
    });
  });
}

function captured(kfacLike: boolean) {
  const options = resolveSingdPreconditionerOptions({
    damping: 1e-3,
    lrCov: 1e-2,
    alpha1: 0.5,
    kfacLike,
    dtypes: { K: 'float64', C: 'float64' },
  });
  const processedA = processLinearInputs(layer, a, { approximation: 'expand', dtype: 'float64' });
  const processedG = processLinearOutputGradients(layer, g, {
    approximation: 'expand',
    lossAverage: 'batch',
    dtype: 'float64',
  });
  const state = accumulateCapture(initLayerState(3, 2, options), processedA, processedG);
  return { options, state };
}

describe('golden example (spec §2.5.G)', () => {
  it('matches H_K, H_C, m_K, m_C, K₁, C₁ and the natural gradient to the printed digits', () => {
    const { options, state } = captured(false);
    expectPrinted(state.pendingHK?.toRows(), [
      ['3.3333333', '-0.3333333', '1.3333333'],
      ['-0.3333333', '2', '0.6666667'],
      ['1.3333333', '0.6666667', '1'],
    ]);
    expect(state.pendingHK?.averageTrace()).toBeCloseTo(2.1111111, 7);
    expectPrinted(state.pendingHC?.toRows(), [
      ['0.0675', '-0.045'],
      ['-0.045', '0.42'],
    ]);
    expect(state.pendingHC?.averageTrace()).toBeCloseTo(0.24375, 12);
    const next = updatePreconditioner(state, options, { step: 0 });
    expect(next.pendingHK).toBeUndefined();
    expect(next.pendingHC).toBeUndefined();
    expectPrinted(next.mK?.toRows(), [
      ['-0.09325', '-0.040625', '0.1625'],
      ['-0.040625', '-0.25575', '0.08125'],
      ['0.1625', '0.08125', '-0.377625'],
    ]);
    expectPrinted(next.mC?.toRows(), [
      ['-0.42825', '-0.0475'],
      ['-0.0475', '-0.0561667'],
    ]);
    expectPrinted(next.K.toRows(), [
      ['1.0009325', '0.00040625', '-0.001625'],
      ['0.00040625', '1.0025575', '-0.0008125'],
      ['-0.001625', '-0.0008125', '1.00377625'],
    ]);
    expectPrinted(next.C.toRows(), [
      ['1.0042825', '0.000475'],
      ['0.000475', '1.0005617'],
    ]);
    const gamma = new Float64Array([
      gradW[0]![0]!,
      gradW[0]![1]!,
      gradB[0]!,
      gradW[1]![0]!,
      gradW[1]![1]!,
      gradB[1]!,
    ]);
    const nat = naturalGradient(next, gamma, 2, 3);
    expectPrinted(
      [Array.from(nat.slice(0, 3)), Array.from(nat.slice(3))],
      [
        ['0.25316065', '0.05023674', '0.05009787'],
        ['0.70119264', '-0.60345844', '0.20048404'],
      ],
    );
    // E3 with β2 = 1e-3, α2 = 0.9 (first step: buf = natgrad), γ = 0.
    const w0 = [0.5, -0.5, 0.1, 0.25, 1, -0.1];
    const w1 = w0.map((w, i) => w - 1e-3 * nat[i]!);
    expectPrinted(
      [w1.slice(0, 3), w1.slice(3)],
      [
        ['0.49974684', '-0.50005024', '0.09994990'],
        ['0.24929881', '1.00060346', '-0.10020048'],
      ],
    );
  });

  it('IKFAC variant (kfacLike, alpha1 forced to 0) matches K₁, C₁', () => {
    const { options, state } = captured(true);
    expect(options.alpha1).toBe(0);
    expect(options.warnings).toHaveLength(1);
    expect(state.mK).toBeUndefined();
    const next = updatePreconditioner(state, options, { step: 0 });
    expect(next.mK).toBeUndefined();
    expect(next.mC).toBeUndefined();
    expectPrinted(next.K.toRows(), [
      ['0.98832833', '0.00166667', '-0.00666667'],
      ['0.00166667', '0.994995', '-0.00333333'],
      ['-0.00666667', '-0.00333333', '0.999995'],
    ]);
    expectPrinted(next.C.toRows(), [
      ['1.0046575', '0.000225'],
      ['0.000225', '1.002895'],
    ]);
  });
});
