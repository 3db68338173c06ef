import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModelKind } from '@weft/llm';
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
    /** Export kind of the built model (GroupQueryAttention, q4, q8, genai layout, merged...). */
    kind?: Partial<ModelKind>;
    engine?: Record<string, number | string>;
    apiKey?: string;
    limits?: ServerOptions['limits'];
  } = {},
): Promise<RunningServer & { stop(): Promise<void>; logs: Record<string, unknown>[] }> {
  const model = await ensureTinyModel('llama', options.preset ?? 'tiny', undefined, options.kind);
  const original = await readFile(join(repoRoot, 'graphs', 'tiny-llama.yaml'), 'utf8');
  // Engine options replace the graph's own value of the same key, or are added after model_dir.
  let text = original;
  let extra = '';
  for (const [k, v] of Object.entries(options.engine ?? {})) {
    const own = new RegExp(`\\b${k}: [^,}]+`);
    if (own.test(text)) text = text.replace(own, `${k}: ${v}`);
    else extra += `, ${k}: ${v}`;
  }
  text = text.replace(/model_dir: \.\.\/models\/tiny-llama/, `model_dir: ${JSON.stringify(model)}${extra}`);
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
): Promise<{ running: number; requestsRunning: number; queued: number; kv: number; kvRatio: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) =>
    Number(new RegExp(`${name}\\{model="${model}"\\} ([0-9.e+-]+)`).exec(text)?.[1]);
  return {
    running: read('weft_running_sequences'),
    requestsRunning: read('weft_requests_running'),
    queued: read('weft_queue_length'),
    kv: read('weft_kv_cache_used_tokens'),
    kvRatio: read('weft_kv_cache_usage_ratio'),
  };
}
