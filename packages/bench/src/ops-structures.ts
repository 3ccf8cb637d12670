import type { StructureKind, StructureSpec } from '@singd/structured-matrix';

/**
 * How a structure's cost scales with d for `fromInner(X)` and `S·X` (X: d × n):
 *
 * - `baseline`: dense, O(d²·n) — every other structure is compared with it;
 * - `linear`: O(d·n) (stored entries are O(d)), held to the linear-growth and
 *   faster-than-dense targets;
 * - `quadratic`: the general triangular structures, O(d²·n) by nature (d(d+1)/2 stored
 *   entries): reported, but not held to those targets.
 */
export type OpsScaling = 'baseline' | 'linear' | 'quadratic';

/** One benchmarked structure: its spec (with the benchmark's parameters) and how it scales. */
export interface OpsStructure {
  /** The structure's `kind`, also its name on the command line (`--structures`). */
  readonly name: StructureKind;
  /** The spec passed to `project` / `storageSize`. */
  readonly spec: StructureSpec;
  /** The name in tables, with parameters (`block-diagonal (B = 30)`). */
  readonly label: string;
  readonly scaling: OpsScaling;
}

/** Every structure of the `ops` benchmark, in table order (dense first: it is the baseline). */
export const OPS_STRUCTURES: readonly OpsStructure[] = Object.freeze([
  { name: 'dense', spec: { kind: 'dense' }, label: 'dense', scaling: 'baseline' },
  { name: 'diagonal', spec: { kind: 'diagonal' }, label: 'diagonal', scaling: 'linear' },
  {
    name: 'block-diagonal',
    spec: { kind: 'block-diagonal', blockSize: 30 },
    label: 'block-diagonal (B = 30)',
    scaling: 'linear',
  },
  {
    name: 'hierarchical',
    spec: { kind: 'hierarchical', k1: 15, k2: 15 },
    label: 'hierarchical (15, 15)',
    scaling: 'linear',
  },
  { name: 'lower-toeplitz', spec: { kind: 'lower-toeplitz' }, label: 'lower-toeplitz', scaling: 'linear' },
  { name: 'upper-toeplitz', spec: { kind: 'upper-toeplitz' }, label: 'upper-toeplitz', scaling: 'linear' },
  {
    name: 'lower-triangular',
    spec: { kind: 'lower-triangular' },
    label: 'lower-triangular',
    scaling: 'quadratic',
  },
  {
    name: 'upper-triangular',
    spec: { kind: 'upper-triangular' },
    label: 'upper-triangular',
    scaling: 'quadratic',
  },
  {
    name: 'lower-bottom-right-diagonal',
    spec: { kind: 'lower-bottom-right-diagonal' },
    label: 'lower-bottom-right-diagonal',
    scaling: 'linear',
  },
  {
    name: 'lower-top-left-diagonal',
    spec: { kind: 'lower-top-left-diagonal' },
    label: 'lower-top-left-diagonal',
    scaling: 'linear',
  },
  {
    name: 'upper-bottom-right-diagonal',
    spec: { kind: 'upper-bottom-right-diagonal' },
    label: 'upper-bottom-right-diagonal',
    scaling: 'linear',
  },
  {
    name: 'upper-top-left-diagonal',
    spec: { kind: 'upper-top-left-diagonal' },
    label: 'upper-top-left-diagonal',
    scaling: 'linear',
  },
] satisfies OpsStructure[]);

/** The `--structures` names, in table order. */
export const OPS_STRUCTURE_NAMES: readonly StructureKind[] = Object.freeze(OPS_STRUCTURES.map((s) => s.name));

/** The benchmark's entry for structure `name`. @throws RangeError listing the valid names. */
export function opsStructure(name: string): OpsStructure {
  const structure = OPS_STRUCTURES.find((s) => s.name === name);
  if (structure === undefined) {
    throw new RangeError(`unknown structure '${name}'; valid structures: ${OPS_STRUCTURE_NAMES.join(', ')}`);
  }
  return structure;
}

/**
 * Stored entries of a d × d matrix of `spec`, computed here from spec §3.3's counts,
 * independently of the structured-matrix package (the benchmark checks the two agree):
 *
 * | structure | stored entries |
 * |---|---|
 * | dense | d² |
 * | diagonal, lower/upper-toeplitz | d |
 * | block-diagonal (B) | ⌊d/B⌋·B² + (d mod B)² |
 * | hierarchical (k1, k2), d > k1 + k2 | k1² + k1(d − k1) + (k2 + 1)(d − k1 − k2) + k2² (31d − 255 for (15, 15)) |
 * | hierarchical, k1 < d ≤ k1 + k2 | k1² + k1(d − k1) + (d − k1)² (no middle block; E is (d − k1)²) |
 * | hierarchical, d ≤ k1 | d² (A only) |
 * | lower/upper-triangular | d(d + 1)/2 |
 * | the four sparse kinds | 2d − 1 (one row or column + the diagonal; 0 for d = 0) |
 */
export function specStorageEntries(spec: StructureSpec, d: number): number {
  switch (spec.kind) {
    case 'dense':
      return d * d;
    case 'diagonal':
    case 'lower-toeplitz':
    case 'upper-toeplitz':
      return d;
    case 'block-diagonal': {
      const b = spec.blockSize;
      const rest = d % b;
      return Math.floor(d / b) * b * b + rest * rest;
    }
    case 'hierarchical': {
      const { k1, k2 } = spec;
      if (d <= k1) return d * d;
      if (d <= k1 + k2) return k1 * k1 + k1 * (d - k1) + (d - k1) * (d - k1);
      return k1 * k1 + k1 * (d - k1) + (k2 + 1) * (d - k1 - k2) + k2 * k2;
    }
    case 'lower-triangular':
    case 'upper-triangular':
      return (d * (d + 1)) / 2;
    case 'lower-bottom-right-diagonal':
    case 'lower-top-left-diagonal':
    case 'upper-bottom-right-diagonal':
    case 'upper-top-left-diagonal':
      return d === 0 ? 0 : 2 * d - 1;
  }
}

/** The storage count of `spec` as a formula in d, for reports (`⌊d/30⌋·30² + (d mod 30)²`). */
export function specStorageFormula(spec: StructureSpec): string {
  switch (spec.kind) {
    case 'dense':
      return 'd²';
    case 'diagonal':
    case 'lower-toeplitz':
    case 'upper-toeplitz':
      return 'd';
    case 'block-diagonal':
      return `⌊d/${spec.blockSize}⌋·${spec.blockSize}² + (d mod ${spec.blockSize})²`;
    case 'hierarchical': {
      const { k1, k2 } = spec;
      const constant = (k2 + 1) * (k1 + k2) - k2 * k2;
      return `${k1 + k2 + 1}d − ${constant} (d > ${k1 + k2})`;
    }
    case 'lower-triangular':
    case 'upper-triangular':
      return 'd(d+1)/2';
    case 'lower-bottom-right-diagonal':
    case 'lower-top-left-diagonal':
    case 'upper-bottom-right-diagonal':
    case 'upper-top-left-diagonal':
      return '2d − 1';
  }
}
