import { closest } from '@weft/framework';
import type { InputItemsQuery } from '@weft/llm';
import { clipForLog, quoteInput } from '../errors/quote-input.js';
import { serverErrors } from '../errors/server-error.js';

const PARAMS = ['after', 'include', 'limit', 'order'];
const MAX_LIMIT = 100;

/**
 * The query of `GET /responses/{id}/input_items`, checked as OpenAI's API defines it: `limit` an
 * integer from 1 to 100 (default 20), `order` `asc` or `desc` (default `desc`), `after` an item id.
 * `include` (also as `include[]`, how the openai client sends arrays) is refused: Weft stores input
 * items as they were sent, without the extra data it asks for. Unknown or repeated parameters are
 * refused too, each error naming its parameter.
 */
export function inputItemsQuery(query: Readonly<Record<string, unknown>>): InputItemsQuery {
  for (const [key, value] of Object.entries(query)) {
    const name = key === 'include[]' ? 'include' : key;
    if (!PARAMS.includes(name)) {
      const hint = closest(name, PARAMS);
      const shown = clipForLog(name, 80);
      throw serverErrors.unsupportedParameter(
        shown,
        `Unknown parameter: '${shown}'${hint ? ` (did you mean '${hint}'?)` : ''}; input_items takes ${PARAMS.map((p) => `'${p}'`).join(', ')}.`,
      );
    }
    if (name === 'include') {
      throw serverErrors.unsupportedParameter(
        'include',
        `Unsupported parameter: 'include' (${quoteInput(value)}). Weft stores input items as they were sent, without image URLs, file search results, logprobs or encrypted reasoning; list them without 'include'.`,
      );
    }
    if (typeof value !== 'string') {
      throw serverErrors.invalidParameter(name, `Invalid '${name}': given more than once; give it once.`);
    }
  }
  const { after, limit, order } = query as Record<string, string | undefined>;
  if (limit !== undefined && !/^\d+$/.test(limit)) {
    throw serverErrors.invalidParameter(
      'limit',
      `Invalid 'limit': ${quoteInput(limit)} is not an integer; give 1 to ${MAX_LIMIT} (default 20).`,
    );
  }
  const size = limit === undefined ? 20 : Number(limit);
  if (size < 1 || size > MAX_LIMIT) {
    throw serverErrors.invalidParameter(
      'limit',
      `Invalid 'limit': ${size} is out of range; give 1 to ${MAX_LIMIT} (default 20).`,
    );
  }
  if (order !== undefined && order !== 'asc' && order !== 'desc') {
    throw serverErrors.invalidParameter(
      'order',
      `Invalid 'order': ${quoteInput(order)}; supported values are 'asc' and 'desc' (default 'desc').`,
    );
  }
  if (after === '') {
    throw serverErrors.invalidParameter('after', "Invalid 'after': empty; give the id of an input item.");
  }
  return { limit: size, order: order ?? 'desc', ...(after !== undefined && { after }) };
}
