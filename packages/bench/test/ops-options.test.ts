import { describe, expect, it } from 'vitest';
import { formatSubcommandHelp } from '../src/help.js';
import { opsCommand } from '../src/ops-command.js';
import { OPS_STRUCTURE_NAMES } from '../src/ops-structures.js';
import { describeExpectedValue, parseOptions } from '../src/options.js';
import { runCli } from '../src/run-cli.js';
import { UsageError } from '../src/usage-error.js';

const COMMAND = 'singd-bench ops';

function parse(args: readonly string[]) {
  return parseOptions(COMMAND, opsCommand.options, args);
}

function usageMessage(args: readonly string[]): string {
  try {
    parse(args);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as UsageError).message;
  }
  throw new Error(`expected a UsageError for ${args.join(' ')}`);
}

describe('singd-bench ops options', () => {
  it('defaults to the issue setting', () => {
    const { values, json, help } = parse([]);
    expect(values).toEqual({
      sizes: [256, 512, 1024, 2048, 4096],
      structures: OPS_STRUCTURE_NAMES,
      columns: 256,
      'quadratic-max-size': 2048,
      time: 200,
      rounds: 3,
      'no-write': false,
    });
    expect(json).toBe(false);
    expect(help).toBe(false);
    expect(OPS_STRUCTURE_NAMES).toHaveLength(12);
  });

  it('reads comma-separated lists in both spellings, trimming spaces and keeping the order', () => {
    const parsed = parse([
      '--sizes',
      '512, 256,1024',
      '--structures=diagonal,dense',
      '--columns',
      '4',
      '--quadratic-max-size=4096',
      '--rounds',
      '1',
      '--time',
      '1.5',
      '--no-write',
      '--json',
    ]);
    expect(parsed.values).toEqual({
      sizes: [512, 256, 1024],
      structures: ['diagonal', 'dense'],
      columns: 4,
      'quadratic-max-size': 4096,
      time: 1.5,
      rounds: 1,
      'no-write': true,
    });
    expect(parsed.json).toBe(true);
  });

  it('names the bad item of --sizes and the valid values', () => {
    const message = usageMessage(['--sizes', '256,abc']);
    expect(message).toBe(
      "singd-bench ops: invalid value '256,abc' for option '--sizes' (the item 'abc' is not valid); " +
        'expected a comma-separated list of integers from 1 to 16384',
    );
    expect(usageMessage(['--sizes=0'])).toContain("the item '0' is not valid");
    expect(usageMessage(['--sizes=256,,512'])).toContain('an empty item is not valid');
    expect(usageMessage(['--sizes=2.5'])).toContain("the item '2.5' is not valid");
    expect(usageMessage(['--sizes'])).toBe(
      "singd-bench ops: option '--sizes' needs a value: a comma-separated list of integers from 1 to 16384",
    );
  });

  it('names the bad structure and lists every valid one', () => {
    const message = usageMessage(['--structures', 'diagonal,toeplitz']);
    expect(message).toContain("invalid value 'diagonal,toeplitz' for option '--structures'");
    expect(message).toContain("the item 'toeplitz' is not valid");
    expect(message).toContain(`a comma-separated list of: ${OPS_STRUCTURE_NAMES.join(', ')}`);
  });

  it('rejects unknown options, naming them and the valid ones', () => {
    const message = usageMessage(['--size', '256']);
    expect(message).toContain("unknown option '--size'");
    for (const name of [
      '--sizes',
      '--structures',
      '--columns',
      '--quadratic-max-size',
      '--time',
      '--rounds',
      '--no-write',
    ]) {
      expect(message).toContain(name);
    }
    expect(usageMessage(['--columns', '0'])).toContain('expected an integer from 1 to 4096');
    expect(usageMessage(['--no-write=yes'])).toContain("option '--no-write' takes no value");
  });

  it('describes list values and shows list defaults in --help', () => {
    expect(
      describeExpectedValue({ kind: 'integer-list', description: '', default: [], min: 2, max: 9 }),
    ).toBe('a comma-separated list of integers from 2 to 9');
    expect(
      describeExpectedValue({ kind: 'choice-list', description: '', default: [], choices: ['a', 'b'] }),
    ).toBe('a comma-separated list of: a, b');
    const help = formatSubcommandHelp(opsCommand);
    expect(help).toContain('Usage: singd-bench ops [options]');
    expect(help).toContain('--sizes <d,d,…>');
    expect(help).toContain('default 256,512,1024,2048,4096');
    expect(help).toContain('--structures <kind,kind,…>');
    expect(help).toContain(`default ${OPS_STRUCTURE_NAMES.join(',')}`);
    for (const option of [
      '--columns <n>',
      '--quadratic-max-size <d>',
      '--time <ms>',
      '--rounds <count>',
      '--no-write',
      '--json',
      '--help',
    ]) {
      expect(help).toContain(option);
    }
  });

  it('exits with 2 through runCli for a bad value, without running anything', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['ops', '--structures', 'bogus'], {
      stdout: (text) => void (stdout += text),
      stderr: (text) => void (stderr += text),
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("singd-bench ops: invalid value 'bogus' for option '--structures'");
  });
});
