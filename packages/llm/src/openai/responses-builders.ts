import { randomBytes } from 'node:crypto';
import type { ToolCallDelta } from '../tools/tool-types.js';
import type { FinishReason } from './response-types.js';
import { type Emit, FunctionCallOutput, MessageOutput } from './responses-items.js';

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
  /** The response is kept in the graph's response store (false when asked not to or none exists). */
  readonly store: boolean;
  readonly previousResponseId: string | null;
}

export interface ResponsesUsage {
  readonly input: number;
  readonly output: number;
}

export const newResponsesId = (): string => `resp_${randomBytes(24).toString('hex')}`;

type OutputItem = MessageOutput | FunctionCallOutput;

/**
 * Builds the Responses API objects of one response from the model's text and tool calls: the output
 * items in the order they were written (a `message` for text, a `function_call` per call) and,
 * when streaming, the typed events in OpenAI's order, each with its `sequence_number`:
 * `response.created`, `response.in_progress`, then each item's events (responses-items.ts), then
 * `response.completed` (or `response.incomplete` when `max_output_tokens` cut the output).
 * Whitespace alone before a call does not open a message (it only separated markup).
 */
export class ResponsesWriter {
  private sequence = 0;
  private readonly items: OutputItem[] = [];
  private open: OutputItem | undefined;
  /** Whitespace not yet given to a message: dropped if a call comes next. */
  private held = '';

  constructor(
    private readonly id: string,
    private readonly createdAt: number,
    private readonly model: string,
    private readonly echo: ResponsesEcho,
  ) {}

  /** The events that open a stream. */
  start(): object[] {
    const inProgress = this.response('in_progress', null, null);
    const events: object[] = [];
    const emit = this.emitter(events);
    emit('response.created', { response: inProgress });
    emit('response.in_progress', { response: inProgress });
    return events;
  }

  /**
   * The events of one piece of output: text and tool-call pieces (ToolCallParserCalculator's). In
   * one piece, pieces continuing the open call come before the text and new calls after it.
   */
  write(text: string, calls: readonly ToolCallDelta[] = []): object[] {
    const events: object[] = [];
    const emit = this.emitter(events);
    const firstNew = calls.findIndex((c) => c.id !== undefined);
    const split = firstNew < 0 ? calls.length : firstNew;
    for (const c of calls.slice(0, split)) this.call(c, emit);
    this.text(text, emit);
    for (const c of calls.slice(split)) this.call(c, emit);
    return events;
  }

  /** The closing events (the last one carries the whole response) and the response object. */
  finish(finish: FinishReason, usage: ResponsesUsage): { events: object[]; response: object } {
    const events: object[] = [];
    const emit = this.emitter(events);
    // No output at all is an empty message; whitespace after the last call is dropped.
    if (this.items.length === 0) {
      this.openMessage(emit);
      (this.open as MessageOutput).append(this.held, emit);
    }
    this.held = '';
    const status = finish === 'stop' || finish === 'tool_calls' ? 'completed' : 'incomplete';
    this.open?.close(status, emit);
    const response = this.response(
      status,
      status === 'completed'
        ? null
        : { reason: finish === 'length' ? 'max_output_tokens' : 'content_filter' },
      {
        input_tokens: usage.input,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: usage.output,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: usage.input + usage.output,
      },
    );
    emit(`response.${status}`, { response });
    return { events, response };
  }

  private text(text: string, emit: Emit): void {
    if (!(this.open instanceof MessageOutput)) {
      if ((this.held + text).trim() === '') {
        this.held += text;
        return;
      }
      text = this.held + text;
      this.held = '';
      this.openMessage(emit);
    }
    (this.open as MessageOutput).append(text, emit);
  }

  private call(c: ToolCallDelta, emit: Emit): void {
    if (c.id !== undefined) {
      this.held = '';
      this.closeOpen(emit);
      this.open = new FunctionCallOutput(this.items.length, c.id, c.name ?? '');
      this.items.push(this.open);
      this.open.open(emit);
    }
    if (!(this.open instanceof FunctionCallOutput)) {
      throw new Error(`tool call ${c.index} continued with no call open (its first piece had no id)`);
    }
    this.open.append(c.arguments, emit);
  }

  private openMessage(emit: Emit): void {
    this.closeOpen(emit);
    this.open = new MessageOutput(this.items.length);
    this.items.push(this.open);
    this.open.open(emit);
  }

  // An item followed by another one is complete.
  private closeOpen(emit: Emit): void {
    this.open?.close('completed', emit);
    this.open = undefined;
  }

  private emitter(events: object[]): Emit {
    return (type, fields) => events.push({ type, sequence_number: this.sequence++, ...fields });
  }

  private response(status: string, incomplete: object | null, usage: object | null) {
    const e = this.echo;
    const last = this.items.length - 1;
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
      output:
        status === 'in_progress'
          ? []
          : this.items.map((item, i) =>
              item.final(i === last && status === 'incomplete' ? 'incomplete' : 'completed'),
            ),
      parallel_tool_calls: e.parallelToolCalls,
      previous_response_id: e.previousResponseId,
      reasoning: { effort: null, summary: null },
      store: e.store,
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
