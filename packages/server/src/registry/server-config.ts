import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ajvProblems, formatProblem, type Problem, YamlSource } from '@weft/framework';
import { Ajv } from 'ajv';
import { defaultLimits, limitConfigKey, type ServerLimits } from '../app/server-limits.js';
import { ServerError } from '../errors/server-error.js';
import { S } from '../errors/server-error-codes.js';

/** The `--config` file after validation, paths resolved against the file's folder. */
export interface ServerConfig {
  readonly file: string;
  readonly graphs: readonly { readonly name: string; readonly path: string }[];
  readonly graphsDir?: string;
  readonly host?: string;
  readonly port?: number;
  readonly apiKey?: string;
  /** `api_key_file`, resolved against the config file's folder. */
  readonly apiKeyFile?: string;
  /** `metrics_need_api_key`: `/metrics` (model names, load) asks for the key too. */
  readonly metricsNeedApiKey?: boolean;
  readonly bodyLimit?: string;
  readonly keepAliveMs?: number;
  readonly shutdownGraceMs?: number;
  readonly logLevel?: string;
  /** `calculator_module_dirs`, resolved against the config file's folder. */
  readonly calculatorModuleDirs: readonly string[];
  /** `max_graph_bytes`: the largest graph file loaded (the framework's `maxGraphBytes`). */
  readonly maxGraphBytes?: number;
  /** `headers_timeout_ms`, `max_connections`, ... as given (defaults are applied by the server). */
  readonly limits: Partial<ServerLimits>;
}

const limitFields = Object.keys(defaultLimits) as (keyof ServerLimits)[];
// Each limit is a positive integer; the server's time-outs and counts never accept 0 ("none").
const limitSchemas = Object.fromEntries(
  limitFields.map((field) => [limitConfigKey(field), { type: 'integer', minimum: 1 }]),
);

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    graphs: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'path'],
        properties: {
          name: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:/-]*$' },
          path: { type: 'string', minLength: 1 },
        },
      },
    },
    graphs_dir: { type: 'string', minLength: 1 },
    host: { type: 'string', minLength: 1 },
    port: { type: 'integer', minimum: 0, maximum: 65535 },
    api_key: { type: 'string', minLength: 1 },
    api_key_file: { type: 'string', minLength: 1 },
    metrics_need_api_key: { type: 'boolean' },
    body_limit: { type: 'string', pattern: '^[0-9]+(b|kb|mb|gb)$' },
    keep_alive_ms: { type: 'integer', minimum: 10 },
    shutdown_grace_ms: { type: 'integer', minimum: 0 },
    log_level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
    calculator_module_dirs: { type: 'array', items: { type: 'string', minLength: 1 } },
    max_graph_bytes: { type: 'integer', minimum: 1 },
    ...limitSchemas,
  },
} as const;

// `verbose` gives the framework's formatter the schema of each error (the keys a did-you-mean picks from).
const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(schema);

/** Every problem of a config file, each `FILE:LINE:COL error CODE message` as graph validation reports. */
export class ServerConfigError extends ServerError {
  readonly problems: readonly string[];
  constructor(problems: readonly Problem[]) {
    const lines = [...problems]
      .sort((a, b) => a.location.line - b.location.line || a.location.col - b.location.col)
      .map(formatProblem);
    super(S.SERVER_CONFIG_INVALID, `server config is invalid:\n${lines.join('\n')}`);
    this.problems = lines;
  }
}

/** Reads and validates a server config YAML file; throws ServerConfigError listing every problem with FILE:LINE:COL. */
export async function loadServerConfig(file: string): Promise<ServerConfig> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ServerConfigError([
      {
        code: S.SERVER_CONFIG_INVALID,
        message: `cannot read the config file (${(error as Error).message})`,
        location: { file: absolute, line: 1, col: 1 },
      },
    ]);
  }
  // The framework's YAML reader and schema-problem formatter: the same messages as graph files.
  const { source, problems: syntax } = YamlSource.parse(text, absolute, 'config file');
  if (!source) throw new ServerConfigError(syntax);
  const value = (source.value ?? {}) as Record<string, unknown>;
  if (!validate(value)) {
    throw new ServerConfigError(
      ajvProblems(validate.errors ?? [], { source, base: [], code: S.SERVER_CONFIG_INVALID, value }),
    );
  }
  const base = dirname(absolute);
  const names = new Set<string>();
  const problems: Problem[] = [];
  const graphs = ((value.graphs ?? []) as { name: string; path: string }[]).map((g, i) => {
    if (names.has(g.name)) {
      problems.push({
        code: S.SERVER_CONFIG_INVALID,
        message: `graphs[${i}].name: model name "${g.name}" is listed twice; model names must be unique`,
        location: source.locate(['graphs', i, 'name']),
      });
    }
    names.add(g.name);
    return { name: g.name, path: resolve(base, g.path) };
  });
  const limits: Partial<Record<keyof ServerLimits, number>> = {};
  for (const field of limitFields) {
    const given = value[limitConfigKey(field)];
    if (typeof given === 'number') limits[field] = given;
  }
  const headers = limits.headersTimeoutMs ?? defaultLimits.headersTimeoutMs;
  const body = limits.bodyTimeoutMs ?? defaultLimits.bodyTimeoutMs;
  if (headers > body) {
    problems.push({
      code: S.SERVER_CONFIG_INVALID,
      message: `headers_timeout_ms: ${headers} must not exceed body_timeout_ms (${body}): the headers are part of the request`,
      location: source.locate(['headers_timeout_ms']),
    });
  }
  if (problems.length > 0) throw new ServerConfigError(problems);
  const opt = <T>(key: string) => value[key] as T | undefined;
  return {
    file: absolute,
    graphs,
    limits,
    calculatorModuleDirs: ((value.calculator_module_dirs ?? []) as string[]).map((d) => resolve(base, d)),
    ...(opt<string>('graphs_dir') !== undefined && { graphsDir: resolve(base, opt<string>('graphs_dir')!) }),
    ...(opt('host') !== undefined && { host: opt<string>('host')! }),
    ...(opt('port') !== undefined && { port: opt<number>('port')! }),
    ...(opt('api_key') !== undefined && { apiKey: opt<string>('api_key')! }),
    ...(opt('api_key_file') !== undefined && { apiKeyFile: resolve(base, opt<string>('api_key_file')!) }),
    ...(opt('metrics_need_api_key') !== undefined && {
      metricsNeedApiKey: opt<boolean>('metrics_need_api_key')!,
    }),
    ...(opt('body_limit') !== undefined && { bodyLimit: opt<string>('body_limit')! }),
    ...(opt('keep_alive_ms') !== undefined && { keepAliveMs: opt<number>('keep_alive_ms')! }),
    ...(opt('shutdown_grace_ms') !== undefined && { shutdownGraceMs: opt<number>('shutdown_grace_ms')! }),
    ...(opt('log_level') !== undefined && { logLevel: opt<string>('log_level')! }),
    ...(opt('max_graph_bytes') !== undefined && { maxGraphBytes: opt<number>('max_graph_bytes')! }),
  };
}
