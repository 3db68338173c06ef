import { newItemId } from '../openai/responses-items.js';
import type { ResponsesInputItem } from '../openai/responses-schema.js';

/** What `GET /responses/{id}/input_items` asks for (OpenAI's cursor list parameters). */
export interface InputItemsQuery {
  /** Items per page, 1 to 100. */
  readonly limit: number;
  /** `asc`: conversation order; `desc` (OpenAI's default): newest first. */
  readonly order: 'asc' | 'desc';
  /** List the items after the item with this id (in `order`); the previous page's `last_id`. */
  readonly after?: string | undefined;
}

/** One page, in OpenAI's `ResponseItemList` shape; the ids are null on an empty page. */
export interface InputItemList {
  readonly object: 'list';
  readonly data: object[];
  readonly first_id: string | null;
  readonly last_id: string | null;
  readonly has_more: boolean;
}

const ID_PREFIXES: Record<string, string> = {
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
};

const typeOf = (item: ResponsesInputItem) => item.type ?? (item.role !== undefined ? 'message' : undefined);

/**
 * A stored conversation's items, each with an id of its own, as OpenAI gives every input item one
 * (`msg_...`, `fc_...`, `fco_...`): an item sent without an id gets a new one, and so does a second
 * item sent with an id already used earlier in the list (the list pages by id, so ids are unique).
 */
export function withItemIds(items: readonly ResponsesInputItem[]): ResponsesInputItem[] {
  const seen = new Set<string>();
  return items.map((item) => {
    let out = item;
    if (typeof item.id !== 'string' || item.id === '' || seen.has(item.id)) {
      const { id: _, ...rest } = item;
      out = { id: newItemId(ID_PREFIXES[typeOf(item) ?? ''] ?? 'item'), ...rest };
    }
    seen.add(out.id!);
    return out;
  });
}

/**
 * An input item as OpenAI lists it: a message with its content as parts (`input_text`, or
 * `output_text` for an assistant's text) and a `status`; function calls and their outputs with a
 * `status`. Items that came from an earlier response's output are listed as they were answered.
 */
export function listedItem(item: ResponsesInputItem): object {
  const status = item.status ?? 'completed';
  switch (typeOf(item)) {
    case 'message': {
      const content =
        typeof item.content === 'string'
          ? [
              item.role === 'assistant'
                ? { type: 'output_text', text: item.content, annotations: [] }
                : { type: 'input_text', text: item.content },
            ]
          : item.content;
      return { id: item.id, type: 'message', role: item.role, status, content };
    }
    case 'function_call':
      return { ...item, type: 'function_call', status };
    case 'function_call_output':
      return { ...item, type: 'function_call_output', status };
    default:
      return item;
  }
}

/**
 * One page of a stored response's input items (its `previous_response_id` chain first, as the
 * model saw them): up to `limit` items in `order`, starting after the item `after` names.
 * Undefined when `after` names no item of the list.
 */
export function inputItemList(
  items: readonly ResponsesInputItem[],
  query: InputItemsQuery,
): InputItemList | undefined {
  const ordered = query.order === 'asc' ? items : [...items].reverse();
  let start = 0;
  if (query.after !== undefined) {
    const at = ordered.findIndex((item) => item.id === query.after);
    if (at < 0) return undefined;
    start = at + 1;
  }
  const page = ordered.slice(start, start + query.limit);
  return {
    object: 'list',
    data: page.map(listedItem),
    first_id: page[0]?.id ?? null,
    last_id: page.at(-1)?.id ?? null,
    has_more: start + page.length < ordered.length,
  };
}
