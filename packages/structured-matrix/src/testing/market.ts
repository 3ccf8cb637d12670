import type { DType } from '@singd/half';
import fc from 'fast-check';
import type { StructureKind, StructureSpec } from '../api.js';
import type { Backend } from '../backend/backend.js';
import { project } from '../project.js';
import type { StructuredMatrix } from '../structures/structured-matrix.js';

/**
 * The "market" (CoLA's term): fast-check arbitraries for structure specs, sizes, symmetric
 * and dense input matrices and structured matrices, shared by the conformance suite and by
 * anyone testing code built on the structures.
 *
 * Matrix entries come from a small seeded generator (mulberry32) whose seed fast-check
 * draws: entries are uniform like the reference suite's `torch.rand`, a d × d matrix costs one
 * drawn number, and a failure is reproduced from fast-check's reported seed. Entries do not
 * shrink (matrices are reported by their worst entry instead).
 */

/** How the entries of a generated matrix are drawn. */
export type EntryDistribution =
  /** Uniform in [0, 1), like the reference suite (`torch.rand`). */
  | 'uniform'
  /** Uniform in [−1, 1). */
  | 'signed'
  /** Integers in {−2, …, 2}: products and sums are exact in every dtype, exposing index mistakes exactly. */
  | 'integer'
  /** Mostly zeros: each entry is non-zero (uniform in [−1, 1)) with probability 1/8. */
  | 'sparse';

/** Every {@link EntryDistribution}. */
export const ENTRY_DISTRIBUTIONS: readonly EntryDistribution[] = ['uniform', 'signed', 'integer', 'sparse'];

/** Options of the matrix arbitraries. */
export interface MatrixArbitraryOptions {
  /** Fixed distribution; default: drawn, weighted towards `uniform` and `signed`. */
  readonly distribution?: EntryDistribution;
  /** Every entry is multiplied by this (default 1): keeps products O(1) for half dtypes. */
  readonly scale?: number;
}

/** mulberry32: a tiny 32-bit generator, uniform floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function entrySampler(distribution: EntryDistribution, random: () => number): () => number {
  switch (distribution) {
    case 'uniform':
      return random;
    case 'signed':
      return () => 2 * random() - 1;
    case 'integer':
      return () => Math.floor(5 * random()) - 2;
    case 'sparse':
      return () => (random() < 0.125 ? 2 * random() - 1 : 0);
  }
}

const seedArbitrary = fc.noShrink(fc.noBias(fc.integer({ min: 0, max: 0x7fffffff })));

function distributionArbitrary(options: MatrixArbitraryOptions): fc.Arbitrary<EntryDistribution> {
  if (options.distribution !== undefined) return fc.constant(options.distribution);
  return fc.oneof(
    { arbitrary: fc.constant<EntryDistribution>('uniform'), weight: 4 },
    { arbitrary: fc.constant<EntryDistribution>('signed'), weight: 4 },
    { arbitrary: fc.constant<EntryDistribution>('integer'), weight: 1 },
    { arbitrary: fc.constant<EntryDistribution>('sparse'), weight: 1 },
  );
}

/** Zero entries keep their sign (`0·scale` of a `−0` stays 0, never −0 from a negative scale). */
function scaled(x: number, scale: number): number {
  return x === 0 ? 0 : x * scale;
}

/**
 * Dense `rows × cols` matrices (plain rows of numbers): the `X` operands of `S·X`, `Sᵀ·X`,
 * `X·S`, `fromInner(X)`, `fromMatInner(X)`.
 */
export function denseArbitrary(
  rows: number,
  cols: number,
  options: MatrixArbitraryOptions = {},
): fc.Arbitrary<number[][]> {
  const scale = options.scale ?? 1;
  return fc.tuple(distributionArbitrary(options), seedArbitrary).map(([distribution, seed]) => {
    const next = entrySampler(distribution, mulberry32(seed));
    return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scaled(next(), scale)));
  });
}

/**
 * Symmetric d × d matrices `M`: the input of `Π` (which is defined for symmetric matrices).
 * Entries are drawn for `i ≤ j` and mirrored; `uniform` gives the reference suite's inputs
 * (`torch.rand` entries in [0, 1)), the other distributions add signs, exact integers and
 * mostly-zero matrices.
 */
export function symmetricMatrixArbitrary(
  d: number,
  options: MatrixArbitraryOptions = {},
): fc.Arbitrary<number[][]> {
  return denseArbitrary(d, d, options).map((m) =>
    m.map((row, i) => row.map((x, j) => (j >= i ? x : m[j]![i]!))),
  );
}

/** Square d × d matrices without any symmetry (for laws that hold for every input, such as `avgtr(Π(M)) = avgtr(M)`). */
export function squareMatrixArbitrary(
  d: number,
  options: MatrixArbitraryOptions = {},
): fc.Arbitrary<number[][]> {
  return denseArbitrary(d, d, options);
}

/** Options of {@link specArbitrary}. */
export interface SpecArbitraryOptions {
  /** Restrict to these kinds (default: all twelve). */
  readonly kinds?: readonly StructureKind[];
  /** Largest block size / hierarchical parameter drawn besides the named ones (default 8). */
  readonly maxParameter?: number;
}

/**
 * Structure specs over every kind. Parameters emphasise the reference's choices and the edge
 * cases: block sizes 1, 2, 3, 30 and small random ones; hierarchical (3, 2), (15, 15), (2, 3)
 * and small random pairs.
 */
export function specArbitrary(options: SpecArbitraryOptions = {}): fc.Arbitrary<StructureSpec> {
  const maxParameter = options.maxParameter ?? 8;
  const parameter = fc.integer({ min: 1, max: maxParameter });
  const byKind: { readonly [K in StructureKind]: fc.Arbitrary<StructureSpec> } = {
    dense: fc.constant({ kind: 'dense' }),
    diagonal: fc.constant({ kind: 'diagonal' }),
    'block-diagonal': fc
      .oneof(fc.constantFrom(1, 2, 3, 30), parameter)
      .map((blockSize) => ({ kind: 'block-diagonal', blockSize })),
    hierarchical: fc
      .oneof(
        fc.constantFrom<[number, number]>([3, 2], [15, 15], [2, 3], [1, 1]),
        fc.tuple(parameter, parameter),
      )
      .map(([k1, k2]) => ({ kind: 'hierarchical', k1, k2 })),
    'lower-toeplitz': fc.constant({ kind: 'lower-toeplitz' }),
    'upper-toeplitz': fc.constant({ kind: 'upper-toeplitz' }),
    'lower-triangular': fc.constant({ kind: 'lower-triangular' }),
    'upper-triangular': fc.constant({ kind: 'upper-triangular' }),
    'lower-bottom-right-diagonal': fc.constant({ kind: 'lower-bottom-right-diagonal' }),
    'lower-top-left-diagonal': fc.constant({ kind: 'lower-top-left-diagonal' }),
    'upper-bottom-right-diagonal': fc.constant({ kind: 'upper-bottom-right-diagonal' }),
    'upper-top-left-diagonal': fc.constant({ kind: 'upper-top-left-diagonal' }),
  };
  const kinds = options.kinds ?? (Object.keys(byKind) as StructureKind[]);
  if (kinds.length === 0) throw new RangeError('specArbitrary: kinds must not be empty');
  return fc.oneof(...kinds.map((kind) => byKind[kind]));
}

const PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61];

/**
 * The sizes that exercise every case of `spec`'s layout, sorted, all ≤ `max` (default 64):
 * 1 and 2; block-diagonal: B − 1, B, B + 1, 2B + 1 (a full block, a remainder block, d < B);
 * hierarchical: one d ≤ k1, every partial-fill boundary (k1, k1 + 1, k1 + k2, k1 + k2 + 1) and
 * one d with a middle of length ≥ 2; Toeplitz: 47, 48, 50 (either side of the cpu backend's
 * FFT threshold). Deterministic: for fixed-size test lists.
 */
export function criticalSizes(spec: StructureSpec, max = 64): number[] {
  const sizes = new Set<number>([1, 2]);
  switch (spec.kind) {
    case 'block-diagonal': {
      const b = spec.blockSize;
      for (const d of [b - 1, b, b + 1, 2 * b + 1]) sizes.add(d);
      break;
    }
    case 'hierarchical': {
      const { k1, k2 } = spec;
      for (const d of [Math.max(1, k1 - 1), k1, k1 + 1, k1 + k2, k1 + k2 + 1, k1 + k2 + 2]) sizes.add(d);
      break;
    }
    case 'lower-toeplitz':
    case 'upper-toeplitz':
      for (const d of [47, 48, 50]) sizes.add(d);
      break;
    default:
      sizes.add(3);
  }
  return [...sizes].filter((d) => d >= 1 && d <= max).sort((a, b) => a - b);
}

/** Options of {@link sizeArbitrary}. */
export interface SizeArbitraryOptions {
  /** Largest size drawn (default 40). */
  readonly max?: number;
}

/**
 * Matrix orders d ≥ 1 emphasising 1, 2, primes and, when `spec` is given, its layout's edge
 * cases: sizes not divisible by the block size, and every hierarchical partial-fill case
 * (`d ≤ k1`, `k1 < d ≤ k1 + k2`, `d > k1 + k2`).
 */
export function sizeArbitrary(
  spec?: StructureSpec,
  options: SizeArbitraryOptions = {},
): fc.Arbitrary<number> {
  const max = Math.max(1, options.max ?? 40);
  const clamp = (d: number): number => Math.min(max, Math.max(1, d));
  const choices: fc.WeightedArbitrary<number>[] = [
    { arbitrary: fc.constantFrom(1, 2), weight: 2 },
    { arbitrary: fc.constantFrom(...PRIMES.filter((p) => p <= max).concat([1])), weight: 3 },
    { arbitrary: fc.integer({ min: 1, max }), weight: 3 },
  ];
  if (spec?.kind === 'block-diagonal') {
    const b = spec.blockSize;
    const remainder = fc.tuple(
      fc.integer({ min: 0, max: 2 }),
      fc.integer({ min: 1, max: Math.max(1, b - 1) }),
    );
    choices.push({
      arbitrary: remainder.map(([blocks, rest]) => clamp(blocks * b + (b > 1 ? rest : 0))),
      weight: 3,
    });
  }
  if (spec?.kind === 'hierarchical') {
    const { k1, k2 } = spec;
    choices.push({
      arbitrary: fc
        .oneof(
          fc.integer({ min: 1, max: k1 }),
          fc.integer({ min: k1 + 1, max: k1 + k2 }),
          fc.integer({ min: k1 + k2 + 1, max: k1 + k2 + 6 }),
        )
        .map(clamp),
      weight: 4,
    });
  }
  return fc.oneof(...choices);
}

/** Widths n of a dense operand (d × n or n × d): 1, 2, d, 2d and anything in between. */
export function widthArbitrary(d: number): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(1, 2, d, 2 * d), fc.integer({ min: 1, max: 2 * d + 1 }));
}

/** Step sizes β of the group elements `I − β·Π(M)` (default range [0.1, 0.5]). */
export function betaArbitrary(min = 0.1, max = 0.5): fc.Arbitrary<number> {
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Where a generated structured matrix lives. */
export interface ElementOptions {
  /** Default: the current backend. */
  readonly backend?: Backend;
  /** Options of the symmetric inputs `M`. */
  readonly entries?: MatrixArbitraryOptions;
}

function placement(dtype: DType, options: ElementOptions): { dtype: DType; backend?: Backend } {
  return options.backend === undefined ? { dtype } : { dtype, backend: options.backend };
}

/** Makes fast-check hand each predicate run its own copy (the in-place operations mutate). */
function cloneable<M extends StructuredMatrix>(matrix: M): M {
  Object.defineProperty(matrix, fc.cloneMethod, {
    value: () => cloneable(matrix.clone()),
    enumerable: false,
  });
  return matrix;
}

/**
 * The elements the reference suite uses: `Π(M)` of a symmetric M (rounded to `dtype`
 * before projecting), as a matrix of `spec`'s class.
 */
export function projectedElementArbitrary(
  spec: StructureSpec,
  d: number,
  dtype: DType,
  options: ElementOptions = {},
): fc.Arbitrary<StructuredMatrix> {
  return symmetricMatrixArbitrary(d, options.entries).map((m) =>
    cloneable(project(spec, m, placement(dtype, options)) as StructuredMatrix),
  );
}

/**
 * Non-symmetric group elements `K = (I − β₁Π(M₁))(I − β₂Π(M₂))`, β ∈ [0.1, 0.5], built with the
 * structure's own operations (`scale`, `addIdentityInPlace`, structured `matmul`) in `dtype`:
 * the matrices SINGD's K and C become after a few updates. Unlike `Π(M)`, they expose
 * transpose mistakes of structures whose projections are symmetric (block-diagonal, dense).
 */
export function groupElementArbitrary(
  spec: StructureSpec,
  d: number,
  dtype: DType,
  options: ElementOptions = {},
): fc.Arbitrary<StructuredMatrix> {
  const m = symmetricMatrixArbitrary(d, options.entries);
  return fc.tuple(m, m, betaArbitrary(), betaArbitrary()).map(([m1, m2, beta1, beta2]) => {
    const where = placement(dtype, options);
    const first = (project(spec, m1, where) as StructuredMatrix).scaleInPlace(-beta1).addIdentityInPlace(1);
    const second = (project(spec, m2, where) as StructuredMatrix).scaleInPlace(-beta2).addIdentityInPlace(1);
    return cloneable(first.matmul(second));
  });
}
