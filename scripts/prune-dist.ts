/**
 * Deletes build outputs whose source is gone (`dist/x.js`, `.d.ts`, `.map` without `src/x.ts`).
 * `tsc -b` never removes the outputs of a deleted or moved file, and `pnpm pack` would ship them.
 * Run by `pnpm pack:all` after `tsc -b`.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packages = fileURLToPath(new URL('../packages/', import.meta.url));
const OUTPUT = /\.(?:d\.ts|js)(?:\.map)?$/;

for (const pkg of readdirSync(packages)) {
  const dist = join(packages, pkg, 'dist');
  if (!existsSync(dist)) continue;
  for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
    if (!OUTPUT.test(file)) continue;
    const source = join(packages, pkg, 'src', file.replace(OUTPUT, '.ts'));
    if (existsSync(source)) continue;
    rmSync(join(dist, file));
    process.stdout.write(`removed packages/${pkg}/dist/${file} (its source is gone)\n`);
  }
}
