import { RequestError } from '../errors/llm-errors.js';
import type { ModelInfo } from '../model/model-info.js';
import type { RequestOptions } from '../openai/request-params.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import type { PromptInput } from './llm-packets.js';

/** The per-request bounds of OpenAiRequestCalculator's options (OWASP API4). */
export interface RequestLimits {
  /** Prompts in one completions request at most (a list of strings or of token lists). */
  readonly maxPrompts: number;
  /** Sequences × max_tokens of one request at most: the tokens it may ask the engine for. */
  readonly maxRequestTokens: number;
  /** Characters of one prompt at most; default: what could still fit the context. */
  readonly maxPromptChars: number | undefined;
}

export const requestLimitOptions = {
  max_prompts: {
    type: 'integer',
    minimum: 1,
    default: 64,
    description: 'prompts in one completions request at most (400 on `prompt` beyond)',
  },
  max_request_tokens: {
    type: 'integer',
    minimum: 1,
    default: 65536,
    description:
      'prompts × best_of (or n) × max_tokens of one request at most: the tokens it may generate (400 beyond)',
  },
  max_prompt_chars: {
    type: 'integer',
    minimum: 1,
    description:
      "characters of one prompt at most, checked before tokenizing (default: context length × the longest token's characters, the most that could still fit)",
  },
} as const;

/**
 * Refuses a request whose size alone is too much, before anything is tokenized or generated: too
 * many prompts, too many tokens to generate in total, or a prompt too long to fit the context
 * (tokenizing a huge text costs native memory the process does not give back).
 */
export function checkRequestLimits(
  prompts: readonly PromptInput[],
  options: RequestOptions,
  limits: RequestLimits,
  context: { tokenizer: Tokenizer; info: ModelInfo; what: 'prompt' | 'messages' },
): void {
  if (prompts.length > limits.maxPrompts) {
    throw RequestError.invalid(
      'prompt',
      `Invalid value for 'prompt': ${prompts.length} prompts in one request; this model takes at most ${limits.maxPrompts} (max_prompts). Send them in several requests.`,
    );
  }
  const { bestOf, n, maxTokens } = options.params;
  const perSequence = maxTokens ?? context.info.contextLength;
  const total = prompts.length * bestOf * perSequence;
  if (total > limits.maxRequestTokens) {
    const param = bestOf > n ? 'best_of' : n > 1 ? 'n' : prompts.length > 1 ? 'prompt' : 'max_tokens';
    throw RequestError.invalid(
      param,
      `Invalid value for '${param}': ${prompts.length} prompt(s) × ${bestOf} sequence(s) × ${perSequence} max tokens = ${total} tokens to generate; this model allows at most ${limits.maxRequestTokens} per request (max_request_tokens). Lower n, best_of, max_tokens or the number of prompts.`,
    );
  }
  const maxChars = limits.maxPromptChars ?? context.info.contextLength * context.tokenizer.maxTokenChars;
  for (const [i, prompt] of prompts.entries()) {
    if (!('text' in prompt) || prompt.text.length <= maxChars) continue;
    const param = prompts.length > 1 ? `prompt[${i}]` : context.what;
    throw RequestError.invalid(
      param,
      `Invalid value for '${param}': the prompt has ${prompt.text.length} characters; at most ${maxChars} can fit this model's context of ${context.info.contextLength} tokens (max_prompt_chars). Shorten it.`,
    );
  }
}
