import { randomBytes } from 'node:crypto';

/** Adds one streaming event (the writer numbers it). */
export type Emit = (type: string, fields: object) => void;

/** `completed`, or `incomplete` for an item cut by `max_output_tokens`. */
export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

/** A new Responses item id: `msg_...`, `fc_...`, `fco_...` and 48 random hex digits. */
export const newItemId = (prefix: string) => `${prefix}_${randomBytes(24).toString('hex')}`;

/**
 * An assistant `message` output item with one `output_text` part, and its streaming events:
 * `response.output_item.added`, `response.content_part.added`, `response.output_text.delta`...,
 * `response.output_text.done`, `response.content_part.done`, `response.output_item.done`.
 */
export class MessageOutput {
  readonly id = newItemId('msg');
  private text = '';

  constructor(readonly index: number) {}

  open(emit: Emit): void {
    emit('response.output_item.added', { output_index: this.index, item: this.item('in_progress', []) });
    emit('response.content_part.added', {
      ...this.where(),
      part: { type: 'output_text', text: '', annotations: [] },
    });
  }

  append(text: string, emit: Emit): void {
    if (text === '') return;
    this.text += text;
    emit('response.output_text.delta', { ...this.where(), delta: text, logprobs: [] });
  }

  close(status: ItemStatus, emit: Emit): void {
    emit('response.output_text.done', { ...this.where(), text: this.text, logprobs: [] });
    emit('response.content_part.done', { ...this.where(), part: this.part() });
    emit('response.output_item.done', { output_index: this.index, item: this.final(status) });
  }

  final(status: ItemStatus): object {
    return this.item(status, [this.part()]);
  }

  private where() {
    return { item_id: this.id, output_index: this.index, content_index: 0 };
  }

  private part() {
    return { type: 'output_text', text: this.text, annotations: [], logprobs: [] };
  }

  private item(status: ItemStatus, content: object[]) {
    return { id: this.id, type: 'message', status, role: 'assistant', content };
  }
}

/**
 * A `function_call` output item (`id` `fc_...`, `call_id` the tool-call parser's `call_...`), and its
 * streaming events: `response.output_item.added` (empty arguments),
 * `response.function_call_arguments.delta`..., `response.function_call_arguments.done`,
 * `response.output_item.done`.
 */
export class FunctionCallOutput {
  readonly id = newItemId('fc');
  private arguments = '';

  constructor(
    readonly index: number,
    private readonly callId: string,
    private readonly name: string,
  ) {}

  open(emit: Emit): void {
    emit('response.output_item.added', { output_index: this.index, item: this.final('in_progress') });
  }

  append(args: string, emit: Emit): void {
    if (args === '') return;
    this.arguments += args;
    emit('response.function_call_arguments.delta', {
      item_id: this.id,
      output_index: this.index,
      delta: args,
    });
  }

  close(status: ItemStatus, emit: Emit): void {
    emit('response.function_call_arguments.done', {
      item_id: this.id,
      output_index: this.index,
      arguments: this.arguments,
    });
    emit('response.output_item.done', { output_index: this.index, item: this.final(status) });
  }

  final(status: ItemStatus): object {
    return {
      type: 'function_call',
      id: this.id,
      call_id: this.callId,
      name: this.name,
      arguments: this.arguments,
      status,
    };
  }
}
