import { defineConfig } from 'vitest/config';

// `pnpm test:install`: the README's own-project walk, apart from the unit suite (it installs from
// the npm registry and takes a minute or two).
export default defineConfig({
  test: {
    include: ['tests/install/**/*.test.ts'],
    root: new URL('../..', import.meta.url).pathname,
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
