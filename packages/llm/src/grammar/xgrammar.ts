import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

// The types of the package's own declarations; the value comes from the CommonJS load below.
export type XGrammar = typeof import('@mlc-ai/web-xgrammar').default;

let loaded: XGrammar | undefined;

/**
 * XGrammar (WASM) for Node. `@mlc-ai/web-xgrammar` ships a UMD bundle inside a `"type": "module"`
 * package, so `import` evaluates it as an ES module where `require`/`__filename` do not exist and it
 * fails. The same file evaluated as CommonJS works: resolve it with `createRequire` and compile it
 * as a CommonJS module (the WASM binary is inlined, nothing else is read from disk).
 */
export function xgrammar(): XGrammar {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const file = require.resolve('@mlc-ai/web-xgrammar');
  const Module = require('node:module') as {
    new (
      id: string,
    ): { filename: string; paths: string[]; exports: unknown; _compile(s: string, f: string): void };
    _nodeModulePaths(dir: string): string[];
  };
  const mod = new Module(file);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  mod._compile(readFileSync(file, 'utf8'), file);
  loaded = mod.exports as XGrammar;
  return loaded;
}
