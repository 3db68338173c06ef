import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * What the user's project still needs before the scaffolded files run as printed: commands to run
 * first, in order. Empty when the project is ready (an ES module package with vitest installed).
 */
export function missingSetup(dir: string): string[] {
  const steps: string[] = [];
  const manifest = nearest(dir, 'package.json');
  if (manifest === undefined) steps.push('npm init -y');
  // The scaffolded .ts files are ES modules; in a CommonJS package tsc and Node treat them as CommonJS.
  if (manifest === undefined || !isModulePackage(manifest)) steps.push('npm pkg set type=module');
  if (nearest(dir, join('node_modules', 'vitest', 'package.json')) === undefined) {
    steps.push('npm install --save-dev vitest');
  }
  return steps;
}

/** True when a vitest config sits beside the project's package.json: its `include` decides what runs. */
export function hasVitestConfig(dir: string): boolean {
  const manifest = nearest(dir, 'package.json');
  if (manifest === undefined) return false;
  return ['ts', 'mts', 'js', 'mjs'].some((ext) =>
    existsSync(join(dirname(manifest), `vitest.config.${ext}`)),
  );
}

/** The first `dir/name`, `dir/../name`, ... that exists. */
function nearest(dir: string, name: string): string | undefined {
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (existsSync(join(d, name))) return join(d, name);
    if (dirname(d) === d) return undefined;
  }
}

function isModulePackage(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module';
  } catch {
    return false;
  }
}
