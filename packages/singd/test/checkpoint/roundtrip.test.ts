import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StateTree } from '../../src/checkpoint/api.js';
import { describeMismatch, isBitIdentical } from '../../src/checkpoint/compare.js';
import { deserializeCheckpoint } from '../../src/checkpoint/deserialize.js';
import { serializeCheckpoint } from '../../src/checkpoint/serialize.js';
import { sampleState, stateTreeArb } from './arbitraries.js';

describe('serializeCheckpoint / deserializeCheckpoint', () => {
  it('round-trips arbitrary state trees bit-identically', () => {
    fc.assert(
      fc.property(stateTreeArb, (tree) => {
        const bytes = serializeCheckpoint(tree);
        const restored = deserializeCheckpoint(bytes);
        expect(isBitIdentical(tree, restored)).toBe(true);
        expect(describeMismatch(tree, restored)).toEqual([]);
        // Serialisation is deterministic: writing the restored tree gives the same bytes.
        expect(serializeCheckpoint(restored)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps special numbers exact', () => {
    const values = [-0, 0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5e-324, 0.1 + 0.2];
    const restored = deserializeCheckpoint(serializeCheckpoint(values)) as number[];
    values.forEach((value, i) => {
      expect(Object.is(restored[i], value)).toBe(true);
    });
  });

  it('keeps half leaves 16-bit with their dtype tag, and NaN payloads in float arrays', () => {
    const nan32 = new Float32Array(new Uint32Array([0x7fc00001, 0xffffffff]).buffer);
    const tree: StateTree = { h: { $half: 'float16', bits: new Uint16Array([0x7e01, 0x8000]) }, f: nan32 };
    const restored = deserializeCheckpoint(serializeCheckpoint(tree)) as {
      h: { $half: string; bits: Uint16Array };
      f: Float32Array;
    };
    expect(restored.h.$half).toBe('float16');
    expect(restored.h.bits).toBeInstanceOf(Uint16Array);
    expect([...restored.h.bits]).toEqual([0x7e01, 0x8000]);
    expect([...new Uint32Array(restored.f.buffer)]).toEqual([0x7fc00001, 0xffffffff]);
  });

  it('reads typed arrays from an unaligned view, and the result does not alias the input', () => {
    const bytes = serializeCheckpoint(sampleState());
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const view = shifted.subarray(3);
    const restored = deserializeCheckpoint(view);
    expect(isBitIdentical(sampleState(), restored)).toBe(true);
    shifted.fill(0);
    expect(isBitIdentical(sampleState(), restored)).toBe(true);
  });

  it('reads typed-array subviews of larger buffers correctly', () => {
    const backing = new Float64Array([1, 2, 3, 4, 5]);
    const restored = deserializeCheckpoint(serializeCheckpoint({ x: backing.subarray(1, 3) })) as {
      x: Float64Array;
    };
    expect([...restored.x]).toEqual([2, 3]);
  });

  it('keeps "$"-prefixed and "__proto__" keys as plain data', () => {
    const tree: Record<string, StateTree> = { $buffer: 1, $number: 'NaN', $half: 'float16', $$: true };
    Object.defineProperty(tree, '__proto__', { value: { a: 1 }, enumerable: true });
    const restored = deserializeCheckpoint(serializeCheckpoint(tree)) as Record<string, StateTree>;
    expect(Object.getPrototypeOf(restored)).toBe(Object.prototype);
    expect(Object.keys(restored)).toEqual(Object.keys(tree));
    expect(isBitIdentical(tree, restored)).toBe(true);
  });

  it('rejects values outside StateTree with a TypeError', () => {
    expect(() => serializeCheckpoint(new Map() as unknown as StateTree)).toThrow(TypeError);
    expect(() => serializeCheckpoint(new Int32Array(2) as unknown as StateTree)).toThrow(TypeError);
    expect(() => serializeCheckpoint([undefined] as unknown as StateTree)).toThrow(TypeError);
    const cyclic: StateTree[] = [];
    cyclic.push(cyclic);
    expect(() => serializeCheckpoint(cyclic)).toThrow(/cycle/);
  });
});
