#!/usr/bin/env node
/**
 * The `singd-bench` executable: `singd-bench <subcommand> [options]`. All logic lives in
 * {@link runCli}; this file only connects it to the process.
 * @packageDocumentation
 */
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
