import { createRequire } from 'node:module';
import { join } from 'node:path';
import { argmax, type ModelSession } from '../packages/llm/src/index.js';
import { repo } from './bench-setup.js';

// onnxruntime-node is a dependency of @weft/llm, not of the repository root: load it from there.
export type Tensor = ModelSession['session'] extends { run(f: any): Promise<Record<string, infer T>> }
  ? T
  : never;
export const ort = createRequire(join(repo, 'packages', 'llm', 'package.json'))('onnxruntime-node') as {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor;
};

/**
 * The reference point of the benchmarks: greedy decoding as a bare loop of `session.run` calls
 * (present KV fed back as past, a shared all-ones mask buffer, no padding, no validation). All
 * prompts must have the same length. Returns generated tokens per second over all rows, prefill
 * included.
 */
export async function bareDecodeRate(
  model: ModelSession,
  prompts: readonly number[][],
  tokens: number,
): Promise<number> {
  const { io, session } = model;
  const rows = prompts.length;
  const len = prompts[0]!.length;
  if (prompts.some((p) => p.length !== len)) throw new Error('bareDecodeRate needs prompts of one length');
  const ids = (values: number[]) =>
    io.idDtype === 'int64' ? BigInt64Array.from(values.map(BigInt)) : Int32Array.from(values);
  const maxLen = len + tokens;
  const ones =
    io.maskDtype === 'int64'
      ? new BigInt64Array(rows * maxLen).fill(1n)
      : new Int32Array(rows * maxLen).fill(1);
  let past: Record<string, Tensor> = {};
  for (const b of io.kv) {
    const dims = b.packed ? [2, rows, io.kvHeads, 0, io.headSize] : [rows, io.kvHeads, 0, io.headSize];
    const empty = io.kvDtype === 'float16' ? new Uint16Array(0) : new Float32Array(0);
    past[b.input] = new ort.Tensor(io.kvDtype, empty, dims);
  }
  let input = prompts.flat();
  let step = len;
  let total = 0;
  const vocab = model.vocabSize;
  const start = performance.now();
  for (let t = 0; t < tokens; t++) {
    const feeds: Record<string, Tensor> = {
      ...past,
      [io.inputIds]: new ort.Tensor(io.idDtype, ids(input) as never, [rows, step]),
      [io.attentionMask]: new ort.Tensor(io.maskDtype, ones.subarray(0, rows * (total + step)) as never, [
        rows,
        total + step,
      ]),
    };
    if (io.positionIds) {
      const positions: number[] = [];
      for (let r = 0; r < rows; r++) for (let j = 0; j < step; j++) positions.push(total + j);
      feeds[io.positionIds] = new ort.Tensor(io.positionDtype, ids(positions) as never, [rows, step]);
    }
    const out = await session.run(feeds);
    total += step;
    past = {};
    for (const b of io.kv) past[b.input] = out[b.output]!;
    const logits = out[io.logits]!.data as Float32Array;
    input = [];
    for (let r = 0; r < rows; r++) {
      const at = (r * step + step - 1) * vocab;
      input.push(argmax(logits.subarray(at, at + vocab)));
    }
    step = 1;
  }
  return (rows * tokens) / ((performance.now() - start) / 1000);
}
