import { inputItemList, ResponseStore, type StoredResponse } from '@weft/llm';
import type { Request, Router } from 'express';
import { clipForLog } from '../errors/quote-input.js';
import { serverErrors } from '../errors/server-error.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { sharedSidePacketByTag } from '../registry/shared-side-packet.js';
import { inputItemsQuery } from './input-items-query.js';
import { requestLog } from './request-log.js';

/**
 * `GET /responses/{id}` (the stored response object), `GET /responses/{id}/input_items` (its input
 * items, a page at a time: `{object: "list", data, first_id, last_id, has_more}`) and
 * `DELETE /responses/{id}` (`{id, object: "response.deleted", deleted: true}`), from the
 * `RESPONSE_STORE` output side packet of whichever served graph keeps the id
 * (ResponseStoreCalculator); 404 when none does. A response id names no model, so every graph with
 * a store is asked (a few, each a map lookup).
 */
export function addStoredResponsesRoute(router: Router, graphs: GraphRegistry): void {
  router.get('/responses/:id', (req, res) => {
    res.json(stored(graphs, idOf(req)).response);
  });
  router.get('/responses/:id/input_items', (req, res) => {
    const id = idOf(req);
    const query = inputItemsQuery(req.query as Record<string, unknown>);
    const list = inputItemList(stored(graphs, id).input, query);
    if (!list) {
      throw serverErrors.invalidParameter(
        'after',
        `Invalid 'after': response '${clipForLog(id)}' has no input item with id '${clipForLog(query.after!)}'; give the last_id of the previous page.`,
      );
    }
    res.json(list);
  });
  router.delete('/responses/:id', (req, res) => {
    const id = idOf(req);
    // Delete from every store: the same id in two graphs is impossible (random ids), but harmless.
    const deleted = stores(graphs).filter((store) => store.delete(id)).length > 0;
    if (!deleted) throw serverErrors.responseNotFound(id);
    res.json({ id, object: 'response.deleted', deleted: true });
  });
}

function idOf(req: Request): string {
  requestLog(req.res!).endpoint = 'responses';
  return (req.params as { id: string }).id;
}

/** The stored response with this id, from whichever graph keeps it; 404 when none does. */
function stored(graphs: GraphRegistry, id: string): StoredResponse {
  for (const store of stores(graphs)) {
    const found = store.get(id);
    if (found) return found;
  }
  throw serverErrors.responseNotFound(id);
}

function stores(graphs: GraphRegistry): ResponseStore[] {
  return graphs.models().flatMap((m) => {
    const store = sharedSidePacketByTag(m.graph, 'RESPONSE_STORE');
    return store instanceof ResponseStore ? [store] : [];
  });
}
