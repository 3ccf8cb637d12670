/**
 * The SINGD checkpoint byte layout (format version 1).
 *
 * ```
 * offset        size  content
 * 0             8     magic: ASCII "SINGDCKP"
 * 8             4     format version, uint32 little-endian (= 1)
 * 12            4     header byte length h, uint32 little-endian
 * 16            h     header: UTF-8 JSON (see below)
 * 16 + h        p     zero padding so the buffer section starts 8-byte aligned
 * D = align8(16+h)    buffer section: buffer i at D + byteOffset_i, little-endian elements,
 *                     each buffer starting 8-byte aligned, zero padding between buffers
 * E                   end of the last buffer, padded to a multiple of 8 (E = D when no buffers)
 * E             4     CRC32 (IEEE 802.3, reflected 0xEDB88320) of bytes [0, E), uint32 LE
 * ```
 *
 * The header is `{"buffers": n, "tree": T}` where `T` is the state tree with
 * - each typed-array leaf replaced by `{"$buffer": i, "type": t, "length": l, "byteOffset": o}`
 *   (`t` ∈ `float64 | float32 | uint16 | bfloat16 | float16`; half leaves become buffers of
 *   type `bfloat16` / `float16` holding their 16-bit patterns; `o` is relative to `D`;
 *   buffers are numbered `0..n-1` in ascending `o`, packed with minimal 8-byte alignment);
 * - each non-JSON number replaced by `{"$number": s}`, `s` ∈ `"-0" | "NaN" | "Infinity" | "-Infinity"`
 *   (finite numbers are JSON numbers, which round-trip exactly);
 * - each record key starting with `$` prefixed by one more `$` (so `$`-keys in the header
 *   are always markers).
 *
 * Every read and write is O(bytes). Readers check, in order: magic, version, the header
 * length against the file size, the checksum, then the header and buffer layout.
 *
 * @packageDocumentation
 */
import type { HalfFormat } from './api.js';

/** The 8 magic bytes, ASCII `SINGDCKP`. */
export const CHECKPOINT_MAGIC: Uint8Array = new Uint8Array([0x53, 0x49, 0x4e, 0x47, 0x44, 0x43, 0x4b, 0x50]);

/** The format version this package writes and the only one it reads. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** Bytes before the header: magic (8) + version (4) + header length (4). */
export const PREAMBLE_BYTES = 16;

/** Bytes of the trailing CRC32. */
export const CHECKSUM_BYTES = 4;

/** The element type of a stored buffer. */
export type BufferType = 'float64' | 'float32' | 'uint16' | HalfFormat;

/** Bytes per element of each {@link BufferType}. */
export const BUFFER_ELEMENT_BYTES: Readonly<Record<BufferType, number>> = {
  float64: 8,
  float32: 4,
  uint16: 2,
  bfloat16: 2,
  float16: 2,
};

/** A header entry standing for one stored buffer. */
export interface BufferDescriptor {
  readonly $buffer: number;
  readonly type: BufferType;
  readonly length: number;
  readonly byteOffset: number;
}

/** Special numbers as encoded in the header. */
export type SpecialNumber = '-0' | 'NaN' | 'Infinity' | '-Infinity';

/** `n` rounded up to a multiple of 8. O(1). */
export function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** True on little-endian platforms (all current browsers and Node targets); big-endian falls back to DataView loops. */
export const PLATFORM_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable === undefined) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  return crcTable;
}

/**
 * CRC32 (IEEE 802.3, as in zip/PNG) of `bytes[start, end)`. Detects every single-byte change
 * and every burst of up to 32 bits. O(end − start) time, 1 KiB table once.
 *
 * @example
 * crc32(new TextEncoder().encode('123456789')); // 0xcbf43926
 */
export function crc32(bytes: Uint8Array, start = 0, end: number = bytes.length): number {
  const t = table();
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = t[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
