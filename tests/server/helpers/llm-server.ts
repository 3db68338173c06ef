import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createLogger,
  defaultLoader,
  type RunningServer,
  type ServerOptions,
  startServer,
} from '@weft/server';
import { ensureTinyModel, repoRoot } from '../../helpers/models.js';

/**
 * The served graph `graphs/tiny-llama.yaml`, unchanged except that `model_dir` points at a model
 * built by the product's builder, served by a real server on 127.0.0.1:0.
 */
export async function startLlmServer(
  options: {
    preset?: 'tiny' | 'small' | 'bench';
    engine?: Record<string, number>;
    apiKey?: string;
    limits?: ServerOptions['limits'];
  } = {},
): Promise<RunningServer & { stop(): Promise<void>; logs: Record<string, unknown>[] }> {
  const model = await ensureTinyModel('llama', options.preset ?? 'tiny');
  const original = await readFile(join(repoRoot, 'graphs', 'tiny-llama.yaml'), 'utf8');
  const extra = Object.entries(options.engine ?? {})
    .map(([k, v]) => `, ${k}: ${v}`)
    .join('');
  const text = original.replace(
    /model_dir: \.\.\/models\/tiny-llama/,
    `model_dir: ${JSON.stringify(model)}${extra}`,
  );
  if (!text.includes(model)) throw new Error('graphs/tiny-llama.yaml changed: update startLlmServer');
  const dir = await mkdtemp(join(tmpdir(), 'weft-llm-server-'));
  await writeFile(join(dir, 'tiny-llama.yaml'), text);
  const logs: Record<string, unknown>[] = [];
  const server = await startServer({
    loader: defaultLoader(),
    graphsDir: dir,
    port: 0,
    watch: false,
    logger: createLogger({ write: (line) => void logs.push(JSON.parse(line)) }),
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    ...(options.limits !== undefined && { limits: options.limits }),
  });
  return Object.assign(server, {
    logs,
    stop: async () => {
      await server.close(0);
      await rm(dir, { recursive: true, force: true });
    },
  });
}

/** Engine gauges of one model, read from /metrics. */
export async function engineGauges(
  url: string,
  model: string,
): Promise<{ running: number; queued: number; kv: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) =>
    Number(new RegExp(`${name}\\{model="${model}"\\} ([0-9.e+-]+)`).exec(text)?.[1]);
  return {
    running: read('weft_running_sequences'),
    queued: read('weft_queue_length'),
    kv: read('weft_kv_cache_used_tokens'),
  };
}
