import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function packageDirectory(name: string): string {
  return dirname(require.resolve(`${name}/package.json`));
}

/** The folder of the `mnist` package's per-digit files `0.json … 9.json`. */
export function mnistDigitsDirectory(): string {
  return join(packageDirectory('mnist'), 'src', 'digits');
}

/** The folder of the `fashion-mnist` package's per-class files `0.json … 9.json`. */
export function fashionMnistClothesDirectory(): string {
  return join(packageDirectory('fashion-mnist'), 'src', 'clothes');
}
