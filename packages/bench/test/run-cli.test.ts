import { describe, expect, it } from 'vitest';
import type { Subcommand } from '../src/api.js';
import { defineSubcommand } from '../src/define-subcommand.js';
import { runCli } from '../src/run-cli.js';
import { SUBCOMMANDS } from '../src/subcommands.js';

async function run(args: readonly string[], subcommands?: readonly Subcommand[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => void (stdout += text),
    stderr: (text: string) => void (stderr += text),
  };
  const code = await runCli(args, io, subcommands);
  return { code, stdout, stderr };
}

describe('runCli', () => {
  it('registers main first, then train, half, ops and the other benchmarks, each name once', () => {
    const names = SUBCOMMANDS.map((c) => c.name);
    expect(names.slice(0, 4)).toEqual(['main', 'train', 'half', 'ops']);
    expect(names).toEqual(expect.arrayContaining(['step', 'memory', 'tfjs-step']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists every subcommand in the global --help', async () => {
    for (const flag of ['--help', '-h']) {
      const { code, stdout, stderr } = await run([flag]);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toContain('Usage: singd-bench <subcommand> [options]');
      const lines = stdout.split('\n');
      for (const command of SUBCOMMANDS) {
        const line = lines.find((l) => l.startsWith(`  ${command.name} `));
        expect(line?.trim().endsWith(command.summary)).toBe(true);
      }
    }
  });

  it('prints each subcommand help with its options and the common ones', async () => {
    const half = await run(['half', '--help']);
    expect(half.code).toBe(0);
    expect(half.stdout).toContain('Usage: singd-bench half [options]');
    for (const option of ['--iterations <count>', '--time <ms>', '--no-write', '--json', '--help']) {
      expect(half.stdout).toContain(option);
    }
    expect(half.stdout).toContain('an integer from 1 to 1000000; default 10');
    const main = await run(['main', '--help']);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('Usage: singd-bench main [options]');
    expect(main.stdout).toContain('--json');
  });

  it('exits with 2 for an unknown subcommand, naming it and listing the valid ones', async () => {
    const { code, stdout, stderr } = await run(['trian']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `singd-bench: unknown subcommand 'trian'; valid subcommands: ${SUBCOMMANDS.map((c) => c.name).join(', ')}\n`,
    );
  });

  it('exits with 2 for an unknown option or a bad value', async () => {
    const unknown = await run(['half', '--itterations', '3']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "singd-bench half: unknown option '--itterations'; valid options: --iterations",
    );
    const bad = await run(['half', '--time', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      "invalid value 'soon' for option '--time'; expected a number from 0 to 600000",
    );
    const main = await run(['main', '--verbose']);
    expect(main.code).toBe(2);
    expect(main.stderr).toContain("unknown option '--verbose'; valid options: --json, --help");
  });

  it('exits with 2 without a subcommand or with an option before it', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain(
      `missing subcommand; valid subcommands: ${SUBCOMMANDS.map((c) => c.name).join(', ')}`,
    );
    const early = await run(['--json', 'main']);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain("unknown option '--json' before the subcommand");
  });

  it('passes parsed options and --json to the subcommand, and maps a failure to exit code 1', async () => {
    const seen: unknown[] = [];
    const probe = defineSubcommand({
      name: 'probe',
      summary: 'test',
      description: 'test',
      options: { size: { kind: 'integer', description: 'size', default: 1, min: 1, max: 9 } },
      run(options, context) {
        seen.push({ size: options.size, json: context.json });
        if (options.size === 9) throw new Error('too big');
        return 0;
      },
    });
    expect((await run(['probe', '--size=3', '--json'], [probe])).code).toBe(0);
    expect(seen).toEqual([{ size: 3, json: true }]);
    const failed = await run(['probe', '--size', '9'], [probe]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toBe('singd-bench: too big\n');
  });

  it('makes main the default training comparison (singd-bench train with its defaults)', async () => {
    const help = await run(['main', '--help']);
    expect(help.stdout).toContain('Runs the default training comparison');
    expect(help.stdout).toContain('singd-diagonal (SINGD, diagonal K and C)');
    expect(SUBCOMMANDS.find((c) => c.name === 'main')!.options).toEqual({});
  });
});
