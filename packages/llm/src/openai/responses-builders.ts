import { randomBytes } from 'node:crypto';
import type { FinishReason } from './response-types.js';

/** What a Responses request asked for, echoed in every response object. */
export interface ResponsesEcho {
  readonly instructions: string | null;
  readonly maxOutputTokens: number | null;
  readonly temperature: number;
  readonly topP: number;
  readonly metadata: Record<string, string>;
  readonly user: string | null;
  readonly textFormat: object;
  readonly toolChoice: string | object;
  readonly tools: readonly object[];
  readonly parallelToolCalls: boolean;
  readonly truncation: 'disabled' | 'auto';
}

export interface ResponsesUsage {
  readonly input: number;
  readonly output: number;
}

export const newResponsesId = (): string => `resp_${randomBytes(24).toString('hex')}`;
const newItemId = (): string => `msg_${randomBytes(24).toString('hex')}`;

/**
 * Builds the Responses API objects of one response: the final `response` object and, when
 * streaming, the typed events in OpenAI's order, each with its `sequence_number`:
 * `response.created`, `response.in_progress`, `response.output_item.added`,
 * `response.content_part.added`, `response.output_text.delta`..., `response.output_text.done`,
 * `response.content_part.done`, `response.output_item.done`, then `response.completed` (or
 * `response.incomplete` when `max_output_tokens` cut the text).
 */
export class ResponsesWriter {
  readonly itemId = newItemId();
  private sequence = 0;
  private text = '';

  constructor(
    private readonly id: string,
    private readonly createdAt: number,
    private readonly model: string,
    private readonly echo: ResponsesEcho,
  ) {}

  /** The events that open a stream, before any text. */
  opening(): object[] {
    const inProgress = this.response('in_progress', [], null, null);
    return [
      this.event('response.created', { response: inProgress }),
      this.event('response.in_progress', { response: inProgress }),
      this.event('response.output_item.added', { output_index: 0, item: this.item('in_progress', []) }),
      this.event('response.content_part.added', {
        item_id: this.itemId,
        output_index: 0,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [] },
      }),
    ];
  }

  /** Appends text; the event to stream it (undefined for empty text). */
  delta(text: string): object | undefined {
    this.text += text;
    if (text === '') return undefined;
    return this.event('response.output_text.delta', {
      item_id: this.itemId,
      output_index: 0,
      content_index: 0,
      delta: text,
      logprobs: [],
    });
  }

  /** Appends text without an event (non-streaming). */
  append(text: string): void {
    this.text += text;
  }

  /** The events that close a stream. */
  closing(finish: FinishReason, usage: ResponsesUsage): object[] {
    const part = this.part();
    const final = this.final(finish, usage);
    return [
      this.event('response.output_text.done', {
        item_id: this.itemId,
        output_index: 0,
        content_index: 0,
        text: this.text,
        logprobs: [],
      }),
      this.event('response.content_part.done', {
        item_id: this.itemId,
        output_index: 0,
        content_index: 0,
        part,
      }),
      this.event('response.output_item.done', {
        output_index: 0,
        item: this.item(itemStatus(finish), [part]),
      }),
      this.event(final.status === 'completed' ? 'response.completed' : 'response.incomplete', {
        response: final,
      }),
    ];
  }

  /** The whole response object once the text is complete. */
  final(finish: FinishReason, usage: ResponsesUsage): Record<string, unknown> & { status: string } {
    const complete = finish === 'stop';
    return this.response(
      complete ? 'completed' : 'incomplete',
      [this.item(itemStatus(finish), [this.part()])],
      complete ? null : { reason: finish === 'length' ? 'max_output_tokens' : 'content_filter' },
      {
        input_tokens: usage.input,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: usage.output,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.input + usage.output,
      },
    );
  }

  private part() {
    return { type: 'output_text', text: this.text, annotations: [], logprobs: [] };
  }

  private item(status: string, content: object[]) {
    return { id: this.itemId, type: 'message', status, role: 'assistant', content };
  }

  private event(type: string, fields: object): object {
    return { type, sequence_number: this.sequence++, ...fields };
  }

  private response(status: string, output: object[], incomplete: object | null, usage: object | null) {
    const e = this.echo;
    return {
      id: this.id,
      object: 'response',
      created_at: this.createdAt,
      status,
      error: null,
      incomplete_details: incomplete,
      instructions: e.instructions,
      max_output_tokens: e.maxOutputTokens,
      model: this.model,
      output,
      parallel_tool_calls: e.parallelToolCalls,
      previous_response_id: null,
      reasoning: { effort: null, summary: null },
      store: false,
      temperature: e.temperature,
      text: { format: e.textFormat },
      tool_choice: e.toolChoice,
      tools: e.tools,
      top_p: e.topP,
      truncation: e.truncation,
      usage,
      user: e.user,
      metadata: e.metadata,
    };
  }
}

// A message cut by max_output_tokens is `incomplete`, as OpenAI marks it.
const itemStatus = (finish: FinishReason) => (finish === 'stop' ? 'completed' : 'incomplete');
