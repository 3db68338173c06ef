/**
 * Worker side of `bench/generate.bench.ts`: the bare `session.run` loop in a clean worker isolate,
 * so the engine (which also runs onnxruntime in a worker) is compared with a limit that pays the
 * same (small) garbage-collection costs, not those of the bench's busy main isolate.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ModelSession } from '../packages/llm/src/index.js';
import { bareDecodeRate } from './bare-decode-loop.js';

const { dir, threads } = workerData as { dir: string; threads: number };
const session = await ModelSession.open(dir, { threads });
parentPort!.on('message', async (job: { prompts: number[][]; tokens: number } | 'close') => {
  if (job === 'close') {
    await session.close();
    parentPort!.close();
    return;
  }
  parentPort!.postMessage(await bareDecodeRate(session, job.prompts, job.tokens));
});
parentPort!.postMessage('ready');
