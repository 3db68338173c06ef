import { randomBytes } from 'node:crypto';
import type { ToolCallDelta } from '../tools/tool-types.js';
import type { Endpoint } from './request-types.js';
import type {
  ChatLogprobs,
  CompletionsLogprobs,
  FinishReason,
  ResponseMeta,
  ToolCall,
  Usage,
} from './response-types.js';

/** Stable per build of the server: tells clients which backend answered. */
export const SYSTEM_FINGERPRINT = 'fp_weft_0_1';

/** `cmpl-…` or `chatcmpl-…` with 24 random hex digits. */
export function newResponseId(endpoint: Endpoint): string {
  return `${endpoint === 'completions' ? 'cmpl' : 'chatcmpl'}-${randomBytes(12).toString('hex')}`;
}

export interface FinalChoice {
  readonly index: number;
  readonly text: string;
  readonly logprobs: CompletionsLogprobs | ChatLogprobs | null;
  readonly finishReason: FinishReason;
  /** Chat: calls parsed out of the text (the text is then what was left: content). */
  readonly toolCalls?: readonly ToolCall[];
}

const head = (meta: ResponseMeta, object: string) => ({
  id: meta.id,
  object,
  created: meta.created,
  model: meta.model,
  system_fingerprint: SYSTEM_FINGERPRINT,
});

/** The non-streaming response body of either endpoint. */
export function responseBody(
  endpoint: Endpoint,
  meta: ResponseMeta,
  choices: readonly FinalChoice[],
  usage: Usage,
): object {
  if (endpoint === 'completions') {
    return {
      ...head(meta, 'text_completion'),
      choices: choices.map((c) => ({
        index: c.index,
        text: c.text,
        logprobs: c.logprobs,
        finish_reason: c.finishReason,
      })),
      usage,
    };
  }
  return {
    ...head(meta, 'chat.completion'),
    choices: choices.map((c) => ({
      index: c.index,
      message: chatMessage(c),
      logprobs: c.logprobs,
      finish_reason: c.finishReason,
    })),
    usage,
  };
}

// OpenAI's message: content null when the answer is only tool calls.
function chatMessage(c: FinalChoice): object {
  if (!c.toolCalls || c.toolCalls.length === 0) return { role: 'assistant', content: c.text };
  return {
    role: 'assistant',
    content: c.text === '' ? null : c.text,
    tool_calls: c.toolCalls.map((t) => ({
      id: t.id,
      type: 'function',
      function: { name: t.name, arguments: t.arguments },
    })),
  };
}

/** A streamed tool-call piece as OpenAI sends it: `id`, `type` and `name` only in the first. */
function toolCallChunk(d: ToolCallDelta): object {
  return d.id === undefined
    ? { index: d.index, function: { arguments: d.arguments } }
    : { index: d.index, id: d.id, type: 'function', function: { name: d.name, arguments: d.arguments } };
}

export interface ChunkChoice {
  readonly index: number;
  readonly text: string;
  readonly logprobs: CompletionsLogprobs | ChatLogprobs | null;
  readonly finishReason: FinishReason | null;
  /** Chat only: the first chunk of a choice carries `role: "assistant"`. */
  readonly first?: boolean;
  readonly toolCalls?: readonly ToolCallDelta[];
}

/**
 * One stream chunk with one choice. With `include_usage`, OpenAI sends `usage: null` on every
 * chunk but the last (see `usageChunk`).
 */
export function chunkBody(
  endpoint: Endpoint,
  meta: ResponseMeta,
  c: ChunkChoice,
  includeUsage: boolean,
): object {
  const usage = includeUsage ? { usage: null } : {};
  if (endpoint === 'completions') {
    return {
      ...head(meta, 'text_completion'),
      choices: [{ index: c.index, text: c.text, logprobs: c.logprobs, finish_reason: c.finishReason }],
      ...usage,
    };
  }
  const calls = c.toolCalls && c.toolCalls.length > 0 ? { tool_calls: c.toolCalls.map(toolCallChunk) } : {};
  const delta = c.first
    ? { role: 'assistant', content: c.text }
    : (c.finishReason || calls.tool_calls) && c.text === ''
      ? calls
      : { content: c.text, ...calls };
  return {
    ...head(meta, 'chat.completion.chunk'),
    choices: [{ index: c.index, delta, logprobs: c.logprobs, finish_reason: c.finishReason }],
    ...usage,
  };
}

/** The last chunk of a stream with `stream_options.include_usage`: no choices, the usage. */
export function usageChunk(endpoint: Endpoint, meta: ResponseMeta, usage: Usage): object {
  return {
    ...head(meta, endpoint === 'completions' ? 'text_completion' : 'chat.completion.chunk'),
    choices: [],
    usage,
  };
}
