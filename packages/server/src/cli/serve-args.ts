import { parseArgs } from 'node:util';
import { ServerError } from '../errors/server-error.js';
import { S } from '../errors/server-error-codes.js';

export interface ServeArgs {
  readonly graphs?: string;
  readonly config?: string;
  readonly host?: string;
  readonly port?: number;
  readonly apiKey?: string;
  /** A file holding the key (so it is not visible in `ps`). */
  readonly apiKeyFile?: string;
  readonly graceMs?: number;
  /** Folders besides each graph's own that `calculators:` modules may be imported from. */
  readonly allowModules: readonly string[];
  readonly logLevel?: string;
  readonly ensureDefaultModel: boolean;
  readonly help: boolean;
}

export const SERVE_USAGE = `usage: weft serve [--graphs DIR] [--config FILE] [--host H] [--port N] [--api-key-file FILE]
                  [--grace-ms MS] [--log-level LEVEL] [--allow-modules DIR]... [--ensure-default-model]

  --graphs DIR            serve every *.yaml graph in DIR (default: graphs/)
  --config FILE           YAML: graphs: [{name, path}] and server options
  --host H                address to bind (default 127.0.0.1)
  --port N                port (default 8000; 0 picks a free one)
  --api-key-file FILE     require "Authorization: Bearer KEY" with the key in FILE (also
                          WEFT_API_KEY; --api-key KEY works too but shows the key in ps)
  --grace-ms MS           on SIGTERM, let running requests finish this long (default 10000)
  --log-level LEVEL       fatal|error|warn|info|debug|trace|silent (default info)
  --allow-modules DIR     also import graph calculators: modules from DIR (default: only
                          each graph's own folder); repeatable. Graph folders are code.
  --ensure-default-model  build the default tiny models (models/tiny-llama, models/tiny-embed) when missing
`;

export class ServeUsageError extends ServerError {
  constructor(message: string) {
    super(S.SERVER_USAGE, message);
  }
}

function integer(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new ServeUsageError(
      `${flag} "${text}" must be an integer from ${min} to ${max} (example: ${flag} 8000)`,
    );
  }
  return n;
}

/** Parses `weft serve` flags; throws ServeUsageError naming the bad flag. */
export function parseServeArgs(args: readonly string[]): ServeArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    throw new ServeUsageError(`${(error as Error).message}\n${SERVE_USAGE}`);
  }
  const v = parsed.values;
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (v['log-level'] !== undefined && !levels.includes(v['log-level'])) {
    throw new ServeUsageError(`--log-level "${v['log-level']}" is not one of ${levels.join(', ')}`);
  }
  const port = integer('--port', v.port, 0, 65535);
  const graceMs = integer('--grace-ms', v['grace-ms'], 0, 3_600_000);
  return {
    ...(v.graphs !== undefined && { graphs: v.graphs }),
    ...(v.config !== undefined && { config: v.config }),
    ...(v.host !== undefined && { host: v.host }),
    ...(port !== undefined && { port }),
    ...(v['api-key'] !== undefined && { apiKey: v['api-key'] }),
    ...(v['api-key-file'] !== undefined && { apiKeyFile: v['api-key-file'] }),
    ...(graceMs !== undefined && { graceMs }),
    ...(v['log-level'] !== undefined && { logLevel: v['log-level'] }),
    allowModules: v['allow-modules'] ?? [],
    ensureDefaultModel: v['ensure-default-model'] === true,
    help: v.help === true,
  };
}

function parse(args: readonly string[]) {
  return parseArgs({
    args: [...args],
    strict: true,
    allowPositionals: false,
    options: {
      graphs: { type: 'string' },
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      'api-key': { type: 'string' },
      'api-key-file': { type: 'string' },
      'grace-ms': { type: 'string' },
      'log-level': { type: 'string' },
      'allow-modules': { type: 'string', multiple: true },
      'ensure-default-model': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
