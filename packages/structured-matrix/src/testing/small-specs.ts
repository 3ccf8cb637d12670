import { STRUCTURE_KINDS, type StructureSpec } from '../api.js';

/**
 * One spec of every structure kind, with the small block parameters of the reference's tests
 * (block size 3; hierarchical `k1 = 3`, `k2 = 2`), so that sizes up to about 13 already reach
 * partial blocks and every hierarchical fill case. For tests that sweep all structures at small
 * sizes (a backend against the cpu backend, an optimizer over every structure). O(kinds).
 */
export function smallSpecs(): StructureSpec[] {
  return STRUCTURE_KINDS.map((kind): StructureSpec => {
    if (kind === 'block-diagonal') return { kind, blockSize: 3 };
    if (kind === 'hierarchical') return { kind, k1: 3, k2: 2 };
    return { kind } as StructureSpec;
  });
}
