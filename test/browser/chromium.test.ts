/**
 * Without Chromium the browser end-to-end test fails with the command that installs it,
 * instead of skipping.
 */
import { describe, expect, it } from 'vitest';
import { assertChromiumInstalled, CHROMIUM_ARGS } from './chromium.js';

describe('Chromium launcher', () => {
  it('names the install command when the executable is missing', () => {
    expect(() => assertChromiumInstalled('/nonexistent/chromium')).toThrow(
      /Chromium not found at \/nonexistent\/chromium[\s\S]*apt-get install -y --no-install-recommends chromium/,
    );
  });

  it('launches headless, offline and without GPU', () => {
    expect(CHROMIUM_ARGS).toEqual(
      expect.arrayContaining([
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ]),
    );
  });
});
