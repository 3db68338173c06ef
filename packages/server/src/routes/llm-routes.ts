import type { ApiEndpoint } from '@weft/llm';
import type { Request, Response, Router } from 'express';
import type { ServerLimits } from '../app/server-limits.js';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { respondWithGraph } from './graph-responder.js';
import { checkEndpointTask } from './model-task.js';
import { requestLog } from './request-log.js';
import { resolveModel } from './resolve-model.js';

export interface LlmRouteOptions {
  readonly graphs: GraphRegistry;
  readonly metrics: ServerMetrics;
  readonly keepAliveMs: number;
  readonly limits: ServerLimits;
}

/**
 * `POST /completions`, `/chat/completions`, `/responses` (LLM graphs) and `/embeddings` (embedding
 * graphs): one graph run per request, by the graph protocol (docs/architecture.md); a model whose
 * task does not fit the endpoint is a 400. A new endpoint served by graphs is one more line below.
 */
export function addLlmRoutes(router: Router, options: LlmRouteOptions): void {
  const handler = (endpoint: ApiEndpoint) => async (req: Request, res: Response) => {
    const startedAt = performance.now();
    const log = requestLog(res);
    log.endpoint = endpoint;
    const body = req.body as Record<string, unknown>;
    if (typeof body.model === 'string') log.model = body.model;
    const lease = resolveModel(options.graphs, body, log);
    try {
      checkEndpointTask(lease.name, lease.graph, endpoint);
    } catch (error) {
      lease.release();
      throw error;
    }
    await respondWithGraph(req, res, {
      lease,
      endpoint,
      body,
      keepAliveMs: options.keepAliveMs,
      limits: options.limits,
      metrics: options.metrics,
      startedAt,
    });
  };
  router.post('/completions', handler('completions'));
  router.post('/chat/completions', handler('chat/completions'));
  router.post('/responses', handler('responses'));
  router.post('/embeddings', handler('embeddings'));
}
