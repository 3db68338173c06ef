import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * vitest global setup: says once, at the start of the run, when `../shared/fixtures` is absent, so
 * that the tests needing it do not go missing silently (each is also named "... skipped when that
 * folder is absent").
 */
export default function fixturesNotice(): void {
  const dir = fileURLToPath(new URL('../../../shared/fixtures', import.meta.url));
  if (existsSync(dir)) return;
  process.stdout.write(
    `\nnote: ${dir} is absent: the tests that need third-party fixtures (real tokenizers and model exports) are skipped\n\n`,
  );
}
