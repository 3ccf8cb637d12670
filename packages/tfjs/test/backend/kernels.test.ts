import { isClose, toleranceFor } from '@singd/half';
import {
  type Backend,
  type DeviceBuffer,
  getBackend,
  KERNEL_NAMES,
  type Kernels,
  type MatrixView,
  type VectorView,
} from '@singd/structured-matrix';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createTfjsBackend } from '../../src/backend/index.js';

/**
 * Every kernel of the `tfjs` backend against the same kernel of the `cpu` backend on the same
 * float32 data, over random geometries: offsets, row strides wider than the view, strided
 * vectors, batched products with stacked, gapped and shared (stride 0) operands, transposes,
 * accumulation, alpha/beta, and aliasing of `out` with an input. The whole output buffer is
 * compared, so elements outside a view must stay exactly as they were.
 *
 * Tolerance: `|tfjs − cpu| ≤ atol + rtol·(|cpu| + scale)` with `toleranceFor('float32', 4)` and
 * `scale` = the largest |entry| of the cpu result buffer: both backends round in float32 but
 * sum in different orders (tfjs's cpu backend may also accumulate reductions in float64).
 */

const TOLERANCE = toleranceFor('float32', 4);
const RUNS = 40;

const cpu = getBackend('cpu');
const tfjs = createTfjsBackend();

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** One kernel call over buffers given by index, and which buffers it writes. */
interface KernelCase {
  readonly lengths: readonly number[];
  readonly outputs: readonly number[];
  call(kernels: Kernels, buffers: readonly DeviceBuffer[]): number | undefined;
}

const entry = fc.double({ min: -2, max: 2, noNaN: true }).map(Math.fround);
const small = (min: number, max: number) => fc.integer({ min, max });
const scalar = fc.constantFrom(1, -0.5, 2.25);

function runOn(backend: Backend, kase: KernelCase, data: readonly number[][]) {
  const buffers = data.map((values) => backend.upload('float32', values));
  const result = kase.call(backend.kernels, buffers);
  const outputs = kase.outputs.map((index) => Array.from(backend.read(buffers[index]!)));
  buffers.forEach((buffer) => {
    backend.dispose(buffer);
  });
  return { result, outputs };
}

function compare(actual: readonly number[], expected: readonly number[], what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(0, ...expected.map(Math.abs));
  expected.forEach((e, i) => {
    const a = actual[i]!;
    const ok =
      isClose(a, e, { atol: TOLERANCE.atol, rtol: TOLERANCE.rtol }) ||
      Math.abs(a - e) <= TOLERANCE.atol + TOLERANCE.rtol * (Math.abs(e) + scale);
    if (!ok) expect.fail(`${what}[${i}]: tfjs ${a}, cpu ${e}`);
  });
}

/** Checks a generated case: same data through both backends, every output buffer and the return value compared. */
function checkCase(arbitrary: fc.Arbitrary<KernelCase>): void {
  fc.assert(
    fc.property(
      arbitrary.chain((kase) =>
        fc.tuple(
          fc.constant(kase),
          fc.tuple(...kase.lengths.map((n) => fc.array(entry, { minLength: n, maxLength: n }))),
        ),
      ),
      ([kase, data]) => {
        const want = runOn(cpu, kase, data);
        const got = runOn(tfjs, kase, data);
        kase.outputs.forEach((_, k) => {
          compare(got.outputs[k]!, want.outputs[k]!, `buffer ${kase.outputs[k]}`);
        });
        if (want.result !== undefined) compare([got.result!], [want.result], 'result');
      },
    ),
    { numRuns: RUNS },
  );
}

/** A matrix placement: offset, row padding, and a buffer long enough (plus a tail). */
const placement = fc.record({ offset: small(0, 3), pad: small(0, 2), tail: small(0, 2) });
type Placement = { offset: number; pad: number; tail: number };

function matrixIn(buffer: DeviceBuffer, p: Placement, rows: number, cols: number): MatrixView {
  return { buffer, offset: p.offset, rows, cols, rowStride: cols + p.pad };
}
function matrixLength(p: Placement, rows: number, cols: number): number {
  return p.offset + rows * (cols + p.pad) + p.tail;
}
function vectorIn(buffer: DeviceBuffer, p: Placement, length: number): VectorView {
  return { buffer, offset: p.offset, length, stride: 1 + p.pad };
}
function vectorLength(p: Placement, length: number): number {
  return p.offset + length * (1 + p.pad) + p.tail;
}
const accumulateOptions = fc.record({ alpha: scalar, accumulate: fc.boolean() });

const CASES: Record<keyof Kernels, fc.Arbitrary<KernelCase>> = {
  gemm: fc
    .record({
      m: small(1, 5),
      n: small(1, 5),
      k: small(0, 5),
      count: small(1, 3),
      gaps: fc.tuple(small(0, 3), small(0, 3), small(0, 3)),
      shareB: fc.boolean(),
      transposeA: fc.boolean(),
      transposeB: fc.boolean(),
      alpha: scalar,
      beta: fc.constantFrom(0, 1, -0.5),
      places: fc.tuple(placement, placement, placement),
    })
    .map((g) => {
      const [po, pa, pb] = g.places;
      const [ar, ac] = g.transposeA ? [g.k, g.m] : [g.m, g.k];
      const [br, bc] = g.transposeB ? [g.n, g.k] : [g.k, g.n];
      const strideOut = g.m * (g.n + po.pad) + g.gaps[0];
      const strideA = ar * (ac + pa.pad) + g.gaps[1];
      const strideB = g.shareB ? 0 : br * (bc + pb.pad) + g.gaps[2];
      const length = (p: Placement, rows: number, cols: number, stride: number) =>
        matrixLength(p, rows, cols) + (g.count - 1) * stride;
      return {
        lengths: [length(po, g.m, g.n, strideOut), length(pa, ar, ac, strideA), length(pb, br, bc, strideB)],
        outputs: [0],
        call: (kernels, [o, a, b]) => {
          kernels.gemm(matrixIn(o!, po, g.m, g.n), matrixIn(a!, pa, ar, ac), matrixIn(b!, pb, br, bc), {
            transposeA: g.transposeA,
            transposeB: g.transposeB,
            alpha: g.alpha,
            beta: g.beta,
            ...(g.count > 1 ? { batch: { count: g.count, strideOut, strideA, strideB } } : {}),
          });
          return undefined;
        },
      };
    }),
  scaleRows: fc
    .record({
      rows: small(1, 5),
      cols: small(1, 5),
      alias: fc.boolean(),
      places: fc.tuple(placement, placement),
      options: accumulateOptions,
    })
    .map((g) => {
      const [pm, pv] = g.places;
      return {
        lengths: [
          matrixLength(pm, g.rows, g.cols),
          vectorLength(pv, g.rows),
          matrixLength(pm, g.rows, g.cols),
        ],
        outputs: [0],
        call: (kernels, [o, s, x]) => {
          const out = matrixIn(o!, pm, g.rows, g.cols);
          kernels.scaleRows(
            out,
            vectorIn(s!, pv, g.rows),
            g.alias ? out : matrixIn(x!, pm, g.rows, g.cols),
            g.options,
          );
          return undefined;
        },
      };
    }),
  scaleColumns: fc
    .record({
      rows: small(1, 5),
      cols: small(1, 5),
      alias: fc.boolean(),
      places: fc.tuple(placement, placement),
      options: accumulateOptions,
    })
    .map((g) => {
      const [pm, pv] = g.places;
      return {
        lengths: [
          matrixLength(pm, g.rows, g.cols),
          vectorLength(pv, g.cols),
          matrixLength(pm, g.rows, g.cols),
        ],
        outputs: [0],
        call: (kernels, [o, s, x]) => {
          const out = matrixIn(o!, pm, g.rows, g.cols);
          kernels.scaleColumns(
            out,
            g.alias ? out : matrixIn(x!, pm, g.rows, g.cols),
            vectorIn(s!, pv, g.cols),
            g.options,
          );
          return undefined;
        },
      };
    }),
  axpby: fc
    .record({
      length: small(1, 9),
      alias: fc.boolean(),
      alpha: scalar,
      beta: fc.constantFrom(0, 1, -0.5),
      places: fc.tuple(placement, placement),
    })
    .map((g) => ({
      lengths: [vectorLength(g.places[0], g.length), vectorLength(g.places[1], g.length)],
      outputs: [0],
      call: (kernels, [o, x]) => {
        const out = vectorIn(o!, g.places[0], g.length);
        kernels.axpby(out, g.alias ? out : vectorIn(x!, g.places[1], g.length), g.alpha, g.beta);
        return undefined;
      },
    })),
  multiply: fc
    .record({
      length: small(1, 9),
      alias: fc.boolean(),
      options: accumulateOptions,
      places: fc.tuple(placement, placement, placement),
    })
    .map((g) => ({
      lengths: g.places.map((p) => vectorLength(p, g.length)),
      outputs: [0],
      call: (kernels, [o, a, b]) => {
        const out = vectorIn(o!, g.places[0], g.length);
        kernels.multiply(
          out,
          g.alias ? out : vectorIn(a!, g.places[1], g.length),
          vectorIn(b!, g.places[2], g.length),
          g.options,
        );
        return undefined;
      },
    })),
  fill: fc.record({ length: small(1, 9), value: scalar, place: placement }).map((g) => ({
    lengths: [vectorLength(g.place, g.length)],
    outputs: [0],
    call: (kernels, [o]) => {
      kernels.fill(vectorIn(o!, g.place, g.length), g.value);
      return undefined;
    },
  })),
  addScalar: fc.record({ length: small(1, 9), value: scalar, place: placement }).map((g) => ({
    lengths: [vectorLength(g.place, g.length)],
    outputs: [0],
    call: (kernels, [o]) => {
      kernels.addScalar(vectorIn(o!, g.place, g.length), g.value);
      return undefined;
    },
  })),
  copy: fc
    .record({
      rows: small(1, 5),
      cols: small(1, 5),
      transpose: fc.boolean(),
      options: accumulateOptions,
      places: fc.tuple(placement, placement),
    })
    .map((g) => {
      const [xr, xc] = g.transpose ? [g.cols, g.rows] : [g.rows, g.cols];
      return {
        lengths: [matrixLength(g.places[0], g.rows, g.cols), matrixLength(g.places[1], xr, xc)],
        outputs: [0],
        call: (kernels, [o, x]) => {
          kernels.copy(matrixIn(o!, g.places[0], g.rows, g.cols), matrixIn(x!, g.places[1], xr, xc), {
            ...g.options,
            transpose: g.transpose,
          });
          return undefined;
        },
      };
    }),
  rowSquaredSums: fc
    .record({
      rows: small(1, 5),
      cols: small(1, 5),
      options: accumulateOptions,
      places: fc.tuple(placement, placement),
    })
    .map((g) => ({
      lengths: [vectorLength(g.places[0], g.rows), matrixLength(g.places[1], g.rows, g.cols)],
      outputs: [0],
      call: (kernels, [o, x]) => {
        kernels.rowSquaredSums(
          vectorIn(o!, g.places[0], g.rows),
          matrixIn(x!, g.places[1], g.rows, g.cols),
          g.options,
        );
        return undefined;
      },
    })),
  columnSquaredSums: fc
    .record({
      rows: small(1, 5),
      cols: small(1, 5),
      options: accumulateOptions,
      places: fc.tuple(placement, placement),
    })
    .map((g) => ({
      lengths: [vectorLength(g.places[0], g.cols), matrixLength(g.places[1], g.rows, g.cols)],
      outputs: [0],
      call: (kernels, [o, x]) => {
        kernels.columnSquaredSums(
          vectorIn(o!, g.places[0], g.cols),
          matrixIn(x!, g.places[1], g.rows, g.cols),
          g.options,
        );
        return undefined;
      },
    })),
  diagonalSums: fc
    .record({
      d: small(1, 6),
      lags: small(1, 6),
      lower: fc.boolean(),
      options: accumulateOptions,
      places: fc.tuple(placement, placement),
    })
    .map((g) => {
      const lags = Math.min(g.lags, g.d);
      return {
        lengths: [vectorLength(g.places[0], lags), matrixLength(g.places[1], g.d, g.d)],
        outputs: [0],
        call: (kernels, [o, x]) => {
          kernels.diagonalSums(vectorIn(o!, g.places[0], lags), matrixIn(x!, g.places[1], g.d, g.d), {
            ...g.options,
            lower: g.lower,
          });
          return undefined;
        },
      };
    }),
  toeplitzMatmul: fc
    .record({
      d: small(1, 7),
      n: small(1, 4),
      lower: fc.boolean(),
      places: fc.tuple(placement, placement, placement),
    })
    .map((g) => ({
      lengths: [
        matrixLength(g.places[0], g.d, g.n),
        vectorLength(g.places[1], g.d),
        matrixLength(g.places[2], g.d, g.n),
      ],
      outputs: [0],
      call: (kernels, [o, t, x]) => {
        kernels.toeplitzMatmul(
          matrixIn(o!, g.places[0], g.d, g.n),
          vectorIn(t!, g.places[1], g.d),
          matrixIn(x!, g.places[2], g.d, g.n),
          {
            lower: g.lower,
          },
        );
        return undefined;
      },
    })),
  toeplitzProduct: fc
    .record({ d: small(1, 8), places: fc.tuple(placement, placement, placement) })
    .map((g) => ({
      lengths: g.places.map((p) => vectorLength(p, g.d)),
      outputs: [0],
      call: (kernels, [o, a, b]) => {
        kernels.toeplitzProduct(
          vectorIn(o!, g.places[0], g.d),
          vectorIn(a!, g.places[1], g.d),
          vectorIn(b!, g.places[2], g.d),
        );
        return undefined;
      },
    })),
  columnAutocorrelations: fc
    .record({
      d: small(1, 7),
      n: small(1, 4),
      lags: small(1, 7),
      alpha: scalar,
      places: fc.tuple(placement, placement),
    })
    .map((g) => {
      const lags = Math.min(g.lags, g.d);
      return {
        lengths: [vectorLength(g.places[0], lags), matrixLength(g.places[1], g.d, g.n)],
        outputs: [0],
        call: (kernels, [o, x]) => {
          kernels.columnAutocorrelations(
            vectorIn(o!, g.places[0], lags),
            matrixIn(x!, g.places[1], g.d, g.n),
            { alpha: g.alpha },
          );
          return undefined;
        },
      };
    }),
  packedTriangularMatmul: fc
    .record({
      d: small(1, 6),
      n: small(1, 4),
      lower: fc.boolean(),
      transpose: fc.boolean(),
      places: fc.tuple(placement, placement, placement),
    })
    .map((g) => {
      const size = (g.d * (g.d + 1)) / 2;
      return {
        lengths: [
          matrixLength(g.places[0], g.d, g.n),
          vectorLength(g.places[1], size),
          matrixLength(g.places[2], g.d, g.n),
        ],
        outputs: [0],
        call: (kernels, [o, l, x]) => {
          kernels.packedTriangularMatmul(
            matrixIn(o!, g.places[0], g.d, g.n),
            vectorIn(l!, g.places[1], size),
            matrixIn(x!, g.places[2], g.d, g.n),
            {
              lower: g.lower,
              transpose: g.transpose,
            },
          );
          return undefined;
        },
      };
    }),
  packedTriangularProduct: fc
    .record({ d: small(1, 6), lower: fc.boolean(), places: fc.tuple(placement, placement, placement) })
    .map((g) => {
      const size = (g.d * (g.d + 1)) / 2;
      return {
        lengths: g.places.map((p) => vectorLength(p, size)),
        outputs: [0],
        call: (kernels, [o, a, b]) => {
          kernels.packedTriangularProduct(
            vectorIn(o!, g.places[0], size),
            vectorIn(a!, g.places[1], size),
            vectorIn(b!, g.places[2], size),
            {
              lower: g.lower,
            },
          );
          return undefined;
        },
      };
    }),
  packedGram: fc
    .record({
      d: small(1, 6),
      n: small(1, 4),
      lower: fc.boolean(),
      scale: fc.constantFrom(1, 2, 0.5),
      places: fc.tuple(placement, placement),
    })
    .map((g) => {
      const size = (g.d * (g.d + 1)) / 2;
      return {
        lengths: [vectorLength(g.places[0], size), matrixLength(g.places[1], g.d, g.n)],
        outputs: [0],
        call: (kernels, [o, x]) => {
          kernels.packedGram(vectorIn(o!, g.places[0], size), matrixIn(x!, g.places[1], g.d, g.n), {
            lower: g.lower,
            offDiagonalScale: g.scale,
          });
          return undefined;
        },
      };
    }),
  packedTransposedGram: fc
    .record({
      d: small(1, 6),
      lower: fc.boolean(),
      scale: fc.constantFrom(1, 2, 0.5),
      places: fc.tuple(placement, placement),
    })
    .map((g) => {
      const size = (g.d * (g.d + 1)) / 2;
      return {
        lengths: g.places.map((p) => vectorLength(p, size)),
        outputs: [0],
        call: (kernels, [o, l]) => {
          kernels.packedTransposedGram(vectorIn(o!, g.places[0], size), vectorIn(l!, g.places[1], size), {
            lower: g.lower,
            offDiagonalScale: g.scale,
          });
          return undefined;
        },
      };
    }),
  sum: fc.record({ length: small(0, 9), place: placement }).map((g) => ({
    lengths: [vectorLength(g.place, g.length)],
    outputs: [],
    call: (kernels, [x]) => kernels.sum(vectorIn(x!, g.place, g.length)),
  })),
  sumSquares: fc.record({ length: small(0, 9), place: placement }).map((g) => ({
    lengths: [vectorLength(g.place, g.length)],
    outputs: [],
    call: (kernels, [x]) => kernels.sumSquares(vectorIn(x!, g.place, g.length)),
  })),
  maxAbs: fc.record({ length: small(0, 9), place: placement }).map((g) => ({
    lengths: [vectorLength(g.place, g.length)],
    outputs: [],
    call: (kernels, [x]) => kernels.maxAbs(vectorIn(x!, g.place, g.length)),
  })),
};

describe('tfjs kernels equal the cpu kernels (float32, random views)', () => {
  it('covers every kernel of the registry', () => {
    expect(Object.keys(CASES).sort()).toEqual([...KERNEL_NAMES].sort());
    expect(Object.keys(tfjs.kernels).sort()).toEqual([...KERNEL_NAMES].sort());
  });
  for (const name of KERNEL_NAMES) {
    it(name, () => checkCase(CASES[name]));
  }
});

describe('tfjs kernels: NaN semantics of the cpu backend', () => {
  it('gemm and axpby with beta = 0 never read NaN in out; maxAbs reports NaN; sum propagates it', () => {
    const out = tfjs.upload('float32', [Number.NaN, Number.NaN, Number.NaN, Number.NaN]);
    const a = tfjs.upload('float32', [1, 2, 3, 4]);
    const view = (buffer: DeviceBuffer): MatrixView => ({
      buffer,
      offset: 0,
      rows: 2,
      cols: 2,
      rowStride: 2,
    });
    tfjs.kernels.gemm(view(out), view(a), view(a), {
      transposeA: false,
      transposeB: false,
      alpha: 1,
      beta: 0,
    });
    expect(Array.from(tfjs.read(out))).toEqual([7, 10, 15, 22]);
    const nan = tfjs.upload('float32', [1, Number.NaN, -3]);
    const whole = (buffer: DeviceBuffer, length: number): VectorView => ({
      buffer,
      offset: 0,
      length,
      stride: 1,
    });
    tfjs.kernels.axpby(whole(nan, 3), whole(a, 3), 2, 0);
    expect(Array.from(tfjs.read(nan))).toEqual([2, 4, 6]);
    const withNaN = tfjs.upload('float32', [1, Number.NaN, -3]);
    expect(tfjs.kernels.maxAbs(whole(withNaN, 3))).toBeNaN();
    expect(tfjs.kernels.maxAbs(whole(withNaN, 1))).toBe(1);
    expect(tfjs.kernels.sum(whole(withNaN, 3))).toBeNaN();
    // NaN outside a written view stays where it is.
    tfjs.kernels.fill({ buffer: withNaN, offset: 0, length: 2, stride: 2 }, 5);
    const after = Array.from(tfjs.read(withNaN));
    expect(after[0]).toBe(5);
    expect(after[1]).toBeNaN();
    expect(after[2]).toBe(5);
    for (const buffer of [out, a, nan, withNaN]) tfjs.dispose(buffer);
  });
});
