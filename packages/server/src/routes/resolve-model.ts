import { quoteInput } from '../errors/quote-input.js';
import { serverErrors } from '../errors/server-error.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import type { GraphLease } from '../registry/loaded-graph.js';
import type { RequestLog } from './request-log.js';

/** Checks the body's `model` and leases the graph serving it; throws the matching ServerError. */
export function resolveModel(
  graphs: GraphRegistry,
  body: Record<string, unknown>,
  log?: RequestLog,
): GraphLease {
  const model = body.model;
  if (model === undefined || model === null) {
    throw serverErrors.missingModel();
  }
  // Same wording and codes as the LLM graph's request validation, so clients see one style.
  if (typeof model !== 'string') {
    throw serverErrors.invalidParameterType(
      'model',
      `Invalid type for 'model': expected a string, but got ${describe(model)}.`,
    );
  }
  if (model.length === 0) {
    throw serverErrors.invalidParameter(
      'model',
      'Invalid value for \'model\': "" is empty; GET /v3/models lists the served names.',
    );
  }
  const found = graphs.lookup(model);
  if (found.kind === 'available') {
    if (log) log.servedModel = model;
    return found.lease;
  }
  if (found.kind === 'unavailable') throw serverErrors.modelNotReady(model, found.state);
  throw serverErrors.modelNotFound(
    model,
    graphs.models().map((m) => m.name),
  );
}

/** `a number (5)`, `a boolean (true)`, `an array`, `an object`: how the LLM graph describes wrong values. */
function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${quoteInput(value)})`;
}
