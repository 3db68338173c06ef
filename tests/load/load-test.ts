/**
 * `pnpm test:load`: 64 concurrent streaming clients for 30 s against `weft serve` (tiny-llama graph,
 * loopback only); 10% disconnect early and 10% send invalid bodies. Passes when no response is a
 * 5xx, every valid stream ends with [DONE], the engine is idle afterwards and RSS stays bounded.
 * Prints one summary line; the exit code says pass (0) or fail (1).
 *
 *   pnpm test:load [--clients 64] [--seconds 30]
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type StreamResult, streamRequest } from './sse-client.js';
import { reexecWithSrcPaths, repoRoot, spawnServe } from './with-src-paths.js';

await reexecWithSrcPaths(fileURLToPath(import.meta.url));
const { ensureTinyModel } = await import('../helpers/models.js');

const { values } = parseArgs({
  options: { clients: { type: 'string', default: '64' }, seconds: { type: 'string', default: '30' } },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const model = 'tiny-llama';

const INVALID_BODIES = [
  '{"model": "tiny-llama", "prompt": ',
  JSON.stringify({ model: 'tiny-llama', prompt: 'x', max_tokens: 'many', stream: true }),
  JSON.stringify({ model: 'tiny-llama', prompt: 'x', temperature: -3, stream: true }),
  JSON.stringify({ model: 'no-such-model', prompt: 'x', stream: true }),
  JSON.stringify({ prompt: 'x', stream: true }),
  JSON.stringify({ model: 'tiny-llama', messages: 'hi', stream: true }),
];
const PROMPTS = [
  'Once upon a time',
  'The little dog',
  'In the morning the sun',
  'She said that',
  'A long way',
];

interface ServerGauges {
  running: number;
  queued: number;
  kv: number;
  rss: number;
  inFlight: number;
}

async function metricsOf(url: string): Promise<ServerGauges> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const read = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1]);
  return {
    running: read('weft_running_sequences'),
    queued: read('weft_queue_length'),
    kv: read('weft_kv_cache_used_tokens'),
    rss: read('weft_process_resident_memory_bytes'),
    inFlight: read('weft_requests_in_flight'),
  };
}

const modelDir = await ensureTinyModel('llama');
const graphText = (await readFile(join(repoRoot, 'graphs', 'tiny-llama.yaml'), 'utf8')).replace(
  /model_dir: \.\.\/models\/tiny-llama/,
  `model_dir: ${JSON.stringify(modelDir)}`,
);
const dir = await mkdtemp(join(tmpdir(), 'weft-load-'));
await writeFile(join(dir, `${model}.yaml`), graphText);
const server = await spawnServe([
  '--graphs',
  dir,
  '--port',
  '0',
  '--log-level',
  'warn',
  '--grace-ms',
  '2000',
]);
const endpoint = `${server.url}/v3`;

const counts = {
  valid: 0,
  completed: 0,
  missingDone: 0,
  errorEvents: 0,
  disconnects: 0,
  invalid: 0,
  invalidOk: 0,
};
const statuses = new Map<number, number>();
const ttfts: number[] = [];
let tokens = 0;
let failures: string[] = [];
const note = (s: number) => statuses.set(s, (statuses.get(s) ?? 0) + 1);

async function client(id: number, deadline: number): Promise<void> {
  for (let i = 0; Date.now() < deadline; i++) {
    const kind = (id * 7 + i) % 10;
    const chat = i % 2 === 0;
    const prompt = PROMPTS[(id + i) % PROMPTS.length]!;
    const body = chat
      ? { model, messages: [{ role: 'user', content: prompt }], max_tokens: 24, stream: true, seed: id }
      : { model, prompt, max_tokens: 24, stream: true, temperature: 0.8, seed: i };
    const url = `${endpoint}/${chat ? 'chat/completions' : 'completions'}`;
    let result: StreamResult;
    try {
      if (kind === 0) {
        counts.invalid++;
        result = await streamRequest(url, undefined, {
          rawBody: INVALID_BODIES[counts.invalid % INVALID_BODIES.length]!,
        });
        if (result.status >= 400 && result.status < 500) counts.invalidOk++;
        else failures.push(`invalid body answered ${result.status}`);
      } else if (kind === 1) {
        counts.disconnects++;
        result = await streamRequest(url, body, { abortAfter: 2 });
      } else {
        counts.valid++;
        result = await streamRequest(url, body);
        if (result.status === 200) {
          counts.completed++;
          tokens += result.events;
          if (!result.done) counts.missingDone++;
          if (result.errorEvent) counts.errorEvents++;
          if (result.ttftMs !== undefined) ttfts.push(result.ttftMs);
        }
      }
    } catch (error) {
      failures.push(`client ${id}: ${(error as Error).message}`);
      continue;
    }
    note(result.status);
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

let passed = false;
let summary = '';
try {
  // Warm-up: one request compiles the hot paths, then the baseline RSS is taken.
  await streamRequest(`${endpoint}/completions`, { model, prompt: 'warm up', max_tokens: 8, stream: true });
  const before = await metricsOf(server.url);
  const started = Date.now();
  const deadline = started + seconds * 1000;
  // RSS a third of the way in (allocators warmed up under full load) is the plateau to compare with.
  let plateau = before.rss;
  const sampler = setTimeout(
    () => void metricsOf(server.url).then((m) => (plateau = Math.max(plateau, m.rss))),
    (seconds * 1000) / 3,
  );
  await Promise.all(Array.from({ length: clients }, (_, id) => client(id, deadline)));
  clearTimeout(sampler);
  const elapsed = (Date.now() - started) / 1000;
  let after = await metricsOf(server.url);
  const idleBy = Date.now() + 10_000;
  while ((after.running !== 0 || after.queued !== 0 || after.kv !== 0) && Date.now() < idleBy) {
    await new Promise((r) => setTimeout(r, 100));
    after = await metricsOf(server.url);
  }
  const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
  const idle = after.running === 0 && after.queued === 0 && after.kv === 0;
  // RSS grows while allocators and caches warm up, then stays flat; a leak keeps growing after that.
  const rssOk =
    after.rss <= plateau * 1.25 + 32 * 1024 * 1024 && after.rss <= before.rss * 2 + 64 * 1024 * 1024;
  failures = failures.slice(0, 5);
  passed =
    fivexx === 0 &&
    counts.missingDone === 0 &&
    counts.errorEvents === 0 &&
    counts.invalidOk === counts.invalid &&
    idle &&
    rssOk &&
    failures.length === 0 &&
    counts.completed > 0;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(0);
  summary =
    `load ${passed ? 'PASS' : 'FAIL'}: ${clients} clients × ${elapsed.toFixed(1)} s: ` +
    `${counts.valid + counts.disconnects + counts.invalid} requests (${counts.completed}/${counts.valid} streams completed, ` +
    `${counts.disconnects} early disconnects, ${counts.invalid} invalid → ${counts.invalidOk} 4xx), ` +
    `statuses ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}, ${fivexx} 5xx, ` +
    `${counts.missingDone} streams without [DONE], ${counts.errorEvents} error events, ` +
    `${(tokens / elapsed).toFixed(0)} chunks/s, TTFT p50 ${pct(ttfts, 50).toFixed(0)} ms p99 ${pct(ttfts, 99).toFixed(0)} ms, ` +
    `engine ${idle ? 'idle' : `NOT idle ${JSON.stringify(after)}`}, RSS ${mb(before.rss)} → ${mb(plateau)} (at 1/3) → ${mb(after.rss)} MB` +
    (failures.length > 0 ? `; failures: ${failures.join(' | ')}` : '');
} catch (error) {
  summary = `load FAIL: ${(error as Error).message}`;
} finally {
  server.child.kill('SIGTERM');
  const code = await Promise.race([
    server.exited,
    new Promise((r) => setTimeout(() => r('timeout'), 10_000)),
  ]);
  if (code !== 0) {
    passed = false;
    summary += `; weft serve exit ${String(code)}`;
    server.child.kill('SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
}
console.log(summary);
process.exit(passed ? 0 : 1);
