/**
 * End to end in a real browser: the vite-built page (test/browser/page) is served on localhost
 * and opened in headless Debian Chromium. It trains a small tfjs MLP for a few SINGD steps with
 * the SINGD state on the gpujs backend (gpu.js on WebGL) and again on the cpu backend, and
 * publishes its verdict; this test asserts that verdict and that gpu.js really ran on WebGL.
 *
 * Needs /usr/bin/chromium (`apt-get install -y --no-install-recommends chromium`; .ci/run
 * installs it). Without it the test fails with that instruction — it never skips.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertChromiumInstalled, type LaunchedChromium, launchChromium } from './chromium.js';
import { nodeBuiltinGuard } from './node-builtin-guard.js';
import type { PageError, PageResult } from './page/page-result.js';
import { type StaticServer, serveDirectory } from './static-server.js';
import { buildPage } from './vite-bundles.js';

let workDir: string | undefined;
let server: StaticServer | undefined;
let browser: LaunchedChromium | undefined;

beforeAll(async () => {
  assertChromiumInstalled();
  workDir = mkdtempSync(join(tmpdir(), 'singd-browser-e2e-'));
  const guard = nodeBuiltinGuard();
  const files = await buildPage(join(workDir, 'dist'), [guard.plugin]);
  expect(guard.violations).toEqual([]);
  expect(files).toContain('index.html');
  server = await serveDirectory(join(workDir, 'dist'));
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

describe('headless Chromium', () => {
  it('trains with SINGD on the gpujs backend (WebGL) and matches the cpu backend', async () => {
    const page = await browser!.context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    const started = performance.now();
    await page.goto(server!.url);
    await page.waitForFunction(() => window.__singdResult !== undefined, undefined, { timeout: 45_000 });
    const result = (await page.evaluate(() => window.__singdResult)) as PageResult | PageError;
    const pageMillis = performance.now() - started;
    await page.close();

    if ('error' in result) throw new Error(`the page failed:\n${result.error}`);
    const runs = result.gpujs.map(
      (g) =>
        `${g.mode}: ${g.compiledKernels} kernels compiled in ${g.compileMillis.toFixed(0)} ms, ` +
        `${g.run.millis.toFixed(0)} ms, losses [${g.run.losses.map((l) => l.toFixed(6))}], ` +
        `max |Δw| ${g.maxAbsDiff.toExponential(2)} (${g.worstToleranceRatio.toFixed(3)} of the tolerance)`,
    );
    console.log(
      `[browser e2e] gpu.js picks ${result.bestMode} (available: ${result.availableModes.join(', ')}); ` +
        `${result.webglRenderer}\n  cpu: ${result.cpu.millis.toFixed(0)} ms, losses ` +
        `[${result.cpu.losses.map((l) => l.toFixed(6))}]\n  ${runs.join('\n  ')}\n  tolerance rtol ` +
        `${result.tolerance.rtol}, atol ${result.tolerance.atol}; max weight change ` +
        `${result.maxWeightChange.toFixed(4)}; page ${pageMillis.toFixed(0)} ms`,
    );
    expect(result.problems).toEqual([]);
    expect(result.verdict).toBe('pass');
    expect(['webgl2', 'webgl']).toContain(result.bestMode);
    expect(result.gpujs.map((g) => g.mode)).toContain(result.bestMode);
    for (const g of result.gpujs) {
      expect(g.compiledKernels).toBeGreaterThan(0);
      expect(g.worstToleranceRatio).toBeLessThanOrEqual(1);
      expect(g.run.losses).toHaveLength(result.cpu.losses.length);
    }
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
