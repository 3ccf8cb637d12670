import { describe, expect, it } from 'vitest';
import { STRUCTURE_KINDS, storageSize } from '../src/index.js';
import { smallSpecs } from '../src/testing/index.js';

describe('smallSpecs', () => {
  it('holds one valid spec of every structure kind, with the small block parameters', () => {
    const specs = smallSpecs();
    expect(specs.map((spec) => spec.kind)).toEqual([...STRUCTURE_KINDS]);
    expect(specs).toContainEqual({ kind: 'block-diagonal', blockSize: 3 });
    expect(specs).toContainEqual({ kind: 'hierarchical', k1: 3, k2: 2 });
    // block size 3 at d = 7: two full blocks and a partial one; hierarchical (3, 2) at d = 7: m = 2, 9 + 12 + 2 + 4 + 4 = 31.
    expect(specs.map((spec) => storageSize(spec, 7))).toEqual([49, 7, 19, 31, 7, 7, 28, 28, 13, 13, 13, 13]);
  });
});
