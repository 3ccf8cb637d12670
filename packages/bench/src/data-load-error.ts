/**
 * A data file could not be read or does not have the expected format. The message names the
 * file and says what was wrong; {@link DataLoadError.file} holds the path.
 */
export class DataLoadError extends Error {
  /** The absolute path of the file that failed to load. */
  readonly file: string;

  constructor(file: string, reason: string, options?: { cause?: unknown }) {
    super(`cannot load ${file}: ${reason}`, options);
    this.name = 'DataLoadError';
    this.file = file;
  }
}
