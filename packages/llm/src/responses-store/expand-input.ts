import { L } from '../errors/llm-error-codes.js';
import { RequestError } from '../errors/llm-errors.js';
import type { ResponsesBody, ResponsesInputItem } from '../openai/responses-schema.js';
import type { ResponseStore } from './response-store.js';

/** A Responses request's conversation with the stored parts filled in. */
export interface ExpandedInput {
  /** The `previous_response_id` chain: its inputs and outputs, recursively (empty without one). */
  readonly chain: readonly ResponsesInputItem[];
  /** `input` item by item (a string is one user message), `item_reference`s replaced by their items. */
  readonly items: readonly ResponsesInputItem[];
}

const noStore = (param: string, what: string) =>
  RequestError.invalid(
    param,
    `Unsupported parameter: '${param}' (${what}) needs stored responses, and this graph keeps none (it has no ResponseStoreCalculator); send the whole conversation as input items instead (the AI SDK's OpenAI provider does with providerOptions.openai.store = false).`,
    L.REQUEST_UNSUPPORTED_PARAMETER,
  );

/**
 * Fills in what a request takes from the graph's response store (OpenAI's semantics): the stored
 * conversation of `previous_response_id` goes before the new input (its `instructions` are not
 * carried over), and each `{"type": "item_reference", "id"}` becomes the stored item with that id.
 * An unknown id is a 400 naming the parameter.
 */
export function expandInput(body: ResponsesBody, store: ResponseStore | undefined): ExpandedInput {
  const previous = body.previous_response_id;
  let chain: ResponsesInputItem[] = [];
  if (typeof previous === 'string') {
    if (!store) throw noStore('previous_response_id', 'continuing a stored response');
    const found = store.conversation(previous);
    if (!found) {
      throw new RequestError(
        L.PREVIOUS_RESPONSE_NOT_FOUND,
        'previous_response_id',
        `Previous response with id '${previous}' not found. It was never stored (store: false), was deleted, or has expired from this server's response store.`,
      );
    }
    chain = found;
  }
  if (typeof body.input === 'string') {
    return { chain, items: [{ type: 'message', role: 'user', content: body.input }] };
  }
  const items = body.input.map((item, i) =>
    item.type === 'item_reference' ? referenced(item, `input[${i}]`, store) : item,
  );
  return { chain, items };
}

function referenced(
  item: ResponsesInputItem,
  at: string,
  store: ResponseStore | undefined,
): ResponsesInputItem {
  if (!store) throw noStore(`${at}.type`, 'an item_reference');
  if (typeof item.id !== 'string' || item.id === '') {
    throw RequestError.invalid(
      `${at}.id`,
      `Missing required parameter: '${at}.id' (the id of the stored item an item_reference points to).`,
      L.REQUEST_MISSING_PARAMETER,
    );
  }
  const found = store.item(item.id);
  if (!found) {
    throw new RequestError(
      L.ITEM_NOT_FOUND,
      `${at}.id`,
      `Item with id '${item.id}' not found. No stored response has an output or input item with this id (it was never stored, was deleted, or has expired).`,
    );
  }
  return found;
}
