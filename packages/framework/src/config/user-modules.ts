import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { AnyCalculatorDefinition } from '../calculator/contract.js';
import type { CalculatorRegistry } from '../calculator/registry.js';
import { V } from '../errors/validation-codes.js';
import type { Problem, SourceLocation } from '../graph/validated-graph.js';

/** True for objects shaped like a calculator definition (what `defineCalculator` returns). */
function isCalculatorDefinition(v: unknown): v is AnyCalculatorDefinition {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { name?: unknown }).name === 'string' &&
    typeof (v as { create?: unknown }).create === 'function'
  );
}

const isPathSpec = (spec: string): boolean =>
  spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec) || spec === '.' || spec === '..';

/** Picks the ESM entry of a package.json `exports` value for a subpath. */
function exportTarget(exportsField: unknown, subpath: string): string | undefined {
  if (typeof exportsField === 'string') return subpath === '.' ? exportsField : undefined;
  if (Array.isArray(exportsField)) {
    for (const e of exportsField) {
      const t = exportTarget(e, subpath);
      if (t) return t;
    }
    return undefined;
  }
  if (typeof exportsField !== 'object' || exportsField === null) return undefined;
  const entries = exportsField as Record<string, unknown>;
  const keys = Object.keys(entries);
  if (keys.some((k) => k.startsWith('.'))) return conditionTarget(entries[subpath]);
  return subpath === '.' ? conditionTarget(entries) : undefined;
}

function conditionTarget(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v !== 'object' || v === null) return undefined;
  for (const cond of ['import', 'node', 'default']) {
    const t = conditionTarget((v as Record<string, unknown>)[cond]);
    if (t) return t;
  }
  return undefined;
}

/**
 * Resolves a package name from `dir` as an ESM import would (node_modules lookup upwards, `exports`
 * with the import condition, then `main`). Done by hand because `import.meta.resolve` cannot take a
 * parent URL on Node 20 and `require.resolve` ignores the import condition.
 */
function resolvePackage(spec: string, dir: string): string | undefined {
  const parts = spec.split('/');
  const pkgName = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  const rest = spec.slice(pkgName.length);
  for (let d = resolve(dir); ; d = dirname(d)) {
    const pkgDir = join(d, 'node_modules', pkgName);
    const manifest = join(pkgDir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string };
      const target =
        pkg.exports !== undefined
          ? exportTarget(pkg.exports, `.${rest}`)
          : rest !== ''
            ? `.${rest}`
            : (pkg.main ?? 'index.js');
      return target === undefined ? undefined : join(pkgDir, target);
    }
    if (dirname(d) === d) return undefined;
  }
}

/**
 * `./x.js` names `./x.ts` when only the TypeScript source exists, as TypeScript's `nodenext`
 * resolution does (`.mjs` → `.mts`, `.cjs` → `.cts`): a graph can list its calculator modules the
 * way TypeScript imports are written, and keep working once they are compiled.
 */
function withTypeScriptSource(file: string): string {
  if (existsSync(file)) return file;
  const source = file.replace(/\.([cm]?)js$/, '.$1ts');
  return source !== file && existsSync(source) ? source : file;
}

let tsxRegistered: Promise<boolean> | undefined;

/**
 * Registers tsx's loader once so graphs can load `.ts` calculator modules on a plain `node` (Node 20
 * cannot strip types). tsx is a dependency of this package; it is imported lazily so graphs that
 * list only `.js` modules never load it. Returns false when it cannot be loaded (e.g. pruned).
 */
function registerTypeScriptLoader(): Promise<boolean> {
  tsxRegistered ??= (async () => {
    try {
      const { register } = await import('tsx/esm/api');
      register();
      return true;
    } catch {
      return false;
    }
  })();
  return tsxRegistered;
}

/** What this process imported for each module file: its modification time and module namespace. */
const imported = new Map<string, { readonly mtime: number; readonly namespace: object }>();

/** The module changed on disk but the loader served the namespace imported before the change. */
class StaleModuleError extends Error {}

/**
 * Node caches modules by URL for the life of the process: the file's modification time in the URL
 * makes a reload after an edit import the edited code (files the module itself imports are still
 * cached: restart to pick those up). An unchanged file keeps its URL and its cached module. Loaders
 * that ignore the query (tsx, vitest) hand back the old namespace: that is refused, not run.
 */
async function importModule(file: string): Promise<Record<string, unknown>> {
  const mtime = Math.round(statSync(file).mtimeMs);
  const namespace = await importUrl(file, `${pathToFileURL(file).href}?t=${mtime}`);
  const before = imported.get(file);
  if (before !== undefined && before.mtime !== mtime && before.namespace === namespace) {
    throw new StaleModuleError(
      `it changed on disk after this process imported it, and the module loader serves the old code; restart the process to load the edit`,
    );
  }
  imported.set(file, { mtime, namespace });
  return namespace;
}

async function importUrl(file: string, url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    const unknownExtension = (e as NodeJS.ErrnoException).code === 'ERR_UNKNOWN_FILE_EXTENSION';
    if (!unknownExtension || !/\.[cm]?ts$/.test(file)) throw e;
    if (!(await registerTypeScriptLoader())) {
      throw new Error(
        `${(e as Error).message}; TypeScript modules need tsx (install it, or run with \`node --import tsx\`) or compile the module to .js`,
      );
    }
    // A new URL: Node caches the failed import of the first one.
    return (await import(`${url}&ts`)) as Record<string, unknown>;
  }
}

/**
 * Imports the graph's `calculators:` modules and registers every exported calculator definition (or
 * array of them) into `registry`. Problems point at the list entry.
 */
export async function loadCalculatorModules(
  specs: readonly { spec: string; location: SourceLocation }[],
  dir: string,
  registry: CalculatorRegistry,
  problems: Problem[],
  roots?: readonly string[],
): Promise<void> {
  for (const { spec, location } of specs) {
    const target = isPathSpec(spec) ? resolve(dir, spec) : resolvePackage(spec, dir);
    const file = target === undefined ? undefined : withTypeScriptSource(target);
    if (file === undefined || !existsSync(file)) {
      problems.push({
        code: V.MODULE_NOT_FOUND,
        message: `calculator module "${spec}" not found (looked for ${file ?? `package "${spec}" in node_modules above ${dir}`}); paths must start with ./ or ../ and are relative to the graph file, package names must be installed`,
        location,
      });
      continue;
    }
    // Installed packages are the operator's choice; a path is the graph author's, and importing it
    // runs it: it must stay inside the folders the loader trusts.
    if (roots !== undefined && isPathSpec(spec) && !insideAny(realpathSync(file), roots)) {
      problems.push({
        code: V.MODULE_NOT_ALLOWED,
        message: `calculator module "${spec}" (${realpathSync(file)}) is outside the graph's folder and the allowed module folders (${roots.join(', ')}); it was not imported. Move it into the graph's folder or allow its folder (calculator_module_dirs / --allow-modules)`,
        location,
      });
      continue;
    }
    let mod: Record<string, unknown>;
    try {
      mod = await importModule(file);
    } catch (e) {
      if (e instanceof StaleModuleError) {
        problems.push({
          code: V.MODULE_STALE,
          message: `calculator module "${spec}": ${e.message}`,
          location,
        });
        continue;
      }
      problems.push({
        code: V.MODULE_NOT_FOUND,
        message: `calculator module "${spec}" failed to import: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (fix the module; it must be an ES module Node can load)`,
        location,
      });
      continue;
    }
    const found: AnyCalculatorDefinition[] = [];
    for (const [exportName, value] of Object.entries(mod)) {
      const list = Array.isArray(value) ? value : [value];
      const calcs = list.filter(isCalculatorDefinition);
      const strict = exportName === 'default' || Array.isArray(value);
      if (strict && calcs.length !== list.length && (calcs.length > 0 || exportName === 'default')) {
        problems.push({
          code: V.MODULE_EXPORT,
          message: `export "${exportName}" of calculator module "${spec}" holds something that is not a calculator definition; export only definitions made with defineCalculator (or arrays of them)`,
          location,
        });
      }
      found.push(...calcs);
    }
    if (found.length === 0) {
      problems.push({
        code: V.MODULE_EXPORT,
        message: `calculator module "${spec}" exports no calculator definition (exports: ${Object.keys(mod).join(', ') || 'none'}); export the result of defineCalculator({...})`,
        location,
      });
      continue;
    }
    for (const def of found) {
      const existing = registry.get(def.name);
      if (existing && existing !== def) {
        problems.push({
          code: V.DUPLICATE_CALCULATOR,
          message: `calculator "${def.name}" from module "${spec}" clashes with a calculator already registered under that name; rename it`,
          location,
        });
        continue;
      }
      registry.register(def);
    }
  }
}

function insideAny(file: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    let real: string;
    try {
      real = realpathSync(root);
    } catch {
      return false;
    }
    const rel = relative(real, file);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  });
}
