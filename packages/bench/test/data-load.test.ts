import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadFashionMnist } from '../src/data-fashion-mnist.js';
import { classCounts } from '../src/data-images.js';
import { DataLoadError } from '../src/data-load-error.js';
import { loadMnist } from '../src/data-mnist.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'singd-data-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Writes `<label>.json` for labels 0…9 with `data(label)` as the "data" member. */
async function writeClasses(data: (label: number) => unknown, skip?: number): Promise<void> {
  for (let label = 0; label < 10; label++) {
    if (label === skip) continue;
    await writeFile(join(directory, `${label}.json`), JSON.stringify({ data: data(label) }));
  }
}

async function loadError(load: () => Promise<unknown>): Promise<DataLoadError> {
  try {
    await load();
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(DataLoadError);
    return error as DataLoadError;
  }
  throw new Error('expected a DataLoadError');
}

describe('loadMnist from a folder', () => {
  it('reads flat 784-value images per digit file', async () => {
    await writeClasses((label) => Array.from({ length: 784 * (label + 1) }, (_, i) => (i % 784) / 784));
    const data = await loadMnist({ directory });
    expect(data.count).toBe(55);
    expect(classCounts(data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(data.images[783]).toBeCloseTo(783 / 784, 6);
  });

  it('names a missing file', async () => {
    await writeClasses(() => new Array(784).fill(0), 3);
    const error = await loadError(() => loadMnist({ directory }));
    expect(error.file).toBe(join(directory, '3.json'));
    expect(error.message).toBe(`cannot load ${join(directory, '3.json')}: the file does not exist`);
  });

  it('names a file that is not JSON, has the wrong length or a bad value', async () => {
    await writeClasses(() => new Array(784).fill(0));
    await writeFile(join(directory, '5.json'), '{ "data": [0, 1,');
    expect((await loadError(() => loadMnist({ directory }))).message).toMatch(
      new RegExp(`^cannot load ${join(directory, '5.json')}: not valid JSON`),
    );
    await writeFile(join(directory, '5.json'), JSON.stringify({ data: new Array(785).fill(0) }));
    expect((await loadError(() => loadMnist({ directory }))).message).toContain(
      `${join(directory, '5.json')}: 785 values is not a multiple of 784`,
    );
    await writeFile(join(directory, '5.json'), JSON.stringify({ data: [...new Array(783).fill(0), 2] }));
    expect((await loadError(() => loadMnist({ directory }))).message).toContain(
      `${join(directory, '5.json')}: value 783 is 2; expected a number in [0, 1]`,
    );
    await writeFile(join(directory, '5.json'), JSON.stringify([1, 2]));
    expect((await loadError(() => loadMnist({ directory }))).message).toContain(
      'expected an object with a "data" array',
    );
  });
});

describe('loadFashionMnist from a folder', () => {
  it('keeps rows of 784 values, scales 0…255 to [0, 1], and names a file with a bad value', async () => {
    await writeClasses((label) => [
      Array.from({ length: 784 }, (_, i) => (i === 0 ? 255 : label)),
      [],
      Array.from({ length: 784 }, () => 0),
    ]);
    const data = await loadFashionMnist({ directory });
    expect(data.count).toBe(20);
    expect(classCounts(data)).toEqual(new Array(10).fill(2));
    expect(data.images[0]).toBe(1);
    expect(data.images[1]).toBe(0);
    expect(data.images[2 * 784 + 1]).toBeCloseTo(1 / 255, 7);

    await writeFile(join(directory, '7.json'), JSON.stringify({ data: [[...new Array(783).fill(0), 256]] }));
    const error = await loadError(() => loadFashionMnist({ directory }));
    expect(error.file).toBe(join(directory, '7.json'));
    expect(error.message).toContain('row 0 value 783 is 256; expected an integer in 0…255');
    await writeFile(join(directory, '7.json'), JSON.stringify({ data: [[], [1, 2]] }));
    expect((await loadError(() => loadFashionMnist({ directory }))).message).toBe(
      `cannot load ${join(directory, '7.json')}: no row of 784 values`,
    );
  });
});
