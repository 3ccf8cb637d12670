/**
 * Bytes held by an optimizer state tree: the sum of `byteLength` over every typed array
 * (any `ArrayBuffer` view) reachable through plain objects, arrays and maps. Shared buffers
 * are counted once per view, which is what a state of separately allocated arrays holds.
 * Cost O(size of the tree).
 *
 * @example
 * ```ts
 * stateBytes({ count: 3, mu: { w: new Float64Array(4) }, nu: { w: new Float64Array(4) } }); // 64
 * ```
 */
export function stateBytes(state: unknown): number {
  const seen = new Set<unknown>();
  const visit = (value: unknown): number => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return 0;
    seen.add(value);
    if (ArrayBuffer.isView(value)) return value.byteLength;
    if (value instanceof Map) {
      let total = 0;
      for (const item of value.values()) total += visit(item);
      return total;
    }
    let total = 0;
    for (const item of Object.values(value)) total += visit(item);
    return total;
  };
  return visit(state);
}
