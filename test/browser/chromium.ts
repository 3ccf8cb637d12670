/**
 * Headless Debian Chromium driven by playwright-core (which never downloads a browser of its
 * own): a fresh profile directory per launch, and the flags that keep Chromium off the network.
 */
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Where Debian's `chromium` package installs the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * The launch flags: headless, no sandbox (CI runs as root), software only (`--disable-gpu`),
 * and no background traffic to Google's hosts (the machine has no outside network).
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Throws, with the command that installs it, when the Chromium executable is missing: the
 * end-to-end test must fail rather than silently skip.
 */
export function assertChromiumInstalled(path: string = CHROMIUM_PATH): void {
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      `Chromium not found at ${path}: the browser end-to-end test needs Debian's chromium.\n` +
        'Install it with: sudo apt-get install -y --no-install-recommends chromium\n' +
        '(.ci/run does this in CI).',
    );
  }
}

/** A launched browser with its own temporary profile; `close()` removes the profile. */
export interface LaunchedChromium {
  readonly context: BrowserContext;
  readonly profileDir: string;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with {@link CHROMIUM_ARGS} and a new empty `--user-data-dir` (a
 * persistent context is playwright's way of passing that flag).
 */
export async function launchChromium(): Promise<LaunchedChromium> {
  assertChromiumInstalled();
  const profileDir = mkdtempSync(join(tmpdir(), 'singd-chromium-profile-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS],
    timeout: 30_000,
  });
  return {
    context,
    profileDir,
    close: async () => {
      await context.close();
      rmSync(profileDir, { recursive: true, force: true });
    },
  };
}
