/** The exit code of a command-line usage error (unknown subcommand or option, bad value). */
export const USAGE_EXIT_CODE = 2;

/**
 * A mistake in the command line. The message names the offending argument and lists the
 * valid ones; the CLI prints it and exits with {@link USAGE_EXIT_CODE}.
 */
export class UsageError extends Error {
  /** The process exit code for this error: always {@link USAGE_EXIT_CODE}. */
  readonly exitCode = USAGE_EXIT_CODE;

  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
