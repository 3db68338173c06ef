import { SeededRng } from '../sampling/rng.js';
import { DEFAULT_SAMPLING_PARAMS } from '../sampling/sampling-params.js';
import { SequenceState } from '../sampling/sequence-state.js';
import { TokenSampler } from '../sampling/token-sampler.js';
import { ModelSession } from './model-session.js';
import { InvalidGenerateArgumentError } from './runtime-errors.js';
import { SequenceBatch } from './sequence-batch.js';

/** The two tokenizer methods `generate()` needs (`Tokenizer` from tokenizer/ fits). */
export interface TextCodec {
  encode(text: string): Promise<readonly number[]> | readonly number[];
  decode(ids: readonly number[]): Promise<string> | string;
}

/** A session plus, for text prompts and stop strings, a tokenizer. */
export interface GenerateModel {
  readonly session: ModelSession;
  readonly tokenizer?: TextCodec;
}

export interface GenerateOptions {
  /** 0 (default) or below = greedy. */
  readonly temperature?: number;
  /** Keep the k most likely tokens (0 or absent = all). */
  readonly topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 or absent = all). */
  readonly topP?: number;
  /** Seeds each prompt's RNG (default 0, so unseeded runs repeat too). */
  readonly seed?: number;
  /** New tokens per prompt at most (default 32). */
  readonly maxTokens?: number;
  /** Stop strings (needs a tokenizer); the text is cut before the first match. */
  readonly stop?: readonly string[];
  /** Extra token ids that end a sequence (EOS ids from the config always do, unless `ignoreEos`). */
  readonly stopTokenIds?: readonly number[];
  readonly ignoreEos?: boolean;
  readonly signal?: AbortSignal;
}

export type GenerateFinishReason = 'stop' | 'length';

export interface GenerateResult {
  /** Generated ids (the EOS / stop token included when it ended the sequence). */
  readonly tokenIds: number[];
  /** Decoded generated text (tokenizer only), cut before a stop string. */
  readonly text: string | undefined;
  readonly finishReason: GenerateFinishReason;
  readonly promptTokens: number;
}

type Prompt = string | readonly number[];

function isIdList(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'number');
}

async function toIds(model: GenerateModel, prompts: readonly Prompt[]): Promise<number[][]> {
  const out: number[][] = [];
  for (const p of prompts) {
    if (typeof p === 'string') {
      if (!model.tokenizer)
        throw new InvalidGenerateArgumentError('a text prompt needs a tokenizer; pass token ids');
      out.push([...(await model.tokenizer.encode(p))]);
    } else out.push([...p]);
    if (out.at(-1)!.length === 0) {
      throw new InvalidGenerateArgumentError(`prompt ${out.length - 1} is empty; give at least one token`);
    }
  }
  return out;
}

/**
 * Generates continuations for one prompt or a batch (text or token ids), all prompts in one
 * padded batch (laid out as the model's attention op needs); finished rows leave the batch. Greedy when `temperature` is 0 (the default),
 * otherwise the request sampler (`TokenSampler`) with temperature, top_k and top_p.
 *
 * ```ts
 * const [r] = await generate({ session, tokenizer }, 'Once upon a time', { maxTokens: 20 });
 * r.text; r.finishReason;
 * ```
 */
export async function generate(
  model: ModelSession | GenerateModel,
  input: Prompt | readonly Prompt[],
  options: GenerateOptions = {},
): Promise<GenerateResult[]> {
  const m: GenerateModel = model instanceof ModelSession ? { session: model } : model;
  const session = m.session;
  const prompts: readonly Prompt[] = typeof input === 'string' || isIdList(input) ? [input] : input;
  const maxTokens = options.maxTokens ?? 32;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new InvalidGenerateArgumentError(`maxTokens ${maxTokens} must be an integer ≥ 1`);
  }
  if (options.stop?.length && !m.tokenizer) {
    throw new InvalidGenerateArgumentError(
      'stop strings need a tokenizer; use stopTokenIds with a bare session',
    );
  }
  const promptIds = await toIds(m, prompts);
  const enders = new Set([
    ...(options.ignoreEos ? [] : session.eosTokenIds),
    ...(options.stopTokenIds ?? []),
  ]);
  const vocab = session.vocabSize;
  const generated: number[][] = promptIds.map(() => []);
  const texts: (string | undefined)[] = promptIds.map(() => undefined);
  const reasons: GenerateFinishReason[] = promptIds.map(() => 'length');
  // The request sampler with only temperature / top_k / top_p set: no processors are active.
  const sampler = new TokenSampler(
    {
      ...DEFAULT_SAMPLING_PARAMS,
      temperature: Math.max(0, options.temperature ?? 0), // ≤ 0 = greedy
      topK: options.topK ?? 0,
      topP: options.topP ?? 1,
    },
    [],
  );
  const noHistory = new SequenceState([]);
  const rngs = promptIds.map((_, i) => new SeededRng(options.seed ?? 0, i));

  let batch = SequenceBatch.empty(session, promptIds.length);
  let live = promptIds.map((_, i) => i);
  let logits = await batch.step(promptIds);
  while (live.length > 0) {
    options.signal?.throwIfAborted();
    const next: number[] = [];
    const keep: number[] = [];
    for (let r = 0; r < live.length; r++) {
      const seq = live[r]!;
      const row = logits.subarray(r * vocab, (r + 1) * vocab);
      const token = sampler.sample(row, noHistory, rngs[seq]!);
      generated[seq]!.push(token);
      let done = false;
      if (enders.has(token)) {
        reasons[seq] = 'stop';
        done = true;
      } else if (options.stop?.length) {
        const text = await m.tokenizer!.decode(generated[seq]!);
        const cut = firstStop(text, options.stop);
        if (cut >= 0) {
          texts[seq] = text.slice(0, cut);
          reasons[seq] = 'stop';
          done = true;
        }
      }
      if (!done && (generated[seq]!.length >= maxTokens || batch.lengths[r]! + 1 > session.contextLength)) {
        done = true;
      }
      if (!done) {
        next.push(token);
        keep.push(r);
      }
    }
    if (keep.length === 0) break;
    if (keep.length !== live.length) {
      batch = SequenceBatch.gather(
        session,
        keep.map((r) => ({ batch, row: r })),
      );
      live = keep.map((r) => live[r]!);
    }
    logits = await batch.step(next.map((t) => [t]));
  }
  const results: GenerateResult[] = [];
  for (let i = 0; i < promptIds.length; i++) {
    const text = texts[i] ?? (m.tokenizer ? await m.tokenizer.decode(generated[i]!) : undefined);
    results.push({
      tokenIds: generated[i]!,
      text,
      finishReason: reasons[i]!,
      promptTokens: promptIds[i]!.length,
    });
  }
  return results;
}

function firstStop(text: string, stops: readonly string[]): number {
  let best = -1;
  for (const s of stops) {
    const at = s === '' ? -1 : text.indexOf(s);
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}
