import type { Request, Response, Router } from 'express';
import type { ServerMetrics } from '../metrics/server-metrics.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { respondWithGraph } from './graph-responder.js';
import { requestLog } from './request-log.js';
import { resolveModel } from './resolve-model.js';

export interface LlmRouteOptions {
  readonly graphs: GraphRegistry;
  readonly metrics: ServerMetrics;
  readonly keepAliveMs: number;
}

/**
 * `POST /completions` and `POST /chat/completions`: one graph run per request, by the graph
 * protocol. A new endpoint served by graphs (Responses, embeddings) is one more `router.post` here.
 */
export function addLlmRoutes(router: Router, options: LlmRouteOptions): void {
  const handler = (endpoint: string) => async (req: Request, res: Response) => {
    const startedAt = performance.now();
    const log = requestLog(res);
    log.endpoint = endpoint;
    const body = req.body as Record<string, unknown>;
    if (typeof body.model === 'string') log.model = body.model;
    const lease = resolveModel(options.graphs, body, log);
    await respondWithGraph(req, res, {
      lease,
      endpoint,
      body,
      keepAliveMs: options.keepAliveMs,
      metrics: options.metrics,
      startedAt,
    });
  };
  router.post('/completions', handler('completions'));
  router.post('/chat/completions', handler('chat/completions'));
}
