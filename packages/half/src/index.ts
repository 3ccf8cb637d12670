/**
 * `@singd/half`: float16 and bfloat16 for JavaScript: bit-exact rounding of float64 values
 * (to nearest, ties to even, with no double rounding), 16-bit storage arrays, bulk
 * encode/decode, and the comparison tolerance of each dtype.
 *
 * @packageDocumentation
 * @module @singd/half
 */

export { fromBFloat16Bits, toBFloat16Bits } from './bfloat16.js';
export {
  decodeBFloat16,
  decodeFloat16,
  encodeBFloat16,
  encodeFloat16,
  type FloatArray,
  roundArray,
} from './bulk.js';
export {
  assertDType,
  DTYPES,
  type DType,
  describeValue,
  FORMATS,
  type FormatInfo,
  type HalfDType,
  isDType,
  isHalfDType,
} from './dtype.js';
export { fromFloat16Bits, toFloat16Bits } from './float16.js';
export { roundingFunction, roundTo } from './round.js';
export { BFloat16Storage, Float16Storage, HalfStorage } from './storage.js';
export { isClose, type Tolerance, toleranceFor, unitRoundoff } from './tolerance.js';
