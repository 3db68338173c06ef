import { RequestError } from '../errors/llm-errors.js';
import type { ConstraintSpec } from '../grammar/constraint-spec.js';
import type { SamplingParams } from '../sampling/sampling-params.js';
import type { ToolSetup } from '../tools/tool-types.js';
import type { ChatBody, CompletionsBody, Endpoint } from './request-types.js';

/** What the graph needs from a validated body besides the prompt. */
export interface RequestOptions {
  readonly params: SamplingParams;
  readonly stream: boolean;
  readonly includeUsage: boolean;
  readonly echo: boolean;
  /** Output constraint (response_format, tools), applied by the graph's constraint node. */
  readonly constraint?: ConstraintSpec;
  /** Declared tools: the chat template shows them and the tool-call parser reads the output. */
  readonly tools?: ToolSetup;
}

const given = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined;

function beamConflicts(body: CompletionsBody | ChatBody): void {
  const neutral: [keyof (CompletionsBody & ChatBody), (v: number) => boolean, string][] = [
    ['temperature', (v) => v === 0 || v === 1, '0 or 1'],
    ['top_p', (v) => v === 1, '1'],
    ['top_k', (v) => v <= 0, '-1 or 0'],
    ['min_p', (v) => v === 0, '0'],
  ];
  for (const [key, ok, want] of neutral) {
    const v = body[key as keyof typeof body] as number | null | undefined;
    if (given(v) && !ok(v)) {
      throw RequestError.invalid(
        key,
        `Invalid value for '${key}': ${v} cannot be combined with use_beam_search (beam search ranks by log-probability); use ${want} or leave it unset.`,
      );
    }
  }
}

/**
 * Cross-field rules and defaults (vLLM's where OpenAI is silent): `max_tokens` defaults to 16 on
 * /completions and to the rest of the context on /chat/completions.
 */
export function requestOptions(endpoint: Endpoint, body: CompletionsBody | ChatBody): RequestOptions {
  const chat = endpoint === 'chat/completions';
  const c = body as CompletionsBody;
  const ch = body as ChatBody;
  const n = body.n ?? 1;
  const beam = body.use_beam_search ?? false;
  const bestOf = body.best_of ?? n;
  const stream = body.stream ?? false;
  if (bestOf < n) {
    throw RequestError.invalid(
      'best_of',
      `Invalid value for 'best_of': ${bestOf} must be greater than or equal to n (${n}).`,
    );
  }
  if (stream && beam) {
    throw RequestError.invalid(
      'use_beam_search',
      `Invalid value for 'use_beam_search': true cannot be combined with stream; beams are only final at the end.`,
    );
  }
  if (stream && bestOf > n) {
    throw RequestError.invalid(
      'best_of',
      `Invalid value for 'best_of': ${bestOf} > n (${n}) cannot be streamed; set best_of to n or stream to false.`,
    );
  }
  if (beam) beamConflicts(body);
  if (given(body.stream_options) && !stream) {
    throw RequestError.invalid(
      'stream_options',
      `Invalid value for 'stream_options': only allowed when 'stream' is true.`,
    );
  }
  let logprobs: number | undefined;
  if (chat) {
    if (given(ch.top_logprobs) && ch.top_logprobs > 0 && ch.logprobs !== true) {
      throw RequestError.invalid(
        'top_logprobs',
        `Invalid value for 'top_logprobs': ${ch.top_logprobs} requires 'logprobs' to be true.`,
      );
    }
    logprobs = ch.logprobs === true ? (ch.top_logprobs ?? 0) : undefined;
  } else {
    logprobs = c.logprobs ?? undefined;
    if (c.echo === true && logprobs !== undefined) {
      throw RequestError.invalid(
        'echo',
        `Invalid value for 'echo': true cannot be combined with logprobs (prompt logprobs are not computed); drop one of them.`,
      );
    }
  }
  const maxTokens = (chat ? (ch.max_completion_tokens ?? ch.max_tokens) : (c.max_tokens ?? 16)) ?? undefined;
  const minTokens = body.min_tokens ?? 0;
  if (maxTokens !== undefined && minTokens > maxTokens) {
    throw RequestError.invalid(
      'min_tokens',
      `Invalid value for 'min_tokens': ${minTokens} is greater than max_tokens (${maxTokens}).`,
    );
  }
  const topK = body.top_k ?? 0;
  const params: SamplingParams = {
    n,
    bestOf,
    beam,
    lengthPenalty: body.length_penalty ?? 1,
    temperature: beam ? 0 : (body.temperature ?? 1),
    topP: body.top_p ?? 1,
    topK: Math.max(topK, 0),
    minP: body.min_p ?? 0,
    seed: body.seed ?? undefined,
    presencePenalty: body.presence_penalty ?? 0,
    frequencyPenalty: body.frequency_penalty ?? 0,
    repetitionPenalty: body.repetition_penalty ?? 1,
    logitBias: new Map(Object.entries(body.logit_bias ?? {}).map(([k, v]) => [Number(k), v])),
    minTokens,
    ignoreEos: body.ignore_eos ?? false,
    maxTokens,
    stop: typeof body.stop === 'string' ? [body.stop] : (body.stop ?? []),
    includeStopStrInOutput: body.include_stop_str_in_output ?? false,
    skipSpecialTokens: body.skip_special_tokens ?? true,
    logprobs,
  };
  return {
    params,
    stream,
    includeUsage: stream && body.stream_options?.include_usage === true,
    echo: !chat && c.echo === true,
  };
}
