import { type CliIo, parseCommandArgs } from '@weft/framework';

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

const SERVE = {
  command: 'weft serve',
  usage: SERVE_USAGE.trimEnd(),
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
  },
  positionals: { name: 'argument', min: 0, max: 0 },
} as const;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Parses `weft serve` flags with the framework's command parser (the one every `weft` command
 * uses). Returns the flags, or the exit code after it has answered (`--help`: 0; a bad flag: 2,
 * with the problem and the usage on stderr).
 */
export function parseServeArgs(args: readonly string[], io: CliIo): ServeArgs | number {
  const parsed = parseCommandArgs(args, SERVE, io);
  if (typeof parsed === 'number') return parsed;
  const v = parsed.values;
  const problem = (message: string): number => {
    io.stderr(`weft serve: ${message}\n${SERVE.usage}\n`);
    return 2;
  };
  const integer = (flag: string, text: string | undefined, max: number): number | undefined | string => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (/^\d+$/.test(text) && n <= max) return n;
    return `${flag} "${text}" must be an integer from 0 to ${max} (example: ${flag} 8000)`;
  };
  if (v['log-level'] !== undefined && !LEVELS.includes(v['log-level'])) {
    return problem(`--log-level "${v['log-level']}" is not one of ${LEVELS.join(', ')}`);
  }
  const port = integer('--port', v.port, 65535);
  if (typeof port === 'string') return problem(port);
  const graceMs = integer('--grace-ms', v['grace-ms'], 3_600_000);
  if (typeof graceMs === 'string') return problem(graceMs);
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
  };
}
