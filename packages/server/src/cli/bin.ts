#!/usr/bin/env node
/**
 * The `weft` executable. It always runs `main` (no "am I the main module" test: launched through
 * `node_modules/.bin/weft`, `process.argv[1]` is the symlink, not this file).
 */
import type { CliIo } from '@weft/framework';
import { main } from './main.js';

// `weft graph run ... | head -1`: the reader went away, so there is nobody left to tell; end quietly.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

const io: CliIo = {
  // Paths are relative to the working directory, as for any command. (Not INIT_CWD: inside a
  // package.json script run from a subfolder, that is the subfolder, not where the script runs.)
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
    // A stopped server exits even if a calculator that ignored cancellation still holds a handle.
    if (process.argv[2] === 'serve') process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`weft: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
