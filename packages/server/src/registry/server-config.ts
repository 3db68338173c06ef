import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { defaultLimits, limitConfigKey, type ServerLimits } from '../app/server-limits.js';
import { ServerError } from '../errors/server-error.js';
import { S } from '../errors/server-error-codes.js';
import { didYouMean } from './did-you-mean.js';

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
    ...limitSchemas,
  },
} as const;

const topKeys = Object.keys(schema.properties);
const graphKeys = Object.keys(schema.properties.graphs.items.properties);
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

export class ServerConfigError extends ServerError {
  constructor(readonly problems: readonly string[]) {
    super(S.SERVER_CONFIG_INVALID, `server config is invalid:\n${problems.join('\n')}`);
  }
}

function describeAjvError(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') {
    const key = String(e.params.additionalProperty);
    const known = e.instancePath === '' ? topKeys : graphKeys;
    const guess = didYouMean(key, known);
    return `unknown key "${key}"${guess ? `; did you mean "${guess}"?` : ''} (known keys: ${known.join(', ')})`;
  }
  if (e.keyword === 'enum') return `${e.message}: ${(e.params.allowedValues as unknown[]).join(', ')}`;
  return e.message ?? e.keyword;
}

/** Reads and validates a server config YAML file; throws ServerConfigError listing every problem with FILE:LINE:COL. */
export async function loadServerConfig(file: string): Promise<ServerConfig> {
  const absolute = resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    throw new ServerConfigError([
      `${absolute}:1:1 cannot read the config file (${(error as Error).message})`,
    ]);
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const where = (offset: number | undefined) => {
    const pos = lines.linePos(offset ?? 0);
    return `${absolute}:${pos.line}:${pos.col}`;
  };
  if (doc.errors.length > 0) {
    throw new ServerConfigError(doc.errors.map((e) => `${where(e.pos[0])} ${e.message.split('\n')[0]}`));
  }
  const value = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (!validate(value)) {
    const located = (validate.errors ?? []).map((e) => {
      const path = e.instancePath.split('/').slice(1);
      const unknownKey = e.keyword === 'additionalProperties';
      if (unknownKey) path.push(String(e.params.additionalProperty));
      // Unknown keys point at the key; wrong values at the value.
      const node = doc.getIn(path, true) as { range?: [number, number] } | undefined;
      const offset =
        (unknownKey ? locateKey(doc.contents, path) : node?.range?.[0]) ?? locateKey(doc.contents, path);
      return { offset: offset ?? 0, text: `${e.instancePath || '/'}: ${describeAjvError(e)}` };
    });
    located.sort((a, b) => a.offset - b.offset);
    throw new ServerConfigError(located.map((p) => `${where(p.offset)} ${p.text}`));
  }
  const base = dirname(absolute);
  const names = new Set<string>();
  const problems: string[] = [];
  const graphs = ((value.graphs ?? []) as { name: string; path: string }[]).map((g, i) => {
    if (names.has(g.name))
      problems.push(`${absolute}: /graphs/${i}/name: model name "${g.name}" is listed twice`);
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
    problems.push(
      `${absolute}: /headers_timeout_ms: ${headers} must not exceed body_timeout_ms (${body}): the headers are part of the request`,
    );
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
  };
}

/** Offset of the key node at `path` (so unknown keys point at the key, not the value). */
function locateKey(contents: unknown, path: readonly string[]): number | undefined {
  let node: unknown = contents;
  let offset: number | undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
      if (!pair) return offset;
      offset = (pair.key as { range?: [number, number] }).range?.[0];
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)] as { range?: [number, number] } | undefined;
      if (!item) return offset;
      offset = item.range?.[0];
      node = item;
    } else return offset;
  }
  return offset;
}
