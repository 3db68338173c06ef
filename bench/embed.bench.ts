/**
 * `pnpm bench:embed`: embeddings per second of the `bench` preset encoder (a MiniLM-L6-sized BERT,
 * 22M parameters) three ways, on the same model, texts and onnxruntime threads:
 *   - through `weft serve` (graphs/tiny-embed.yaml pointed at the model, its own process), with 1 and
 *     16 concurrent clients each sending one text per request (batching across requests is the
 *     server's job). The load generator shares the 2 cores with the server, so it is kept lean:
 *     `node:http` with keep-alive, each body read whole, the first ones parsed and checked;
 *   - a bare loop in this process at batch 1 and batch 16 doing the served graph's work without
 *     HTTP or graph: tokenize the batch's texts, `session.run` (right-padded to the batch's longest),
 *     mean pooling and L2 normalization with the calculators' own functions. The reference of each
 *     round is the better of onnxruntime's intra-op spin-waiting on and off;
 *   - transformers.js `pipeline('feature-extraction')` (mean pooling, normalize) at batch 1 and 16.
 * Rounds alternate between the sides so that a burst of load on the shared machine does not fall
 * on one side only; best and median per setting, and the ratios server / bare (goal ≥ 0.9 at 16).
 *
 *   pnpm build && pnpm bench:embed [--threads 2] [--seconds 4] [--rounds 3] [--encoding float|base64]
 *                                  [--spinning true|false]   (the served session's; default: the graph's)
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { l2Normalize, pool } from '../packages/calculators/dist/index.js';
import { tensor } from '../packages/framework/dist/index.js';
import { ensureEmbeddingModelDir, Tokenizer } from '../packages/llm/dist/index.js';
import { benchArgv, listenForUrl, MALLOC, printLoadAverage, repo } from './bench-setup.js';

const { values } = parseArgs({
  args: benchArgv(),
  options: {
    threads: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
    encoding: { type: 'string', default: 'float' },
    spinning: { type: 'string' },
  },
});
const THREADS = Number(values.threads);
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const ENCODING = values.encoding;
if (ENCODING !== 'float' && ENCODING !== 'base64') throw new Error('--encoding is float or base64');
const CLIENTS = 16;
/** The served session's onnxruntime spin-waiting (OnnxSessionCalculator `spinning`); unset: the graph's. */
const SPINNING = values.spinning;
if (SPINNING !== undefined && SPINNING !== 'true' && SPINNING !== 'false')
  throw new Error('--spinning is true or false');

const WORDS =
  'the quick brown fox jumps over a lazy dog while seven wizards quietly judge every boxer near old forest rivers'.split(
    ' ',
  );
/** 512 different sentences of 8 to 24 words. */
const TEXTS = Array.from({ length: 512 }, (_, i) =>
  Array.from({ length: 8 + (i % 17) }, (_, j) => WORDS[(i * 7 + j * 3) % WORDS.length]).join(' '),
);

const modelDir = await ensureEmbeddingModelDir(join(repo, '.weft', 'models', 'embed-mean-bench-0'), {
  preset: 'bench',
  pooling: 'mean',
});
const onnxPath = join(modelDir, 'onnx', 'model.onnx');
const require = createRequire(join(repo, 'packages', 'onnx', 'package.json'));
const ort =
  require('onnxruntime-node') as typeof import('../packages/onnx/node_modules/onnxruntime-node/dist/index.js');
const tokenizer = Tokenizer.load(join(modelDir, 'tokenizer.json'));

/** Runs `step` (which embeds `perStep` texts) for SECONDS; embeddings per second. */
async function rate(perStep: number, step: (i: number) => Promise<unknown>): Promise<number> {
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let done = 0;
  for (let i = 0; performance.now() < end; i++) {
    await step(i);
    done += perStep;
  }
  return done / ((performance.now() - start) / 1000);
}

// --- bare loop: tokenize, session.run, pool, normalize -------------------------------------------
const openSession = (spinning: boolean) =>
  ort.InferenceSession.create(onnxPath, {
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    ...(!spinning && { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
  });
const sessions = { spinning: await openSession(true), 'no spinning': await openSession(false) };
/** Right-padded int64 ids and mask, as EmbeddingsTokenizerCalculator builds them. */
function feeds(rows: number[][]) {
  const longest = Math.max(...rows.map((r) => r.length));
  const input = new BigInt64Array(rows.length * longest);
  const mask = new BigInt64Array(rows.length * longest);
  for (const [r, row] of rows.entries()) {
    for (const [c, id] of row.entries()) {
      input[r * longest + c] = BigInt(id);
      mask[r * longest + c] = 1n;
    }
  }
  return {
    input_ids: new ort.Tensor('int64', input, [rows.length, longest]),
    attention_mask: new ort.Tensor('int64', mask, [rows.length, longest]),
  };
}
async function embedBare(session: (typeof sessions)['spinning'], texts: string[]): Promise<void> {
  const rows = await Promise.all(texts.map((t) => tokenizer.encode(t, { addSpecialTokens: true })));
  const input = feeds(rows);
  const { last_hidden_state: hidden } = await session.run(input, ['last_hidden_state']);
  const mask = tensor('int64', input.attention_mask.dims, input.attention_mask.data as BigInt64Array);
  l2Normalize(pool(tensor('float32', hidden!.dims, hidden!.data as Float32Array), mask, 'mean'));
}
const bare = (batch: number, spinning: keyof typeof sessions) =>
  rate(batch, (i) =>
    embedBare(
      sessions[spinning],
      Array.from({ length: batch }, (_, k) => TEXTS[(i * batch + k) % TEXTS.length]!),
    ),
  );

// --- transformers.js feature-extraction ---------------------------------------------------------
const tfRequire = createRequire(join(repo, 'packages', 'llm', 'package.json'));
const tf: any = await import(pathToFileURL(tfRequire.resolve('@huggingface/transformers')).href);
tf.env.allowRemoteModels = false;
tf.env.localModelPath = `${dirname(modelDir)}/`;
const extract = await tf.pipeline('feature-extraction', basename(modelDir), {
  dtype: 'fp32',
  session_options: { intraOpNumThreads: THREADS, interOpNumThreads: 1 },
});
const transformers = (batch: number) =>
  rate(batch, (i) =>
    extract(
      Array.from({ length: batch }, (_, k) => TEXTS[(i * batch + k) % TEXTS.length]!),
      { pooling: 'mean', normalize: true },
    ),
  );

// --- weft serve ----------------------------------------------------------------------------------
const graphsDir = await mkdtemp(join(tmpdir(), 'weft-embed-bench-'));
const graph = (await readFile(join(repo, 'graphs', 'tiny-embed.yaml'), 'utf8'))
  .replaceAll('../models/tiny-embed', modelDir)
  .replace(
    'max_batch_size: 64',
    `max_batch_size: 64\n      threads: ${THREADS}${SPINNING ? `\n      spinning: ${SPINNING}` : ''}`,
  );
await writeFile(join(graphsDir, 'tiny-embed.yaml'), graph);
const child = spawn(
  process.execPath,
  [
    join(repo, 'packages/server/bin/weft.js'),
    'serve',
    '--graphs',
    graphsDir,
    '--port',
    '0',
    '--log-level',
    'warn',
  ],
  { env: { ...process.env, ...MALLOC }, stdio: ['ignore', 'pipe', 'pipe'] },
);
// However the bench ends (a failed request throws), the server it started goes with it.
process.on('exit', () => child.kill());
const url = new URL(await listenForUrl(child, 'weft serve'));
// A fresh keep-alive pool per measurement: between measurements the sockets idle longer than the
// server's keep-alive timeout, and reusing one the server is closing fails with ECONNRESET.
let agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
/** POSTs one text; resolves with the body once read whole (status 200 only). */
function embedOne(text: string): Promise<string> {
  const body = JSON.stringify({ model: 'tiny-embed', input: text, encoding_format: ENCODING });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        path: '/v1/embeddings',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(text)
            : reject(new Error(`server answered ${res.statusCode}: ${text}`)),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
async function served(clients: number): Promise<number> {
  agent.destroy();
  agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const end = performance.now() + SECONDS * 1000;
  const start = performance.now();
  let done = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = c; performance.now() < end; i += clients) {
        await embedOne(TEXTS[i % TEXTS.length]!);
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}
/** The session's rows and batches so far, from /metrics. */
async function sessionCounts(): Promise<{ rows: number; batches: number }> {
  const text = await (await fetch(new URL('/metrics', url))).text();
  const count = (name: string) =>
    Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { rows: count('weft_onnx_session_rows_total'), batches: count('weft_onnx_session_batches_total') };
}

// --- rounds -----------------------------------------------------------------------------------------
const settings: [string, () => Promise<number>][] = [];
for (const c of [1, CLIENTS]) {
  settings.push(
    [`server c=${c}`, () => served(c)],
    [`bare batch ${c} spinning`, () => bare(c, 'spinning')],
    [`bare batch ${c} no spinning`, () => bare(c, 'no spinning')],
    [`transformers.js batch ${c}`, () => transformers(c)],
  );
}
printLoadAverage(
  'before',
  `; ${THREADS} threads, ${SECONDS}s per measurement, ${ROUNDS} rounds, encoding_format ${ENCODING}, server spinning ${SPINNING ?? 'as the graph says'}`,
);
// Warm-up: first session runs and JIT; one served answer is checked whole.
const sample = JSON.parse(await embedOne(TEXTS[0]!)) as { data: { embedding: unknown }[] };
const width =
  ENCODING === 'float'
    ? (sample.data[0]!.embedding as number[]).length
    : Buffer.from(sample.data[0]!.embedding as string, 'base64').length / 4;
if (width !== 384) throw new Error(`the server answered a ${width}-dimensional vector, not 384`);
await served(CLIENTS);
for (const spinning of Object.keys(sessions) as (keyof typeof sessions)[]) await bare(CLIENTS, spinning);
const results = new Map<string, number[]>(settings.map(([name]) => [name, []]));
const batchRows: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, measure] of settings) {
    const before = name === `server c=${CLIENTS}` ? await sessionCounts() : undefined;
    results.get(name)!.push(await measure());
    if (before) {
      const after = await sessionCounts();
      batchRows.push((after.rows - before.rows) / (after.batches - before.batches));
    }
  }
  // The reference of the round: the better bare loop.
  for (const c of [1, CLIENTS]) {
    const spin = results.get(`bare batch ${c} spinning`)!.at(-1)!;
    const still = results.get(`bare batch ${c} no spinning`)!.at(-1)!;
    (results.get(`bare batch ${c}`) ?? results.set(`bare batch ${c}`, []).get(`bare batch ${c}`)!).push(
      Math.max(spin, still),
    );
  }
}
printLoadAverage('after');
const sorted = (name: string) => [...results.get(name)!].sort((a, b) => a - b);
const best = (name: string) => sorted(name).at(-1)!;
const median = (name: string) => sorted(name)[Math.floor(ROUNDS / 2)]!;
const perRound = (server: string, reference: string) =>
  results.get(server)!.map((r, i) => r / results.get(reference)![i]!);
for (const name of results.keys()) {
  console.log(
    `${name.padEnd(28)} best ${best(name).toFixed(1).padStart(7)} emb/s  median ${median(name).toFixed(1).padStart(7)}  rounds ${results
      .get(name)!
      .map((r) => r.toFixed(0))
      .join(' ')}`,
  );
}
console.log(
  `rows per session.run at c=${CLIENTS}: ${batchRows.map((r) => r.toFixed(1)).join(' ')} (max_batch_size 64)`,
);
for (const c of [1, CLIENTS]) {
  const server = `server c=${c}`;
  const ratios = perRound(server, `bare batch ${c}`).sort((a, b) => a - b);
  console.log(
    `server / bare at ${c}: best ${(best(server) / best(`bare batch ${c}`)).toFixed(2)}, median ${(median(server) / median(`bare batch ${c}`)).toFixed(2)}` +
      `; per round ${ratios.map((r) => r.toFixed(2)).join(' ')}` +
      `; server / transformers.js: best ${(best(server) / best(`transformers.js batch ${c}`)).toFixed(2)}` +
      (c === CLIENTS ? '  (goal ≥ 0.9 of bare)' : ''),
  );
}
agent.destroy();
child.kill();
await rm(graphsDir, { recursive: true, force: true });
process.exit(0);
