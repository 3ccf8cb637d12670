import { describe, expect, it } from 'vitest';
import type { StateTree } from '../../src/checkpoint/api.js';
import { deserializeCheckpoint } from '../../src/checkpoint/deserialize.js';
import { CheckpointError, type CheckpointErrorReason } from '../../src/checkpoint/errors.js';
import { align8, crc32, PREAMBLE_BYTES } from '../../src/checkpoint/format.js';
import { restoreCheckpoint } from '../../src/checkpoint/restore.js';
import { serializeCheckpoint } from '../../src/checkpoint/serialize.js';
import { sampleState } from './arbitraries.js';

function rejection(bytes: Uint8Array): CheckpointError {
  try {
    deserializeCheckpoint(bytes);
  } catch (error) {
    if (error instanceof CheckpointError) return error;
    throw new Error(`expected a CheckpointError, got ${String(error)}`);
  }
  throw new Error('expected the checkpoint to be rejected');
}

/** Rewrites the header, moves the buffer section after it and recomputes the checksum: a well-framed file. */
function withHeader(bytes: Uint8Array, edit: (header: string) => string): Uint8Array {
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(12, true);
  const text = edit(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + length)));
  const encoded = new TextEncoder().encode(text);
  const data = bytes.subarray(align8(PREAMBLE_BYTES + length), bytes.length - 4);
  const dataStart = align8(PREAMBLE_BYTES + encoded.length);
  const out = new Uint8Array(dataStart + data.length + 4);
  out.set(bytes.subarray(0, 12), 0);
  const view = new DataView(out.buffer);
  view.setUint32(12, encoded.length, true);
  out.set(encoded, PREAMBLE_BYTES);
  out.set(data, dataStart);
  view.setUint32(out.length - 4, crc32(out, 0, out.length - 4), true);
  return out;
}

const sample = serializeCheckpoint(sampleState());

describe('deserializeCheckpoint rejects damaged input', () => {
  it('rejects every truncation with "truncated" or "checksum"', () => {
    for (let length = 0; length < sample.length; length++) {
      const error = rejection(sample.subarray(0, length));
      expect(['truncated', 'checksum']).toContain(error.reason);
    }
  });

  it('rejects every single-byte corruption; past the preamble always by checksum', () => {
    const expected = (offset: number): CheckpointErrorReason[] =>
      offset < 8
        ? ['bad-magic']
        : offset < 12
          ? ['unsupported-version']
          : offset < PREAMBLE_BYTES
            ? ['truncated', 'checksum']
            : ['checksum'];
    for (let offset = 0; offset < sample.length; offset++) {
      for (const flip of [0x01, 0x80, 0xff]) {
        const corrupt = sample.slice();
        corrupt[offset]! ^= flip;
        expect(expected(offset)).toContain(rejection(corrupt).reason);
      }
    }
  });

  it('rejects bad magic', () => {
    const error = rejection(new TextEncoder().encode('PK\u0003\u0004 not a checkpoint at all'));
    expect(error.reason).toBe('bad-magic');
    expect(error.message).toMatch(/SINGDCKP/);
    expect(rejection(new Uint8Array([0x53, 0x49, 0x58])).reason).toBe('bad-magic');
  });

  it('rejects a future version, naming both versions', () => {
    const future = sample.slice();
    new DataView(future.buffer).setUint32(8, 2, true);
    const error = rejection(future);
    expect(error.reason).toBe('unsupported-version');
    expect(error.message).toMatch(/version 2/);
    expect(error.message).toMatch(/version 1/);
  });

  it('rejects inconsistent headers whose checksum is valid', () => {
    // The helper itself yields a valid file when the header is unchanged.
    expect(deserializeCheckpoint(withHeader(sample, (h) => h))).toEqual(sampleState());
    const cases: [string, (h: string) => string, RegExp][] = [
      ['invalid JSON', (h) => h.slice(0, -1), /JSON/],
      ['unknown buffer type', (h) => h.replace('"type":"bfloat16"', '"type":"int8"'), /unknown buffer type/],
      ['wrong offset', (h) => h.replace('"byteOffset":16', '"byteOffset":24'), /byte offset 24, expected 16/],
      [
        'last buffer past the end',
        (h) =>
          `${h.slice(0, h.lastIndexOf('"length":3,'))}"length":9,${h.slice(h.lastIndexOf('"length":3,') + 11)}`,
        /buffers need/,
      ],
      ['wrong buffer count', (h) => h.replace('"buffers":8', '"buffers":7'), /declares 7 buffers/],
      ['unknown marker', (h) => h.replace('"steps"', '"$steps"'), /unknown marker/],
      ['bad special number', (h) => h.replace('"steps":7', '"steps":{"$number":"1"}'), /special number/],
    ];
    for (const [name, edit, message] of cases) {
      const error = rejection(withHeader(sample, edit));
      expect(error.reason, name).toBe('corrupt-header');
      expect(error.message, name).toMatch(message);
    }
  });

  it('rejects an invalid UTF-8 header', () => {
    const bytes = withHeader(sample, (h) => h);
    bytes[PREAMBLE_BYTES + 1] = 0xff;
    new DataView(bytes.buffer).setUint32(bytes.length - 4, crc32(bytes, 0, bytes.length - 4), true);
    expect(rejection(bytes).reason).toBe('corrupt-header');
  });

  it('rejects a header length past the end as truncated', () => {
    const bytes = sample.slice();
    new DataView(bytes.buffer).setUint32(12, 0xfffffff0, true);
    const error = rejection(bytes);
    expect(error.reason).toBe('truncated');
    expect(error.message).toMatch(/header/);
    expect(align8(PREAMBLE_BYTES)).toBe(16);
  });
});

describe('restoreCheckpoint', () => {
  it('returns the restored state when it fits', () => {
    expect(restoreCheckpoint(sample, sampleState())).toEqual(sampleState());
  });

  it('rejects a checkpoint of another model, listing all differences, and mutates nothing', () => {
    const running = sampleState();
    const before = serializeCheckpoint(running);
    const other = sampleState() as { layers: Record<string, StateTree> };
    delete other.layers['fc2'];
    try {
      restoreCheckpoint(serializeCheckpoint(other), running);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(CheckpointError);
      expect((error as CheckpointError).reason).toBe('mismatch');
      expect((error as CheckpointError).message).toMatch(/state\.layers\.fc2: missing in checkpoint/);
    }
    expect(serializeCheckpoint(running)).toEqual(before);
  });
});
