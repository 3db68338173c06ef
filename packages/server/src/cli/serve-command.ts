import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CliIo } from '@weft/framework';
import { loadServerConfig, ServerConfigError } from '../registry/server-config.js';
import { createLogger } from '../serve/create-logger.js';
import { defaultLoader } from '../serve/default-loader.js';
import { ensureDefaultModel, repoRoot } from '../serve/ensure-default-model.js';
import { type RunningServer, startServer } from '../serve/start-server.js';
import { parseServeArgs } from './serve-args.js';

/** Hooks for in-process tests: stop without a signal, see the server once it listens. */
export interface ServeControl {
  readonly signal?: AbortSignal;
  readonly onListening?: (server: RunningServer) => void;
}

/**
 * `weft serve`: prints exactly one stdout line, `listening on http://H:N`, once ready; logs JSON
 * lines on stderr; on SIGTERM/SIGINT drains running requests within the grace period, exits 0.
 */
export async function serveCommand(args: string[], io: CliIo, control: ServeControl = {}): Promise<number> {
  const parsed = parseServeArgs(args, io);
  if (typeof parsed === 'number') return parsed;
  let config: Awaited<ReturnType<typeof loadServerConfig>> | undefined;
  try {
    config = parsed.config === undefined ? undefined : await loadServerConfig(resolve(io.cwd, parsed.config));
  } catch (error) {
    if (error instanceof ServerConfigError) {
      io.stderr(`weft serve: ${error.code} ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const logger = createLogger({
    level: parsed.logLevel ?? config?.logLevel ?? 'info',
    write: (l) => io.stderr(l),
  });
  if (parsed.ensureDefaultModel) await ensureDefaultModel(logger);
  // A config that lists graphs serves only those, unless a folder is asked for too. `pnpm start`
  // (--ensure-default-model) serves the repository's graphs/ wherever it is typed.
  const fallbackDir = parsed.ensureDefaultModel ? resolve(repoRoot, 'graphs') : resolve(io.cwd, 'graphs');
  const graphsDir =
    parsed.graphs !== undefined
      ? resolve(io.cwd, parsed.graphs)
      : (config?.graphsDir ?? (config && config.graphs.length > 0 ? undefined : fallbackDir));
  let apiKey: string | undefined;
  try {
    apiKey = readApiKey(parsed, config, io.cwd);
  } catch (error) {
    io.stderr(`weft serve: ${(error as Error).message}\n`);
    return 2;
  }
  const server = await startServer({
    loader: defaultLoader(
      undefined,
      [...parsed.allowModules.map((d) => resolve(io.cwd, d)), ...(config?.calculatorModuleDirs ?? [])],
      config?.maxGraphBytes,
    ),
    logger,
    ...(graphsDir !== undefined && { graphsDir }),
    ...(config && { graphs: config.graphs }),
    host: parsed.host ?? config?.host ?? '127.0.0.1',
    port: parsed.port ?? config?.port ?? 8000,
    ...(apiKey !== undefined && apiKey !== '' && { apiKey }),
    ...(config?.metricsNeedApiKey !== undefined && { metricsNeedApiKey: config.metricsNeedApiKey }),
    ...(config?.bodyLimit !== undefined && { bodyLimit: config.bodyLimit }),
    ...(config?.keepAliveMs !== undefined && { keepAliveMs: config.keepAliveMs }),
    ...(config && { limits: config.limits }),
  });
  if (server.registry.status().length === 0) {
    logger.warn(
      { graphsDir: graphsDir ?? null },
      'no graphs found: nothing is served until a graph file appears',
    );
  }
  io.stdout(`listening on ${server.url}\n`);
  control.onListening?.(server);
  const reason = await stopSignal(control.signal);
  logger.info({ signal: reason }, 'shutting down');
  await server.close(parsed.graceMs ?? config?.shutdownGraceMs ?? 10_000);
  logger.info('stopped');
  return 0;
}

function stopSignal(signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (name: string) => {
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      signal?.removeEventListener('abort', onAbort);
      resolve(name);
    };
    const onTerm = () => done('SIGTERM');
    const onInt = () => done('SIGINT');
    const onAbort = () => done('abort');
    process.once('SIGTERM', onTerm);
    process.once('SIGINT', onInt);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The API key, first found of: `--api-key`, `--api-key-file`, `WEFT_API_KEY`, the config's
 * `api_key`, its `api_key_file`. A key file is read once, surrounding whitespace dropped; an
 * unreadable or empty one is an error (serving without the key the operator meant would be worse).
 */
function readApiKey(
  parsed: { apiKey?: string; apiKeyFile?: string },
  config: { apiKey?: string; apiKeyFile?: string } | undefined,
  cwd: string,
): string | undefined {
  const fromFile = (file: string) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new Error(`cannot read the API key file ${file}: ${(error as Error).message}`);
    }
    if (text === '') throw new Error(`the API key file ${file} is empty`);
    return text;
  };
  if (parsed.apiKey !== undefined) return parsed.apiKey;
  if (parsed.apiKeyFile !== undefined) return fromFile(resolve(cwd, parsed.apiKeyFile));
  if (process.env.WEFT_API_KEY !== undefined) return process.env.WEFT_API_KEY;
  if (config?.apiKey !== undefined) return config.apiKey;
  return config?.apiKeyFile === undefined ? undefined : fromFile(config.apiKeyFile);
}
