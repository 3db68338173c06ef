/**
 * The reference point of the benchmarks: greedy decoding as a bare loop of `session.run` calls —
 * present KV fed back as past, a shared all-ones mask buffer, no padding, no validation, argmax on
 * the last position. All rows run in lockstep with prompts of one length. The prompt is prefilled in
 * chunks of `prefillTokens` tokens per run over all rows (the engine's `maxNumBatchedTokens`), so a
 * batch of long prompts never asks for `rows × prompt × vocab` logits at once.
 *
 * A model whose KV outputs hold the new positions only (`weft model optimize --append-kv`) gets
 * KV buffers sized for the whole run up front: the past fed is always the whole buffer, its unused
 * positions masked, and each run's new positions are copied in after it.
 *
 * Timed over prefill plus decode — what a server's client waits for. Returns generated tokens per
 * second over all rows.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ModelSession } from '../packages/llm/dist/index.js';
import { repo } from './bench-setup.js';

type Tensor = ModelSession['session'] extends { run(f: any): Promise<Record<string, infer T>> } ? T : never;
// onnxruntime-node is a dependency of @weft/llm, not of the repository root: load it from there.
const ort = createRequire(join(repo, 'packages', 'llm', 'package.json'))('onnxruntime-node') as {
  Tensor: new (type: string, data: unknown, dims: readonly number[]) => Tensor;
};

function argmax(row: Float32Array): number {
  let best = 0;
  for (let v = 1; v < row.length; v++) if (row[v]! > row[best]!) best = v;
  return best;
}

/** `num_logits_to_keep = 1` in the input's own dtype and shape. */
export function keepOne(input: { dtype: string; dims: readonly number[] }): Tensor {
  const data = input.dtype === 'int64' ? BigInt64Array.of(1n) : Int32Array.of(1);
  return new ort.Tensor(input.dtype, data, input.dims);
}

/** Generated tokens per second over all rows, prefill plus decode. */
export async function bareLoopRate(
  model: ModelSession,
  prompts: readonly (readonly number[])[],
  tokens: number,
  prefillTokens = 512,
): Promise<number> {
  const { totalMs } = await bareLoop(model, prompts, tokens, prefillTokens);
  return (prompts.length * tokens) / (totalMs / 1000);
}

/** Milliseconds until every row has its first token (`prefillMs`) and until the last (`totalMs`). */
export async function bareLoop(
  model: ModelSession,
  prompts: readonly (readonly number[])[],
  tokens: number,
  prefillTokens = 512,
): Promise<{ prefillMs: number; totalMs: number }> {
  const { io, session } = model;
  const rows = prompts.length;
  const len = prompts[0]!.length;
  if (prompts.some((p) => p.length !== len)) throw new Error('the bare loop needs prompts of one length');
  const ids = (values: number[]) =>
    io.idDtype === 'int64' ? BigInt64Array.from(values, BigInt) : Int32Array.from(values);
  const maxLen = len + tokens;
  const ones =
    io.maskDtype === 'int64'
      ? new BigInt64Array(rows * maxLen).fill(1n)
      : new Int32Array(rows * maxLen).fill(1);
  const append = io.kvOutputs === 'new-positions';
  const room = append ? maxLen : 0;
  let past: Record<string, Tensor> = {};
  for (const b of io.kv) {
    const dims = b.packed ? [2, rows, io.kvHeads, room, io.headSize] : [rows, io.kvHeads, room, io.headSize];
    const size = dims.reduce((a, d) => a * d, 1);
    past[b.input] = new ort.Tensor(
      io.kvDtype,
      io.kvDtype === 'float16' ? new Uint16Array(size) : new Float32Array(size),
      dims,
    );
  }
  const appendMask = append
    ? new (ones.constructor as typeof Int32Array)(rows * (maxLen + prefillTokens))
    : undefined;
  const vocab = model.vocabSize;
  // GroupQueryAttention refuses several rows of more than one token on top of past KV: such a
  // batch is prefilled in one run.
  const whole = model.batching.rowAlignment === 'right' && rows > 1;
  const chunk = whole ? len : Math.max(1, Math.floor(prefillTokens / rows));
  const run = async (input: number[], width: number, seen: number): Promise<Float32Array> => {
    const feeds: Record<string, Tensor> = {
      ...past,
      [io.inputIds]: new ort.Tensor(io.idDtype, ids(input), [rows, width]),
      [io.attentionMask]: append
        ? maskWithRoom(width, seen)
        : new ort.Tensor(io.maskDtype, ones.subarray(0, rows * (seen + width)), [rows, seen + width]),
    };
    if (io.positionIds) {
      const pos = Array.from({ length: rows * width }, (_, i) => seen + (i % width));
      feeds[io.positionIds] = new ort.Tensor(io.positionDtype, ids(pos), [rows, width]);
    }
    // Exports with `num_logits_to_keep` compute the last position's logits only, as transformers.js asks.
    if (io.logitsToKeep) feeds[io.logitsToKeep.name] = keepOne(io.logitsToKeep);
    const out = await session.run(feeds);
    if (append) {
      for (const b of io.kv) appendNew(out[b.output]!, past[b.input]!, width, seen);
    } else {
      past = {};
      for (const b of io.kv) past[b.input] = out[b.output]!;
    }
    return out[io.logits]!.data as Float32Array;
  };
  // `[rows, maxLen + width]`: ones on the `seen` positions and the new ones after the room.
  const maskWithRoom = (width: number, seen: number): Tensor => {
    const total = maxLen + width;
    const mask = appendMask!
      .subarray(0, rows * total)
      .fill((ones instanceof BigInt64Array ? 0n : 0) as never);
    for (let r = 0; r < rows; r++) {
      mask.fill(ones[0] as never, r * total, r * total + seen);
      mask.fill(ones[0] as never, r * total + maxLen, (r + 1) * total);
    }
    return new ort.Tensor(io.maskDtype, mask, [rows, total]);
  };
  const appendNew = (fresh: Tensor, kv: Tensor, width: number, seen: number) => {
    const src = fresh.data as Float32Array;
    const dst = kv.data as Float32Array;
    const span = width * io.headSize;
    for (let rh = 0; rh < rows * io.kvHeads; rh++) {
      dst.set(src.subarray(rh * span, (rh + 1) * span), (rh * maxLen + seen) * io.headSize);
    }
  };
  const start = performance.now();
  let seen = 0;
  let logits: Float32Array | undefined;
  let width = 0;
  while (seen < len) {
    width = Math.min(chunk, len - seen);
    logits = await run(
      prompts.flatMap((p) => p.slice(seen, seen + width)),
      width,
      seen,
    );
    seen += width;
  }
  let prefillMs = 0;
  for (let t = 0; ; t++) {
    const next: number[] = [];
    for (let r = 0; r < rows; r++) {
      const kept = io.logitsToKeep ? 1 : width;
      const at = (r * kept + kept - 1) * vocab;
      next.push(argmax(logits!.subarray(at, at + vocab)));
    }
    if (t === 0) prefillMs = performance.now() - start;
    if (t + 1 === tokens) break;
    logits = await run(next, 1, seen);
    seen += 1;
    width = 1;
  }
  return { prefillMs, totalMs: performance.now() - start };
}
