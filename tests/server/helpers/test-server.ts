import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createLogger,
  defaultLoader,
  type RunningServer,
  type ServerOptions,
  startServer,
} from '@weft/server';
import { type ResponderGraphOptions, responderGraphYaml, responderModule } from '../fixtures/responder.js';

export interface TestServer extends RunningServer {
  readonly dir: string;
  /** Log lines written so far, parsed. */
  readonly logs: Record<string, unknown>[];
  stop(): Promise<void>;
}

/** A real server on 127.0.0.1:0 serving responder graphs written into a fresh temp folder. */
export async function startTestServer(
  graphs: readonly ResponderGraphOptions[] = [{ name: 'echo' }],
  options: {
    apiKey?: string;
    bodyLimit?: string;
    keepAliveMs?: number;
    watch?: boolean;
    limits?: ServerOptions['limits'];
  } = {},
): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'weft-server-'));
  for (const g of graphs) await writeFile(join(dir, `${g.name}.yaml`), responderGraphYaml(g));
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({ write: (line) => void logs.push(JSON.parse(line)) });
  const server = await startServer({
    // The responder graphs import their calculators from tests/server/fixtures.
    loader: defaultLoader(undefined, [dirname(responderModule)]),
    graphsDir: dir,
    port: 0,
    logger,
    watch: options.watch ?? false,
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }),
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
    ...(options.limits !== undefined && { limits: options.limits }),
  });
  return Object.assign(server, {
    dir,
    logs,
    stop: async () => {
      await server.close(0);
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/** POSTs JSON and returns status, headers and the parsed body (or text when not JSON). */
export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** Splits an SSE body into its `data:` payloads (comments dropped). */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block.startsWith('data: '))
    .map((block) => block.slice('data: '.length));
}

/** Polls until `check` returns true (hot reload and metrics settle asynchronously). */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** GETs a URL and parses its JSON body. */
export async function getJson(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers });
  return { status: res.status, body: await res.json() };
}
