import type { CommandIo, Subcommand } from './api.js';
import { formatGlobalHelp, formatSubcommandHelp, PROGRAM_NAME } from './help.js';
import { parseOptions } from './options.js';
import { SUBCOMMANDS } from './subcommands.js';
import { USAGE_EXIT_CODE, UsageError } from './usage-error.js';

function findSubcommand(subcommands: readonly Subcommand[], name: string): Subcommand {
  const command = subcommands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    throw new UsageError(
      `${PROGRAM_NAME}: unknown subcommand '${name}'; valid subcommands: ${subcommands.map((c) => c.name).join(', ')}`,
    );
  }
  return command;
}

async function dispatch(args: readonly string[], io: CommandIo, subcommands: readonly Subcommand[]) {
  const [first, ...rest] = args;
  if (first === '--help' || first === '-h') {
    io.stdout(formatGlobalHelp(subcommands));
    return 0;
  }
  if (first === undefined) {
    throw new UsageError(
      `${PROGRAM_NAME}: missing subcommand; valid subcommands: ${subcommands.map((c) => c.name).join(', ')}\n\n${formatGlobalHelp(subcommands)}`,
    );
  }
  if (first.startsWith('-')) {
    throw new UsageError(
      `${PROGRAM_NAME}: unknown option '${first}' before the subcommand; valid there: --help; ` +
        `valid subcommands: ${subcommands.map((c) => c.name).join(', ')}`,
    );
  }
  const command = findSubcommand(subcommands, first);
  const parsed = parseOptions(`${PROGRAM_NAME} ${command.name}`, command.options, rest);
  if (parsed.help) {
    io.stdout(formatSubcommandHelp(command));
    return 0;
  }
  return (await command.run(parsed.values, { ...io, json: parsed.json })) ?? 0;
}

/**
 * Runs `singd-bench` on `args` (the words after the program name) and returns the exit code:
 * 0 on success, 2 ({@link USAGE_EXIT_CODE}) for a usage error, 1 when the subcommand fails.
 * Errors are reported on `io.stderr`, never thrown.
 *
 * @example
 * ```ts
 * const code = await runCli(['main', '--json'], { stdout: (t) => process.stdout.write(t), stderr: console.error });
 * ```
 */
export async function runCli(
  args: readonly string[],
  io: CommandIo,
  subcommands: readonly Subcommand[] = SUBCOMMANDS,
): Promise<number> {
  try {
    return await dispatch(args, io, subcommands);
  } catch (error: unknown) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n`);
      return USAGE_EXIT_CODE;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`${PROGRAM_NAME}: ${message}\n`);
    return 1;
  }
}
