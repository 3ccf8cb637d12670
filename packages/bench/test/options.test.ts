import { describe, expect, it } from 'vitest';
import { describeExpectedValue, parseOptions } from '../src/options.js';
import { UsageError } from '../src/usage-error.js';

const specs = {
  iterations: { kind: 'integer', description: 'calls', default: 10, min: 1, max: 100 },
  time: { kind: 'number', description: 'ms', default: 1000, min: 0, max: 5000 },
  dtype: { kind: 'choice', description: 'format', choices: ['float16', 'bfloat16'], default: 'float16' },
  'no-write': { kind: 'flag', description: 'skip files' },
} as const;

function usageMessage(args: readonly string[]): string {
  try {
    parseOptions('singd-bench test', specs, args);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    return (error as UsageError).message;
  }
  throw new Error(`expected a UsageError for ${args.join(' ')}`);
}

describe('parseOptions', () => {
  it('fills in defaults and false flags', () => {
    const parsed = parseOptions('singd-bench test', specs, []);
    expect(parsed).toEqual({
      values: { iterations: 10, time: 1000, dtype: 'float16', 'no-write': false },
      json: false,
      help: false,
    });
  });

  it('reads --name value, --name=value, flags and the common options', () => {
    const parsed = parseOptions('singd-bench test', specs, [
      '--iterations',
      '20',
      '--time=2.5',
      '--dtype',
      'bfloat16',
      '--no-write',
      '--json',
      '--help',
    ]);
    expect(parsed.values).toEqual({ iterations: 20, time: 2.5, dtype: 'bfloat16', 'no-write': true });
    expect(parsed.json).toBe(true);
    expect(parsed.help).toBe(true);
  });

  it('lets a later occurrence win', () => {
    expect(parseOptions('t', specs, ['--iterations=3', '--iterations=4']).values.iterations).toBe(4);
  });

  it('names an unknown option and lists the valid ones', () => {
    const message = usageMessage(['--bogus']);
    expect(message).toContain("unknown option '--bogus'");
    for (const name of ['--iterations', '--time', '--dtype', '--no-write', '--json', '--help']) {
      expect(message).toContain(name);
    }
  });

  it('names a bad value and describes the valid values', () => {
    expect(usageMessage(['--iterations', 'many'])).toBe(
      "singd-bench test: invalid value 'many' for option '--iterations'; expected an integer from 1 to 100",
    );
    expect(usageMessage(['--iterations=1.5'])).toContain('an integer from 1 to 100');
    expect(usageMessage(['--iterations=0'])).toContain("invalid value '0'");
    expect(usageMessage(['--time=-1'])).toContain('a number from 0 to 5000');
    expect(usageMessage(['--time=Infinity'])).toContain("invalid value 'Infinity'");
    expect(usageMessage(['--dtype', 'float8'])).toBe(
      "singd-bench test: invalid value 'float8' for option '--dtype'; expected one of: float16, bfloat16",
    );
  });

  it('rejects a missing value, a value for a flag, and positional arguments', () => {
    expect(usageMessage(['--time'])).toContain("option '--time' needs a value: a number from 0 to 5000");
    expect(usageMessage(['--time', '--json'])).toContain("option '--time' needs a value");
    expect(usageMessage(['--no-write=yes'])).toContain("option '--no-write' takes no value");
    expect(usageMessage(['--json=1'])).toContain("option '--json' takes no value");
    expect(usageMessage(['extra'])).toContain("unexpected argument 'extra'");
  });
});

describe('describeExpectedValue', () => {
  it('describes each kind', () => {
    expect(describeExpectedValue(specs.iterations)).toBe('an integer from 1 to 100');
    expect(describeExpectedValue(specs.time)).toBe('a number from 0 to 5000');
    expect(describeExpectedValue(specs.dtype)).toBe('one of: float16, bfloat16');
    expect(describeExpectedValue(specs['no-write'])).toBe('no value');
  });
});
