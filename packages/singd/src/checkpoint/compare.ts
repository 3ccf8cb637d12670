import { isHalfLeaf, type StateTree, stateNodeKind } from './api.js';
import { CheckpointError } from './errors.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function childPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function leafLength(value: StateTree): number {
  if (isHalfLeaf(value)) return value.bits.length;
  return (value as Float64Array | Float32Array | Uint16Array).length;
}

/**
 * Lists every difference between two state trees that matters for restoring `actual` (a
 * checkpoint) in place of `expected` (the running state): keys missing from or extra in the
 * checkpoint (e.g. layer names), array and typed-array lengths (shapes), node kinds and dtypes
 * (`float32` vs `bfloat16`, number vs null, …) and string values (e.g. structure kinds).
 * Numeric and boolean values are not compared: those are what a checkpoint restores.
 *
 * Messages read `path: description`, always expected-first, e.g.
 * `state.layers.fc2: missing in checkpoint`, `state.layers.fc1.K.storage: length 40 vs 36`,
 * `state.layers.fc1.K: type float32 vs bfloat16`, `state.layers.fc1.kind: value "dense" vs "diagonal"`.
 * For arrays of different lengths the common prefix is still compared. Identical structures give `[]`.
 *
 * Cost: O(number of nodes) — typed-array contents are not read.
 */
export function describeMismatch(expected: StateTree, actual: StateTree, path = 'state'): string[] {
  const out: string[] = [];
  const visit = (e: StateTree, a: StateTree, at: string): void => {
    const kindE = stateNodeKind(e);
    const kindA = stateNodeKind(a);
    if (kindE !== kindA) {
      out.push(`${at}: type ${kindE} vs ${kindA}`);
      return;
    }
    switch (kindE) {
      case 'number':
      case 'boolean':
      case 'null':
        return;
      case 'string':
        if (e !== a) out.push(`${at}: value ${JSON.stringify(e)} vs ${JSON.stringify(a)}`);
        return;
      case 'float64':
      case 'float32':
      case 'uint16':
      case 'bfloat16':
      case 'float16': {
        const lengthE = leafLength(e);
        const lengthA = leafLength(a);
        if (lengthE !== lengthA) out.push(`${at}: length ${lengthE} vs ${lengthA}`);
        return;
      }
      case 'array': {
        const arrayE = e as readonly StateTree[];
        const arrayA = a as readonly StateTree[];
        if (arrayE.length !== arrayA.length) out.push(`${at}: length ${arrayE.length} vs ${arrayA.length}`);
        const common = Math.min(arrayE.length, arrayA.length);
        for (let i = 0; i < common; i++) visit(arrayE[i]!, arrayA[i]!, `${at}[${i}]`);
        return;
      }
      case 'record': {
        const recordE = e as { readonly [key: string]: StateTree };
        const recordA = a as { readonly [key: string]: StateTree };
        for (const key of Object.keys(recordE)) {
          if (Object.hasOwn(recordA, key)) visit(recordE[key]!, recordA[key]!, childPath(at, key));
          else out.push(`${childPath(at, key)}: missing in checkpoint`);
        }
        for (const key of Object.keys(recordA)) {
          if (!Object.hasOwn(recordE, key)) out.push(`${childPath(at, key)}: unexpected in checkpoint`);
        }
        return;
      }
    }
  };
  visit(expected, actual, path);
  return out;
}

/**
 * Throws `CheckpointError('mismatch')` listing every difference {@link describeMismatch} finds
 * (in the message, `; `-separated, and in `error.differences`); returns normally when there is none.
 * O(number of nodes).
 */
export function assertCompatible(expected: StateTree, actual: StateTree): void {
  const differences = describeMismatch(expected, actual);
  if (differences.length > 0) {
    throw new CheckpointError(
      'mismatch',
      `checkpoint does not match the optimizer state (expected vs checkpoint): ${differences.join('; ')}`,
      differences,
    );
  }
}

/**
 * True when two state trees are bit-identical: same structure and key order-independent keys,
 * numbers equal under `Object.is` (so `-0 ≠ 0`, `NaN = NaN`), strings/booleans equal, and
 * typed arrays of the same dtype with equal bytes. O(nodes + bytes).
 */
export function isBitIdentical(a: StateTree, b: StateTree): boolean {
  const kindA = stateNodeKind(a);
  if (kindA !== stateNodeKind(b)) return false;
  switch (kindA) {
    case 'number':
      return Object.is(a, b);
    case 'string':
    case 'boolean':
    case 'null':
      return a === b;
    case 'float64':
    case 'float32':
    case 'uint16':
    case 'bfloat16':
    case 'float16': {
      const viewA = isHalfLeaf(a) ? a.bits : (a as Float64Array | Float32Array | Uint16Array);
      const viewB = isHalfLeaf(b) ? b.bits : (b as Float64Array | Float32Array | Uint16Array);
      if (viewA.byteLength !== viewB.byteLength) return false;
      const bytesA = new Uint8Array(viewA.buffer, viewA.byteOffset, viewA.byteLength);
      const bytesB = new Uint8Array(viewB.buffer, viewB.byteOffset, viewB.byteLength);
      return bytesA.every((byte, i) => byte === bytesB[i]);
    }
    case 'array': {
      const arrayA = a as readonly StateTree[];
      const arrayB = b as readonly StateTree[];
      return arrayA.length === arrayB.length && arrayA.every((child, i) => isBitIdentical(child, arrayB[i]!));
    }
    case 'record': {
      const recordA = a as { readonly [key: string]: StateTree };
      const recordB = b as { readonly [key: string]: StateTree };
      const keysA = Object.keys(recordA);
      return (
        keysA.length === Object.keys(recordB).length &&
        keysA.every((key) => Object.hasOwn(recordB, key) && isBitIdentical(recordA[key]!, recordB[key]!))
      );
    }
  }
}
