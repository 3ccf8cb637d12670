import { type StructureSpec, storageSize } from '@singd/structured-matrix';
import { describe, expect, it } from 'vitest';
import {
  OPS_STRUCTURE_NAMES,
  OPS_STRUCTURES,
  opsStructure,
  specStorageEntries,
  specStorageFormula,
} from '../src/ops-structures.js';

const SIZES = [
  ...Array.from({ length: 70 }, (_, d) => d),
  89,
  90,
  91,
  127,
  128,
  255,
  256,
  257,
  512,
  1000,
  1023,
  1024,
  2048,
  4095,
  4096,
];

describe('specStorageEntries (spec §3.3, computed independently)', () => {
  it('equals storageSize of the structured-matrix package for every structure and many d', () => {
    for (const { spec } of OPS_STRUCTURES) {
      for (const d of SIZES)
        expect([spec.kind, d, specStorageEntries(spec, d)]).toEqual([spec.kind, d, storageSize(spec, d)]);
    }
  });

  it('also agrees for other block sizes and hierarchical parameters', () => {
    const specs: StructureSpec[] = [
      { kind: 'block-diagonal', blockSize: 1 },
      { kind: 'block-diagonal', blockSize: 7 },
      { kind: 'block-diagonal', blockSize: 64 },
      { kind: 'hierarchical', k1: 1, k2: 1 },
      { kind: 'hierarchical', k1: 3, k2: 5 },
      { kind: 'hierarchical', k1: 8, k2: 2 },
    ];
    for (const spec of specs) {
      for (const d of SIZES) expect([d, specStorageEntries(spec, d)]).toEqual([d, storageSize(spec, d)]);
    }
  });

  it('matches the closed forms of the issue', () => {
    for (const d of [31, 64, 256, 1000, 4096]) {
      expect(specStorageEntries({ kind: 'hierarchical', k1: 15, k2: 15 }, d)).toBe(31 * d - 255);
    }
    expect(specStorageEntries({ kind: 'dense' }, 100)).toBe(10_000);
    expect(specStorageEntries({ kind: 'diagonal' }, 100)).toBe(100);
    expect(specStorageEntries({ kind: 'block-diagonal', blockSize: 30 }, 100)).toBe(3 * 900 + 100);
    expect(specStorageEntries({ kind: 'block-diagonal', blockSize: 30 }, 90)).toBe(2700);
    expect(specStorageEntries({ kind: 'lower-toeplitz' }, 100)).toBe(100);
    expect(specStorageEntries({ kind: 'upper-triangular' }, 100)).toBe(5050);
    expect(specStorageEntries({ kind: 'upper-top-left-diagonal' }, 100)).toBe(199);
    expect(specStorageEntries({ kind: 'lower-bottom-right-diagonal' }, 1)).toBe(1);
  });

  it('writes each formula', () => {
    expect(OPS_STRUCTURES.map((s) => specStorageFormula(s.spec))).toEqual([
      'd²',
      'd',
      '⌊d/30⌋·30² + (d mod 30)²',
      '31d − 255 (d > 30)',
      'd',
      'd',
      'd(d+1)/2',
      'd(d+1)/2',
      '2d − 1',
      '2d − 1',
      '2d − 1',
      '2d − 1',
    ]);
  });
});

describe('OPS_STRUCTURES', () => {
  it('covers the twelve kinds, dense first, triangular as the only quadratic ones', () => {
    expect(OPS_STRUCTURE_NAMES[0]).toBe('dense');
    expect(new Set(OPS_STRUCTURE_NAMES).size).toBe(12);
    expect(OPS_STRUCTURES.filter((s) => s.scaling === 'quadratic').map((s) => s.name)).toEqual([
      'lower-triangular',
      'upper-triangular',
    ]);
    expect(OPS_STRUCTURES.filter((s) => s.scaling === 'linear')).toHaveLength(9);
    expect(opsStructure('hierarchical').spec).toEqual({ kind: 'hierarchical', k1: 15, k2: 15 });
    expect(() => opsStructure('toeplitz')).toThrow(
      /unknown structure 'toeplitz'; valid structures: dense, diagonal/,
    );
  });
});
