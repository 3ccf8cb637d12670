import { describe, expect, it } from 'vitest';
import {
  align8,
  CHECKPOINT_FORMAT_VERSION,
  CHECKPOINT_MAGIC,
  crc32,
  PREAMBLE_BYTES,
} from '../../src/checkpoint/format.js';
import { serializeCheckpoint } from '../../src/checkpoint/serialize.js';
import { sampleState } from './arbitraries.js';

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('layout', () => {
  it('writes magic, version, header length, aligned buffers and a trailing CRC32', () => {
    const bytes = serializeCheckpoint(sampleState());
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect([...bytes.subarray(0, 8)]).toEqual([...CHECKPOINT_MAGIC]);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('SINGDCKP');
    expect(view.getUint32(8, true)).toBe(CHECKPOINT_FORMAT_VERSION);
    const headerLength = view.getUint32(12, true);
    const header = JSON.parse(
      new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength)),
    ) as { buffers: number; tree: { layers: { fc1: { C: { storage: unknown } } } } };
    expect(header.buffers).toBe(8);
    expect(header.tree.layers.fc1.C.storage).toEqual({
      $buffer: 1,
      type: 'bfloat16',
      length: 2,
      byteOffset: 16,
    });
    expect((bytes.length - 4) % 8).toBe(0);
    expect(view.getUint32(bytes.length - 4, true)).toBe(crc32(bytes, 0, bytes.length - 4));
    const dataStart = align8(PREAMBLE_BYTES + headerLength);
    // The bfloat16 ones are stored as their 16-bit patterns, little-endian.
    expect(view.getUint16(dataStart + 16, true)).toBe(0x3f80);
  });

  it('encodes special numbers in the header', () => {
    const bytes = serializeCheckpoint([
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      1.5,
    ]);
    const headerLength = new DataView(bytes.buffer).getUint32(12, true);
    const text = new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength));
    expect(JSON.parse(text)).toEqual({
      buffers: 0,
      tree: [{ $number: '-0' }, { $number: 'NaN' }, { $number: 'Infinity' }, { $number: '-Infinity' }, 1.5],
    });
  });
});
