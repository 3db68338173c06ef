import { argmax, type Engine, type ModelKind } from '@weft/llm';

/**
 * The export kinds users download, as the builder writes them, with how transformers.js (the
 * greedy oracle) opens each: dtype suffix, file base name, and folder of the ONNX file.
 */
export const MODEL_KINDS: Record<
  string,
  { kind: Partial<ModelKind>; dtype: string; fileName?: string; subfolder: string }
> = {
  gqa: { kind: { attention: 'gqa' }, dtype: 'fp32', subfolder: 'onnx' },
  'gqa-genai': { kind: { attention: 'gqa', layout: 'genai' }, dtype: 'fp32', subfolder: '' },
  'gqa-q4-external': {
    kind: { attention: 'gqa', quant: 'q4', externalData: true },
    dtype: 'q4',
    subfolder: 'onnx',
  },
  q4: { kind: { quant: 'q4' }, dtype: 'q4', subfolder: 'onnx' },
  q8: { kind: { quant: 'q8' }, dtype: 'q8', subfolder: 'onnx' },
  merged: { kind: { merged: true }, dtype: 'fp32', fileName: 'decoder_model_merged', subfolder: 'onnx' },
  'merged-genai': { kind: { merged: true, layout: 'genai' }, dtype: 'fp32', subfolder: '' },
  'merged-gqa': {
    kind: { attention: 'gqa', merged: true },
    dtype: 'fp32',
    fileName: 'decoder_model_merged',
    subfolder: 'onnx',
  },
};

/** Prompts of 3, 9, 17 and 30 tokens (the lengths of the report) and one more of 9. */
export const PROMPTS: readonly number[][] = [
  [
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420,
    421, 422, 423, 424, 425, 426, 427, 428, 429,
  ],
  [5, 300, 17],
  [835, 72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100, 33, 10, 77, 78, 79],
  [12, 600, 13, 601, 14, 602, 15, 603, 16],
  [700, 20, 701, 21, 702, 22, 703, 23, 704],
];

/** One row's greedy tokens and the log-probability of each. */
export interface RowTrace {
  tokens: number[];
  logprobs: number[];
}

function logSoftmaxAt(logits: Float32Array, token: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  return logits[token]! - max - Math.log(sum);
}

/** Greedy decoding of one group through the engine; `onStep(k)` fires after its k-th step. */
export async function greedyGroup(
  engine: Engine,
  prompt: readonly number[],
  steps: number,
  n = 1,
  onStep?: (count: number) => void,
): Promise<RowTrace[]> {
  const vocab = engine.model.vocabSize;
  const group = engine.submit(prompt, { n, maxTokens: steps });
  const rows: RowTrace[] = Array.from({ length: n }, () => ({ tokens: [], logprobs: [] }));
  try {
    for (let s = 0; s < steps; s++) {
      const { logits, rows: count } = await group.next();
      const picked: number[] = [];
      for (let r = 0; r < count; r++) {
        const row = logits.subarray(r * vocab, (r + 1) * vocab);
        const token = argmax(row);
        rows[r]!.tokens.push(token);
        rows[r]!.logprobs.push(logSoftmaxAt(row, token));
        picked.push(token);
      }
      onStep?.(s + 1);
      if (s < steps - 1) group.append(picked);
    }
  } finally {
    group.finish();
  }
  return rows;
}

/** Steps of each request of the batched scenario; request 3 finishes early. */
export const SCENARIO_STEPS = [10, 10, 10, 3, 8];
/** Rows of each request (request 2 has n = 2). */
export const SCENARIO_N = [1, 1, 2, 1, 1];

/**
 * The batched scenario: request 0 starts, request i joins once request 0 has produced `joinAt[i]`
 * tokens (so requests join the running batch at different steps), request 2 has two rows, request
 * 3 finishes after 3 tokens while the others go on, request 4 joins after that.
 */
export async function batchedScenario(engine: Engine): Promise<RowTrace[][]> {
  const joinAt = [0, 1, 2, 2, 5];
  const gates = joinAt.map(() => {
    let open!: () => void;
    const promise = new Promise<void>((resolve) => (open = resolve));
    return { promise, open };
  });
  gates[0]!.open();
  const leader = (count: number) => {
    joinAt.forEach((at, i) => {
      if (at <= count) gates[i]!.open();
    });
  };
  return Promise.all(
    PROMPTS.map(async (prompt, i) => {
      await gates[i]!.promise;
      return greedyGroup(engine, prompt, SCENARIO_STEPS[i]!, SCENARIO_N[i]!, i === 0 ? leader : undefined);
    }),
  );
}

/** Each request alone (n = 1), one after the other, on the same engine. */
export async function aloneTraces(engine: Engine): Promise<RowTrace[]> {
  const out: RowTrace[] = [];
  for (let i = 0; i < PROMPTS.length; i++)
    out.push((await greedyGroup(engine, PROMPTS[i]!, SCENARIO_STEPS[i]!))[0]!);
  return out;
}

/**
 * Where batched rows differ from alone: a different token, or a log-probability further than
 * `tolerance` from the alone one. Empty when the batch is invariant.
 */
export function batchDifferences(batched: RowTrace[][], alone: RowTrace[], tolerance: number): string[] {
  const problems: string[] = [];
  batched.forEach((rows, i) => {
    const ref = alone[i]!;
    rows.forEach((row, r) => {
      if (row.tokens.join() !== ref.tokens.join()) {
        problems.push(`request ${i} row ${r}: tokens ${row.tokens.join()} alone ${ref.tokens.join()}`);
        return;
      }
      row.logprobs.forEach((lp, s) => {
        const diff = Math.abs(lp - ref.logprobs[s]!);
        if (!(diff <= tolerance)) problems.push(`request ${i} row ${r} step ${s}: logprob off by ${diff}`);
      });
    });
  });
  return problems;
}
