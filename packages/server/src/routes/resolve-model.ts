import { httpErrors } from '../errors/http-error.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import type { GraphLease } from '../registry/loaded-graph.js';
import type { RequestLog } from './request-log.js';

/** Checks the body's `model` and leases the graph serving it; throws the matching HttpError. */
export function resolveModel(
  graphs: GraphRegistry,
  body: Record<string, unknown>,
  log?: RequestLog,
): GraphLease {
  const model = body.model;
  if (model === undefined || model === null) {
    throw httpErrors.invalidParameter(
      'model',
      'you must provide a model parameter: a served model name such as "tiny-llama" (GET /v3/models lists them)',
    );
  }
  if (typeof model !== 'string' || model.length === 0) {
    throw httpErrors.invalidParameter(
      'model',
      `model must be a non-empty string, got ${JSON.stringify(model)}; GET /v3/models lists the served names`,
    );
  }
  const found = graphs.lookup(model);
  if (found.kind === 'available') {
    if (log) log.servedModel = model;
    return found.lease;
  }
  if (found.kind === 'unavailable') throw httpErrors.modelNotReady(model, found.state);
  throw httpErrors.modelNotFound(
    model,
    graphs.models().map((m) => m.name),
  );
}
