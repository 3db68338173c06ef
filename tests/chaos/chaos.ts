/**
 * `pnpm test:chaos`: the resource faults of issue 15, for real, against `weft serve` (tiny-llama
 * graph, loopback only) run as a child process so its RSS can be read. Each scenario prints its
 * figures and a verdict; the exit code is 0 when every scenario passed. About two minutes; not part
 * of `pnpm test`.
 *
 *   stalled-readers  clients that send a streaming request and never read
 *   large-prompts    20 × 900 KB prompts to /v3/tokenize and /v3/completions, RSS before and after
 *   slow-bodies      200 connections trickling their bodies
 *   worker-death     the engine worker killed: readiness 503 until an engine can serve again
 *   folder-faults    the graphs folder deleted and recreated, a ConfigMap ..data swap
 */

import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '@weft/llm';
import { reexecWithSrcPaths, repoRoot, spawnServe } from '../load/with-src-paths.js';

await reexecWithSrcPaths(fileURLToPath(import.meta.url));
const { ensureTinyModel } = await import('../helpers/models.js');
const { createLogger, defaultLoader, startServer } = await import('@weft/server');

const results: { name: string; ok: boolean; figures: string }[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid: number) =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);
const gauge = async (url: string, name: string) =>
  Number(
    new RegExp(`${name}\\{model="tiny-llama"\\} ([0-9.e+-]+)`).exec(
      await (await fetch(`${url}/metrics`)).text(),
    )?.[1] ?? 0,
  );
const post = async (url: string, body: unknown) =>
  (
    await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  ).status;

function rawRequest(url: string, path: string, body: string, trickle = false): Socket {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => {});
  const head = `POST ${path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.write(trickle ? head + body.slice(0, 1) : head + body);
  return socket;
}

const model = await ensureTinyModel('llama');
const dir = await mkdtemp(join(tmpdir(), 'weft-chaos-'));
const graphText = (await readFile(join(repoRoot, 'graphs', 'tiny-llama.yaml'), 'utf8')).replace(
  'model_dir: ../models/tiny-llama',
  `model_dir: ${JSON.stringify(model)}`,
);
await mkdir(join(dir, 'graphs'));
await writeFile(join(dir, 'graphs', 'tiny-llama.yaml'), graphText);
await writeFile(
  join(dir, 'weft.yaml'),
  'graphs_dir: graphs\nwrite_timeout_ms: 5000\nbody_timeout_ms: 3000\nheaders_timeout_ms: 2000\nlog_level: warn\n',
);
const server = await spawnServe(['--config', join(dir, 'weft.yaml'), '--port', '0']);
const pid = server.child.pid!;
const url = server.url;

try {
  // ---- stalled readers -----------------------------------------------------------------------
  {
    const rss0 = rssMb(pid);
    const body = JSON.stringify({
      model: 'tiny-llama',
      prompt: ['a', 'b', 'c', 'd'],
      n: 16,
      max_tokens: 480,
      stream: true,
      logprobs: 5,
    });
    const socket = rawRequest(url, '/v3/completions', body);
    socket.pause();
    const kv: number[] = [];
    let peak = rss0;
    let stalledAt = -1;
    let cancelledAt = -1;
    const cancelled = async () =>
      /weft_requests_total\{[^}]*status="499"[^}]*\} ([1-9])/.test(
        await (await fetch(`${url}/metrics`)).text(),
      );
    for (let t = 1; t <= 120; t++) {
      await sleep(1000);
      kv.push(await gauge(url, 'weft_kv_cache_used_tokens'));
      peak = Math.max(peak, rssMb(pid));
      const n = kv.length;
      if (stalledAt < 0 && n >= 3 && kv[n - 1] === kv[n - 2] && kv[n - 2] === kv[n - 3] && kv[n - 1]! > 0)
        stalledAt = t - 2;
      if (await cancelled()) {
        cancelledAt = t;
        break;
      }
    }
    await sleep(500);
    const running = await gauge(url, 'weft_running_sequences');
    const rss1 = rssMb(pid);
    socket.destroy();
    results.push({
      name: 'stalled-readers',
      ok: stalledAt > 0 && cancelledAt >= stalledAt && running === 0,
      figures: `a client (4 prompts × n=16 × 480 tokens, logprobs 5) that never reads: generation stopped at ${stalledAt} s once the socket buffers were full (KV frozen at ${kv[Math.max(0, stalledAt - 1)]} tokens), request cancelled at ${cancelledAt} s (write_timeout_ms 5000), running sequences after: ${running}; RSS ${rss0} → peak ${peak} → ${rss1} MB`,
    });
  }

  // ---- large prompts ---------------------------------------------------------------------------
  {
    const rss0 = rssMb(pid);
    const big = 'hello world, this is a prompt. '.repeat(29_000); // ~900 KB
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++)
      statuses.push(await post(`${url}/v3/tokenize`, { model: 'tiny-llama', prompt: big }));
    for (let i = 0; i < 20; i++)
      statuses.push(await post(`${url}/v3/completions`, { model: 'tiny-llama', prompt: big }));
    const rss1 = rssMb(pid);
    const atLimit = 'hello world, this is a prompt. '.repeat(2100).slice(0, 65_536);
    const okStatuses: number[] = [];
    for (let i = 0; i < 20; i++)
      okStatuses.push(await post(`${url}/v3/tokenize`, { model: 'tiny-llama', prompt: atLimit }));
    await sleep(2000);
    const rss2 = rssMb(pid);
    const refused = statuses.every((s) => s === 400);
    results.push({
      name: 'large-prompts',
      ok: refused && okStatuses.every((s) => s === 200) && rss1 - rss0 < 50,
      figures: `40 × ${big.length} chars: ${statuses.filter((s) => s === 400).length} × 400 before tokenizing; RSS ${rss0} → ${rss1} MB; then 20 × 65536 chars tokenized (${okStatuses.filter((s) => s === 200).length} × 200): RSS ${rss2} MB after 2 s idle`,
    });
  }

  // ---- slow bodies -----------------------------------------------------------------------------
  {
    const rss0 = rssMb(pid);
    const started = Date.now();
    const body = JSON.stringify({ model: 'tiny-llama', prompt: 'x'.repeat(900) });
    let answered408 = 0;
    const closed = Array.from({ length: 200 }, () => {
      const s = rawRequest(url, '/v3/completions', body, true);
      const drip = setInterval(() => s.write(' '), 500);
      return new Promise<void>((resolve) => {
        s.on('data', (d) => {
          if (String(d).startsWith('HTTP/1.1 408')) answered408++;
        });
        s.on('close', () => {
          clearInterval(drip);
          resolve();
        });
      });
    });
    await Promise.all(closed);
    const seconds = (Date.now() - started) / 1000;
    const ok =
      (await post(`${url}/v3/completions`, { model: 'tiny-llama', prompt: 'hi', max_tokens: 2 })) === 200;
    results.push({
      name: 'slow-bodies',
      ok: ok && seconds < 6,
      figures: `200 connections trickling 1 byte / 500 ms: all closed after ${seconds.toFixed(1)} s (body_timeout_ms 3000), ${answered408} answered 408; RSS ${rss0} → ${rssMb(pid)} MB; a normal request after: ${ok ? 200 : 'failed'}`,
    });
  }
} finally {
  server.child.kill('SIGTERM');
  await server.exited;
}

// ---- worker death (in process: the worker thread is only reachable from inside) ------------------
{
  const graphs = join(dir, 'in-process');
  await mkdir(graphs);
  await writeFile(join(graphs, 'tiny-llama.yaml'), graphText);
  const s = await startServer({
    loader: defaultLoader(),
    graphsDir: graphs,
    port: 0,
    watch: true,
    logger: createLogger({ level: 'silent' }),
  });
  const ready = async () => (await fetch(`${s.url}/v2/health/ready`)).status;
  const engine = s.registry.models()[0]!.graph.sharedSidePacket('engine') as Engine;
  // A request in flight when the worker dies ends with a 5xx; the engine restarts its worker by itself.
  const inFlight = post(`${s.url}/v3/completions`, {
    model: 'tiny-llama',
    prompt: 'hi',
    max_tokens: 400,
    ignore_eos: true,
  });
  await sleep(300);
  const killedAt = Date.now();
  await engine.killWorker();
  let notReadyMs = -1;
  while (Date.now() - killedAt < 5000) {
    if ((await ready()) === 503) {
      notReadyMs = Date.now() - killedAt;
      break;
    }
    await sleep(10);
  }
  let readyMs = -1;
  while (Date.now() - killedAt < 30000) {
    if ((await ready()) === 200) {
      readyMs = Date.now() - killedAt;
      break;
    }
    await sleep(50);
  }
  const during = await inFlight;
  const after = await post(`${s.url}/v3/completions`, { model: 'tiny-llama', prompt: 'hi', max_tokens: 2 });
  results.push({
    name: 'worker-death',
    ok: during >= 500 && readyMs >= 0 && after === 200,
    figures: `worker killed: in-flight request ${during}; readiness 503 after ${notReadyMs} ms (-1: the restart was faster than the probe), ready again after ${readyMs} ms (restarts: ${engine.status().restarts}); next request ${after}`,
  });

  // ---- folder faults ---------------------------------------------------------------------------
  const deletedAt = Date.now();
  await rm(graphs, { recursive: true });
  let goneMs = -1;
  while (Date.now() - deletedAt < 5000) {
    if ((await ready()) === 503) {
      goneMs = Date.now() - deletedAt;
      break;
    }
    await sleep(50);
  }
  await mkdir(join(graphs, '..2026_01'), { recursive: true });
  await writeFile(join(graphs, '..2026_01', 'tiny-llama.yaml'), graphText);
  await symlink('..2026_01', join(graphs, '..data'));
  const recreatedAt = Date.now();
  await symlink(join('..data', 'tiny-llama.yaml'), join(graphs, 'tiny-llama.yaml'));
  let backMs = -1;
  while (Date.now() - recreatedAt < 15000) {
    if ((await ready()) === 200) {
      backMs = Date.now() - recreatedAt;
      break;
    }
    await sleep(50);
  }
  const served = await post(`${s.url}/v3/completions`, { model: 'tiny-llama', prompt: 'hi', max_tokens: 2 });
  await s.close(0);
  results.push({
    name: 'folder-faults',
    ok: goneMs >= 0 && backMs >= 0 && served === 200,
    figures: `graphs folder deleted: readiness 503 after ${goneMs} ms; recreated as a ConfigMap (symlinks): served again after ${backMs} ms, request ${served}`,
  });
}

await rm(dir, { recursive: true, force: true });
for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'} ${r.name}: ${r.figures}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
