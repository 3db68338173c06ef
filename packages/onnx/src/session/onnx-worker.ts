import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import type { FromWorker, OnnxValueInfo, OnnxWorkerData, ToWorker, WireTensor } from './worker-protocol.js';

// The worker owns the onnxruntime session: `session.run` blocks the thread that calls it, so it
// must never be the event loop's. One message at a time: runs are serialised by the caller anyway.
const data = workerData as OnnxWorkerData;
const port = parentPort!;
const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

function describe(meta: readonly ort.InferenceSession.ValueMetadata[]): OnnxValueInfo[] {
  return meta.map((m) =>
    m.isTensor
      ? { name: m.name, dtype: m.type, dims: [...m.shape] }
      : { name: m.name, dtype: 'non-tensor', dims: [] },
  );
}

async function main(): Promise<void> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(data.modelPath, {
      intraOpNumThreads: data.threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      ...(!data.spinning && { extra: { session: { intra_op: { allow_spinning: '0' } } } }),
    });
  } catch (error) {
    post({ type: 'fatal', message: error instanceof Error ? error.message : String(error) });
    return;
  }
  post({ type: 'ready', inputs: describe(session.inputMetadata), outputs: describe(session.outputMetadata) });
  port.on('message', async (message: ToWorker) => {
    try {
      const feeds: Record<string, ort.Tensor> = {};
      for (const [name, t] of Object.entries(message.feeds)) {
        feeds[name] = new ort.Tensor(t.dtype, t.data as ort.Tensor.DataType, [...t.dims]);
      }
      const results = await session.run(feeds, message.fetches);
      const outputs: Record<string, WireTensor> = {};
      const transfer: ArrayBuffer[] = [];
      for (const name of message.fetches) {
        const out = results[name]!;
        const view = out.data as ArrayBufferView;
        outputs[name] = { dtype: out.type as WireTensor['dtype'], dims: [...out.dims], data: view };
        // Each run's outputs are fresh buffers (onnxruntime-node copies them out), so they move, not copy.
        if (view.buffer instanceof ArrayBuffer && !transfer.includes(view.buffer)) transfer.push(view.buffer);
      }
      post({ type: 'result', id: message.id, outputs }, transfer);
    } catch (error) {
      post({
        type: 'failed',
        id: message.id,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  });
}

void main();
