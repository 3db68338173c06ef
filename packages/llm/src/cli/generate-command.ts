import { resolve } from 'node:path';
import { type CliIo, parseCommandArgs } from '@weft/framework';
import { renderChat } from '../chat/render-chat.js';
import { Engine } from '../engine/engine.js';
import { LlmError } from '../errors/llm-errors.js';
import { loadModelInfo } from '../model/load-model-info.js';
import { generate } from '../runtime/generate.js';
import { Tokenizer } from '../tokenizer/tokenizer.js';

const USAGE = `usage: weft generate DIR --prompt TEXT [--chat] [--max-tokens N] [--temperature T]
                     [--top-p P] [--top-k K] [--seed S] [--threads N] [--dtype D] [--json]
  --chat         wrap the prompt as one user message with the model's chat template
  --max-tokens   new tokens at most (default 64)
  --temperature  0 (default) = greedy
  --json         print {"text","token_ids","finish_reason","prompt_tokens"}`;

const GENERATE = {
  command: 'weft generate',
  usage: USAGE,
  positionals: { name: 'DIR', min: 1, max: 1 },
  options: {
    prompt: { type: 'string' },
    chat: { type: 'boolean' },
    'max-tokens': { type: 'string' },
    temperature: { type: 'string' },
    'top-p': { type: 'string' },
    'top-k': { type: 'string' },
    seed: { type: 'string' },
    threads: { type: 'string' },
    dtype: { type: 'string' },
    json: { type: 'boolean' },
  },
} as const;

class UsageError extends Error {}

function number(
  values: Record<string, unknown>,
  name: string,
  rule: { min: number; max?: number; integer?: boolean },
  fallback?: number,
): number | undefined {
  const raw = values[name] as string | undefined;
  if (raw === undefined) return fallback;
  const value = Number(raw);
  const ok =
    raw.trim() !== '' &&
    Number.isFinite(value) &&
    (!rule.integer || Number.isInteger(value)) &&
    value >= rule.min &&
    (rule.max === undefined || value <= rule.max);
  if (!ok) {
    const kind = rule.integer ? 'an integer' : 'a number';
    const range = rule.max === undefined ? `≥ ${rule.min}` : `in [${rule.min}, ${rule.max}]`;
    throw new UsageError(
      `--${name} "${raw}" must be ${kind} ${range} (example: --${name} ${rule.max ?? rule.min + 1})`,
    );
  }
  return value;
}

/** `weft generate`: one prompt through the engine (the same generation loop as a served request); exit code 0 ok, 1 failure, 2 usage. */
export async function generateCommand(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, GENERATE, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  let engine: Engine | undefined;
  try {
    if (values.prompt === undefined) throw new UsageError('missing --prompt TEXT');
    const maxTokens = number(values, 'max-tokens', { min: 1, integer: true }, 64)!;
    const temperature = number(values, 'temperature', { min: 0, max: 2 }, 0);
    const topP = number(values, 'top-p', { min: 0, max: 1 });
    const topK = number(values, 'top-k', { min: 0, integer: true });
    const seed = number(values, 'seed', { min: 0, integer: true });
    const threads = number(values, 'threads', { min: 1, integer: true });

    const info = loadModelInfo(resolve(io.cwd, positionals[0]!), { dtype: values.dtype });
    const tokenizer = Tokenizer.load(info.tokenizerFile);
    let text = values.prompt;
    if (values.chat) {
      text = renderChat(info.chatTemplate ?? tokenizer.chatTemplate, [{ role: 'user', content: text }], {
        bosToken: tokenizer.bosToken,
        eosToken: tokenizer.eosToken,
      });
    }
    // A rendered chat template already holds its special tokens (BOS included when it wants one).
    const ids = await tokenizer.encode(text, { addSpecialTokens: !values.chat });
    engine = await Engine.start(info, { threads, maxNumSeqs: 1 });
    const codec = {
      encode: (t: string) => tokenizer.encode(t),
      decode: (i: readonly number[]) => tokenizer.decode(i, { skipSpecialTokens: true }),
    };
    const [result] = await generate({ engine, tokenizer: codec }, ids, {
      maxTokens,
      temperature,
      topP,
      topK,
      seed,
    });
    const r = result!;
    if (values.json) {
      const out = {
        text: r.text,
        token_ids: r.tokenIds,
        finish_reason: r.finishReason,
        prompt_tokens: r.promptTokens,
      };
      io.stdout(`${JSON.stringify(out)}\n`);
    } else io.stdout(`${r.text ?? ''}\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`weft generate: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    if (err instanceof LlmError) {
      io.stderr(`weft generate: ${err.code} ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await engine?.close();
  }
}
