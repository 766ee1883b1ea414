// The package's version for `backprop --version`, from package.json at run time: the nearest
// package.json above this file is the package's own, both in the sources (src/cli/) and in an
// installed package (dist/cli/), so there is no second copy of the number to keep in step.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(from = fileURLToPath(import.meta.url)): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    try {
      return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
    }
  }
}
