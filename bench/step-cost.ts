/**
 * Part of `pnpm bench:engine:all` (`pnpm bench:engine:step`): what one decode step costs at a fixed context,
 * for each way the KV comes back from onnxruntime — standard attention (the whole present KV
 * returned, and copied by onnxruntime-node into a fresh buffer), GroupQueryAttention share-buffer
 * (written in place, but the binding still copies the whole buffer out), and appended KV (`weft
 * model optimize --append-kv`: only the new position comes back and is copied in). One row, the
 * step repeated at the same position (its result is not fed back: only the cost matters), the
 * configurations interleaved round by round; wall and CPU time (user + system of this process,
 * onnxruntime's threads not spin-waiting), best and median. `--profile` writes onnxruntime's
 * per-operator profiles of the same steps to /tmp.
 *
 *   pnpm bench:engine:step [--threads 2] [--context 64,1536] [--rounds 16] [--profile]
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ModelSession } from '../packages/llm/dist/index.js';
import {
  type BenchAttention,
  benchArgv,
  ensureBenchModel,
  printLoadAverage,
  repo,
  rerunWithMalloc,
} from './bench-setup.js';

rerunWithMalloc();
type Tensor = Awaited<ReturnType<ModelSession['session']['run']>>[string];
// onnxruntime-node is a dependency of @weft/llm, not of the repository root: load it from there.
const ort = createRequire(join(repo, 'packages', 'llm', 'package.json'))('onnxruntime-node') as {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor;
  InferenceSession: { create(file: string, options: object): Promise<ModelSession['session']> };
};
const { values } = parseArgs({
  args: benchArgv(),
  options: {
    threads: { type: 'string', default: '2' },
    context: { type: 'string', default: '64,1536' },
    rounds: { type: 'string', default: '16' },
    profile: { type: 'boolean', default: false },
  },
});
const THREADS = Number(values.threads);
const CONTEXTS = values.context.split(',').map(Number);
// Room after the context, as the engine's KV has (CAPACITY_STEP).
const ROOM = 64;

/** Sessions opened with profiling, ended (their JSON files completed) after the rounds. */
const profiled: ModelSession['session'][] = [];

interface Config {
  name: string;
  step(): Promise<void>;
}

const kvTensor = (heads: number, seq: number, head: number) =>
  new ort.Tensor(
    'float32',
    Float32Array.from({ length: heads * seq * head }, (_, i) => Math.sin(i) / 2),
    [1, heads, seq, head],
  );

async function configsOf(attention: BenchAttention): Promise<Config[]> {
  const model = await ModelSession.open(await ensureBenchModel(attention), {
    threads: THREADS,
    spinning: false,
  });
  const { io } = model;
  const session = values.profile
    ? await ort.InferenceSession.create(model.source.onnxPath, {
        intraOpNumThreads: THREADS,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        enableProfiling: true,
        profileFilePrefix: `/tmp/weft-step-${attention}`,
        extra: { session: { intra_op: { allow_spinning: '0' } } },
      })
    : model.session;
  if (values.profile) profiled.push(session);
  return CONTEXTS.map((len) => {
    // What the engine feeds at this context: the used positions (standard), or the whole tensor
    // with room (share-buffer, appended).
    const seq = attention === 'standard' ? len : len + ROOM;
    const kv = io.kv.map(() => kvTensor(io.kvHeads, seq, io.headSize));
    const total = attention === 'append' ? seq + 1 : len + 1;
    const mask = new BigInt64Array(total).fill(1n);
    if (attention === 'append') mask.fill(0n, len, seq);
    const feeds: Record<string, Tensor> = {
      [io.inputIds]: new ort.Tensor('int64', BigInt64Array.of(5n), [1, 1]),
      [io.attentionMask]: new ort.Tensor('int64', mask, [1, total]),
    };
    if (io.positionIds)
      feeds[io.positionIds] = new ort.Tensor('int64', BigInt64Array.of(BigInt(len)), [1, 1]);
    if (io.logitsToKeep) {
      feeds[io.logitsToKeep.name] = new ort.Tensor(
        io.logitsToKeep.dtype,
        BigInt64Array.of(1n),
        io.logitsToKeep.dims,
      );
    }
    io.kv.forEach((b, k) => {
      feeds[b.input] = kv[k]!;
    });
    const fetches: Record<string, Tensor | null> = { [io.logits]: null };
    io.kv.forEach((b, k) => {
      fetches[b.output] = attention === 'gqa' ? kv[k]! : null;
    });
    return {
      name: `${attention} ${len}`,
      async step() {
        const out = await session.run(feeds as never, fetches as never);
        if (attention !== 'append') return;
        // The engine's copy-in of the new position (SequenceBatch appendPositions).
        io.kv.forEach((b, k) => {
          const src = out[b.output]!.data as Float32Array;
          const dst = kv[k]!.data as Float32Array;
          for (let h = 0; h < io.kvHeads; h++) {
            dst.set(src.subarray(h * io.headSize, (h + 1) * io.headSize), (h * seq + len) * io.headSize);
          }
        });
      },
    };
  });
}

printLoadAverage('before', ' (the machine is shared: compare rows of one run, not runs)');
const configs = [
  ...(await configsOf('standard')),
  ...(await configsOf('gqa')),
  ...(await configsOf('append')),
];
const wall = new Map<string, number[]>(configs.map((c) => [c.name, []]));
const cpu = new Map<string, number[]>(configs.map((c) => [c.name, []]));
for (let r = 0; r < Number(values.rounds); r++) {
  for (const c of configs) {
    await c.step();
    for (let s = 0; s < 5; s++) {
      const start = performance.now();
      const used = process.cpuUsage();
      await c.step();
      wall.get(c.name)!.push(performance.now() - start);
      const d = process.cpuUsage(used);
      cpu.get(c.name)!.push((d.user + d.system) / 1000);
    }
  }
}
const bestMedian = (xs: number[]) => {
  xs.sort((a, b) => a - b);
  return `${xs[0]!.toFixed(1)} / ${xs[xs.length >> 1]!.toFixed(1)}`;
};
console.log(
  '\n| KV | context | wall ms best / median | CPU ms best / median |\n| --- | ---: | ---: | ---: |',
);
for (const c of configs) {
  const [kind, len] = c.name.split(' ');
  console.log(`| ${kind} | ${len} | ${bestMedian(wall.get(c.name)!)} | ${bestMedian(cpu.get(c.name)!)} |`);
}
printLoadAverage('after');
for (const session of profiled) session.endProfiling();
if (values.profile)
  console.log('onnxruntime profiles: /tmp/weft-step-<kind>_<time>.json (chrome://tracing, Perfetto)');
