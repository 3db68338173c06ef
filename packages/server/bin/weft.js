#!/usr/bin/env node
// The `weft` executable. A committed file, not a build output, so that package managers can link it
// before `tsc -b` has run (pnpm links workspace bins before the root `prepare` script).
import '../dist/cli/bin.js';
