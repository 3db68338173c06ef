import { StopStringBuffer } from '../calculators/stop-strings.js';
import { Engine } from '../engine/engine.js';
import { DEFAULT_SAMPLING_PARAMS } from '../sampling/sampling-params.js';
import { InvalidGenerateArgumentError } from './runtime-errors.js';
import { completionBudget } from './token-limits.js';

/** The two tokenizer methods `generate()` needs (`Tokenizer` from tokenizer/ fits). */
export interface TextCodec {
  encode(text: string): Promise<readonly number[]> | readonly number[];
  decode(ids: readonly number[]): Promise<string> | string;
}

/** An engine plus, for text prompts and stop strings, a tokenizer. */
export interface GenerateModel {
  readonly engine: Engine;
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
  /** New tokens per prompt at most (default 32); fewer when prompt + completion would pass the context. */
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
 * Generates continuations for one prompt or several (text or token ids) on an engine: each prompt
 * is one sequence group, so they batch with each other and with whatever else the engine runs.
 * The same pieces as a served request decide every token and when a sequence is finished: the
 * request sampler, run by the engine's worker (`SubmitOptions.sampling`: greedy when `temperature` is 0, the default, otherwise
 * temperature, top_k and top_p from a per-prompt seeded RNG; EOS / stop token ids → `stop`, max
 * tokens → `length`) and the stop-string buffer of the detokenizer. A prompt + completion never
 * passes the context: `maxTokens` is lowered to the room the prompt leaves.
 *
 * ```ts
 * const engine = await Engine.start('models/tiny-llama', { threads: 2 });
 * const [r] = await generate({ engine, tokenizer }, 'Once upon a time', { maxTokens: 20 });
 * r.text; r.finishReason;
 * ```
 */
export async function generate(
  model: Engine | GenerateModel,
  input: Prompt | readonly Prompt[],
  options: GenerateOptions = {},
): Promise<GenerateResult[]> {
  const m: GenerateModel = model instanceof Engine ? { engine: model } : model;
  const { engine } = m;
  const prompts: readonly Prompt[] = typeof input === 'string' || isIdList(input) ? [input] : input;
  const maxTokens = options.maxTokens ?? 32;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw new InvalidGenerateArgumentError(`maxTokens ${maxTokens} must be an integer ≥ 1`);
  }
  const stops = options.stop?.filter((s) => s !== '') ?? [];
  if (stops.length > 0 && !m.tokenizer) {
    throw new InvalidGenerateArgumentError('stop strings need a tokenizer; use stopTokenIds with token ids');
  }
  const promptIds = await toIds(m, prompts);
  const params = {
    ...DEFAULT_SAMPLING_PARAMS,
    temperature: Math.max(0, options.temperature ?? 0), // ≤ 0 = greedy
    topK: options.topK ?? 0,
    topP: options.topP ?? 1,
    seed: options.seed ?? 0,
  };
  const eosIds = [...(options.ignoreEos ? [] : engine.model.eosTokenIds), ...(options.stopTokenIds ?? [])];
  const budgets = promptIds.map((ids) =>
    completionBudget(ids.length, engine.contextLength, maxTokens, 'cap'),
  );
  return Promise.all(
    promptIds.map(async (ids, i): Promise<GenerateResult> => {
      const budget = budgets[i]!;
      // Prompt i draws from stream i of the seed, as choice i of a served request does.
      const group = engine.submit(ids, {
        maxTokens: budget,
        sampling: { params, eosIds, maxTokens: budget, stream: i },
        ...(options.signal && { signal: options.signal }),
      });
      const tokens: number[] = [];
      let cut: string | undefined;
      let finish: GenerateFinishReason;
      try {
        for (;;) {
          const { sampled: s } = await group.next();
          tokens.push(s.token);
          if (stops.length > 0) {
            // The whole text so far through the detokenizer's stop-string rule (earliest match wins).
            const stopper = new StopStringBuffer(stops, false);
            const visible = stopper.push(await m.tokenizer!.decode(tokens));
            if (stopper.stopped) {
              cut = visible;
              finish = 'stop';
              break;
            }
          }
          if (s.finish) {
            finish = s.finish;
            break;
          }
        }
      } finally {
        group.finish();
      }
      const out = cut ?? (m.tokenizer ? await m.tokenizer.decode(tokens) : undefined);
      return { tokenIds: tokens, text: out, finishReason: finish, promptTokens: ids.length };
    }),
  );
}
