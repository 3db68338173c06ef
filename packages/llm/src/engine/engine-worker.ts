import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { kvBytesPerToken } from '../runtime/kv-blocks.js';
import { ModelSession } from '../runtime/model-session.js';
import type { EngineCommand, EngineEvent, EngineWorkerData } from './protocol.js';
import { StepLoop } from './step-loop.js';

/**
 * Worker entry of the engine: opens the session, then alternates draining commands (synchronously,
 * `receiveMessageOnPort`) and running steps. When idle it sleeps on a shared counter that the main
 * thread bumps after each command, so a token appended on the main thread wakes it within
 * microseconds without going through this thread's event loop.
 */
const data = workerData as EngineWorkerData & { port: MessagePort };
const port = parentPort!;
const wake = new Int32Array(data.wake);

function emit(event: EngineEvent, transfer?: ArrayBuffer[]): void {
  port.postMessage(event, transfer);
}

function describe(err: unknown): { name: string; code: string | undefined; message: string } {
  const e = err as { name?: string; code?: string; message?: string };
  return { name: e.name ?? 'Error', code: e.code, message: e.message ?? String(err) };
}

async function main(): Promise<void> {
  let model: ModelSession;
  try {
    model = await ModelSession.open(data.source, {
      threads: data.threads,
      batching: data.batching,
      spinning: data.spinning,
    });
  } catch (err) {
    emit({ type: 'fatal', ...describe(err) });
    return;
  }
  const { io } = model;
  emit({
    type: 'ready',
    model: {
      vocabSize: model.vocabSize,
      contextLength: model.contextLength,
      eosTokenIds: model.eosTokenIds,
      padTokenId: model.padTokenId,
      numLayers: io.numLayers,
      kvHeads: io.kvHeads,
      headSize: io.headSize,
      kvDtype: io.kvDtype,
      kvBytesPerToken: kvBytesPerToken({
        bindings: io.kv,
        dtype: io.kvDtype,
        heads: io.kvHeads,
        headSize: io.headSize,
      }),
      batching: model.batching,
    },
  });
  const loop = new StepLoop(
    model,
    {
      maxNumBatchedTokens: data.maxNumBatchedTokens,
      readyWaitMs: data.readyWaitMs,
      prefixBlockSize: data.prefixBlockSize,
    },
    emit,
  );
  try {
    while (!loop.closed) {
      const seen = Atomics.load(wake, 0);
      for (let m = receiveMessageOnPort(data.port); m; m = receiveMessageOnPort(data.port)) {
        for (const command of m.message as EngineCommand[]) {
          if (command.type === 'crash') process.exit(1);
          loop.handle(command);
        }
      }
      if (loop.closed) break;
      const sleep = await loop.iterate();
      if (sleep !== undefined)
        Atomics.wait(wake, 0, seen, Number.isFinite(sleep) ? Math.max(0.05, sleep) : 1000);
    }
  } catch (err) {
    emit({ type: 'fatal', ...describe(err) });
  }
  await model.close();
  data.port.close();
  emit({ type: 'closed' });
}

void main();
