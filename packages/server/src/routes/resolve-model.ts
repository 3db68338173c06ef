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
      'missing_model',
    );
  }
  // Same wording and codes as the LLM graph's request validation, so clients see one style.
  if (typeof model !== 'string') {
    throw httpErrors.invalidParameter(
      'model',
      `Invalid type for 'model': expected a string, but got ${describe(model)}.`,
      'invalid_type',
    );
  }
  if (model.length === 0) {
    throw httpErrors.invalidParameter(
      'model',
      'Invalid value for \'model\': "" is empty; GET /v3/models lists the served names.',
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

/** `a number (5)`, `a boolean (true)`, `an array`, `an object`: how the LLM graph describes wrong values. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}
