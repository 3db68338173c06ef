/**
 * `pnpm bench:server`: Weft (`weft serve`, graphs/tiny-llama.yaml on the `bench` preset model) against
 * transformers.js `generate` behind a small express handler (transformers-server.ts), same model and
 * threads, each in its own process. Both servers stay up and are measured side by side in alternating
 * rounds (weft c=1, transformers.js c=1, weft c=1, ... then the same at c=8), so a burst of load on
 * the shared machine does not fall on one side only; the load average is printed before and after.
 * At 1 and 8 concurrent streaming clients: generated tokens/s (each round, best, median) and time to
 * first token p50/p99 over all rounds, and their ratios (Weft / transformers.js for tokens/s;
 * transformers.js / Weft for TTFT, so > 1 means Weft is better in both).
 * Goals (best rounds): ≥ 0.95x tokens/s at 1 client, ≥ 3.5x at 8.
 * A third side, `weft json_schema`, sends the same requests with a `response_format` JSON schema
 * (an array of small objects that cannot close within the token budget, so every request still
 * makes exactly `--tokens` tokens, each one under the grammar's mask): the constrained / plain
 * tokens/s ratio at 8 clients is the cost of constrained decoding (goal: ≥ 0.90x, i.e. ≤ 10 %).
 *
 *   pnpm build && pnpm bench:server [--threads 2] [--tokens 64] [--requests 3] [--rounds 3] [--model DIR]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureModelDir } from '../../packages/llm/dist/index.js';
import { benchModel, MALLOC, printLoadAverage, repo } from '../bench-setup.js';

const { values } = parseArgs({
  options: {
    threads: { type: 'string', default: '2' },
    tokens: { type: 'string', default: '64' },
    requests: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '3' },
    model: { type: 'string' },
  },
});
const THREADS = Number(values.threads);
const TOKENS = Number(values.tokens);
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const PROMPT = 'Once upon a time there was a little girl who lived in a village near the forest.';

async function listen(child: ChildProcess, name: string): Promise<string> {
  let out = '';
  let err = '';
  child.stderr?.on('data', (d) => {
    err = (err + d).slice(-4000);
  });
  return new Promise((resolveUrl, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)\n/.exec(out);
      if (m) resolveUrl(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}: ${err}`)));
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

interface Sample {
  readonly tokens: number;
  readonly ttftMs: number;
}

/** One streaming completion: time to the first text chunk and the usage's completion tokens. */
async function streamOnce(url: string, body: object): Promise<Sample> {
  const started = performance.now();
  const res = await fetch(`${url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${await res.text()}`);
  const decoder = new TextDecoder();
  let buffer = '';
  let ttftMs: number | undefined;
  let tokens = 0;
  for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(bytes, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const data = buffer.slice(6, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
      if (data === '[DONE]' || data === '') continue;
      const event = JSON.parse(data) as {
        choices: { text?: string }[];
        usage?: { completion_tokens: number };
      };
      if (event.choices[0]?.text) ttftMs ??= performance.now() - started;
      if (event.usage) tokens = event.usage.completion_tokens;
    }
  }
  if (tokens !== TOKENS) throw new Error(`${url}: expected ${TOKENS} tokens, got ${tokens}`);
  return { tokens, ttftMs: ttftMs ?? Number.NaN };
}

interface Round {
  readonly tokensPerSecond: number;
  readonly ttftsMs: readonly number[];
}

/** `clients` concurrent clients, each sending `REQUESTS` requests back to back. */
async function measure(url: string, clients: number, body: object): Promise<Round> {
  const samples: Sample[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let i = 0; i < REQUESTS; i++) samples.push(await streamOnce(url, body));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    tokensPerSecond: samples.reduce((n, s) => n + s.tokens, 0) / seconds,
    ttftsMs: samples.map((s) => s.ttftMs),
  };
}

/** Best and median tokens/s of the rounds; TTFT percentiles over every request of every round. */
function summarize(rounds: readonly Round[]) {
  const rates = rounds.map((r) => r.tokensPerSecond).sort((a, b) => a - b);
  const ttfts = rounds.flatMap((r) => r.ttftsMs).sort((a, b) => a - b);
  const at = (p: number) => ttfts[Math.min(ttfts.length - 1, Math.floor(p * ttfts.length))]!;
  const mid = rates.length >> 1;
  return {
    rounds: rounds.map((r) => r.tokensPerSecond),
    best: rates[rates.length - 1]!,
    median: rates.length % 2 ? rates[mid]! : (rates[mid - 1]! + rates[mid]!) / 2,
    p50: at(0.5),
    p99: at(0.99),
  };
}

const modelDir = values.model ? resolve(values.model) : await ensureModelDir(benchModel.dir, benchModel.spec);
const graph = (await readFile(join(repo, 'graphs', 'tiny-llama.yaml'), 'utf8')).replace(
  /model_dir: \.\.\/models\/tiny-llama/,
  `model_dir: ${JSON.stringify(modelDir)}, threads: ${THREADS}`,
);
const dir = await mkdtemp(join(tmpdir(), 'weft-bench-server-'));
await writeFile(join(dir, 'tiny-llama.yaml'), graph);

const body = { prompt: PROMPT, max_tokens: TOKENS, temperature: 0, stream: true };
const weftBody = { ...body, model: 'tiny-llama', ignore_eos: true, stream_options: { include_usage: true } };
// Bounded fields, but 200 items: the grammar stays open for the whole budget, its masks vary.
const ITEMS_SCHEMA = {
  type: 'array',
  minItems: 200,
  maxItems: 200,
  items: {
    type: 'object',
    properties: {
      name: { type: 'string', maxLength: 12 },
      age: { type: 'integer', minimum: 0, maximum: 120 },
      role: { enum: ['admin', 'user', 'guest'] },
    },
    required: ['name', 'age', 'role'],
    additionalProperties: false,
  },
};
const { ignore_eos: _ignoreEos, ...plainWeftBody } = weftBody;
const jsonBody = {
  ...plainWeftBody,
  response_format: { type: 'json_schema', json_schema: { name: 'items', schema: ITEMS_SCHEMA } },
};
const sides = ['weft', 'transformers.js', 'weft json_schema'] as const;
const rounds = new Map<string, Round[]>();
const servers: ChildProcess[] = [];
try {
  const weft = spawn(
    process.execPath,
    ['packages/server/dist/cli/main.js', 'serve', '--graphs', dir, '--port', '0', '--log-level', 'warn'],
    { cwd: repo, env: { ...process.env, ...MALLOC } },
  );
  servers.push(weft);
  const hf = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/server/transformers-server.ts',
      '--model',
      modelDir,
      '--threads',
      String(THREADS),
    ],
    { cwd: repo, env: { ...process.env, ...MALLOC } },
  );
  servers.push(hf);
  const [weftUrl, hfUrl] = await Promise.all([listen(weft, 'weft serve'), listen(hf, 'transformers-server')]);
  if ((await fetch(`${weftUrl}/v2/health/ready`)).status !== 200) {
    throw new Error(`the graph did not load: ${await (await fetch(`${weftUrl}/v1/config`)).text()}`);
  }
  const target: Record<(typeof sides)[number], { url: string; body: object }> = {
    weft: { url: weftUrl, body: weftBody },
    'transformers.js': { url: hfUrl, body },
    'weft json_schema': { url: weftUrl, body: jsonBody },
  };
  for (const side of sides) await streamOnce(target[side].url, target[side].body); // warm-up
  printLoadAverage('before');
  for (const c of [1, 8]) {
    for (let r = 0; r < ROUNDS; r++) {
      for (const side of sides) {
        const key = `${side} c=${c}`;
        rounds.set(key, [...(rounds.get(key) ?? []), await measure(target[side].url, c, target[side].body)]);
      }
    }
  }
  printLoadAverage('after', ' (ratios only mean something when it stays low)');
} finally {
  await Promise.all(servers.map(stop));
  await rm(dir, { recursive: true, force: true });
}

console.log(
  `model ${modelDir}; threads ${THREADS}; ${TOKENS} new tokens (greedy); ${REQUESTS} requests per client; ${ROUNDS} alternating rounds`,
);
const fmt = (n: number) => n.toFixed(1).padStart(6);
for (const c of [1, 8]) {
  const [w, h, j] = sides.map((side) => summarize(rounds.get(`${side} c=${c}`)!)) as [
    ReturnType<typeof summarize>,
    ReturnType<typeof summarize>,
    ReturnType<typeof summarize>,
  ];
  for (const [side, r] of [
    [sides[0], w],
    [sides[1], h],
    [sides[2], j],
  ] as const) {
    console.log(
      `${`${side} c=${c}`.padEnd(20)} tokens/s rounds ${r.rounds.map(fmt).join(' ')}  best ${fmt(r.best)}  median ${fmt(r.median)}   TTFT p50 ${r.p50.toFixed(0).padStart(5)} ms  p99 ${r.p99.toFixed(0).padStart(5)} ms`,
    );
  }
  const goal = c === 1 ? 0.95 : 3.5;
  const ratio = w.best / h.best;
  console.log(
    `c=${c}: tokens/s ratio best ${ratio.toFixed(2)}x (goal ≥ ${goal}x ${ratio >= goal ? 'met' : 'NOT met'}), median ${(w.median / h.median).toFixed(2)}x; ` +
      `TTFT ratio (transformers.js / Weft) p50 ${(h.p50 / w.p50).toFixed(2)}x p99 ${(h.p99 / w.p99).toFixed(2)}x`,
  );
  const constrained = j.best / w.best;
  console.log(
    `c=${c}: json_schema / plain tokens/s best ${constrained.toFixed(2)}x, median ${(j.median / w.median).toFixed(2)}x` +
      (c === 8 ? ` (goal ≥ 0.90x ${constrained >= 0.9 ? 'met' : 'NOT met'})` : ''),
  );
}
