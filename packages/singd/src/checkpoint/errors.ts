/** Why a checkpoint was rejected. */
export type CheckpointErrorReason =
  /** The first 8 bytes are not `SINGDCKP`: not a SINGD checkpoint. */
  | 'bad-magic'
  /** The format version is not one this reader understands. */
  | 'unsupported-version'
  /** The bytes end before the layout says they should. */
  | 'truncated'
  /** The trailing CRC32 does not match the bytes before it (corruption or truncation). */
  | 'checksum'
  /** The checksum matched, but the header is not valid UTF-8 JSON of the expected shape. */
  | 'corrupt-header'
  /** The checkpoint is well-formed but does not fit the state it should restore. */
  | 'mismatch';

/**
 * The one error type of checkpoint reading and restoring. `reason` is machine-readable; the
 * message says what is wrong (for `'mismatch'`, every difference; they are also in `differences`).
 */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
  readonly reason: CheckpointErrorReason;
  /** For `'mismatch'`: every difference found, as `path: description`; empty otherwise. */
  readonly differences: readonly string[];

  constructor(reason: CheckpointErrorReason, message: string, differences: readonly string[] = []) {
    super(message);
    this.reason = reason;
    this.differences = differences;
  }
}
