import express, { type Express, Router } from 'express';
import type { Logger } from 'pino';
import { serverErrors } from '../errors/server-error.js';
import { ServerMetrics } from '../metrics/server-metrics.js';
import type { GraphRegistry } from '../registry/graph-registry.js';
import { addConfigRoute, addHealthRoutes } from '../routes/health-routes.js';
import { addLlmRoutes } from '../routes/llm-routes.js';
import { addModelRoutes } from '../routes/model-routes.js';
import { requestLog } from '../routes/request-log.js';
import { addStoredResponsesRoute } from '../routes/stored-responses-route.js';
import { addTokenizeRoute } from '../routes/tokenize-route.js';
import { createLogger } from '../serve/create-logger.js';
import { accessLog } from './access-log.js';
import { apiKeyAuth } from './api-key-auth.js';
import { errorHandler } from './error-handler.js';
import { bodyParserErrors, jsonBody } from './json-body.js';
import { resolveLimits, type ServerLimits } from './server-limits.js';

export interface AppOptions {
  /** The served graphs (already started). */
  readonly registry: GraphRegistry;
  /** When set, every /v1 and /v3 route needs `Authorization: Bearer <apiKey>`. */
  readonly apiKey?: string;
  /** `/metrics` needs the API key too (it names the served models and shows load); default false. */
  readonly metricsNeedApiKey?: boolean;
  /** Largest accepted JSON body (`bytes` syntax: "1mb", "200kb"); default "1mb". */
  readonly bodyLimit?: string;
  /** Interval of `: keep-alive` SSE comments while a stream waits for its first event; default 5000 ms. */
  readonly keepAliveMs?: number;
  /** JSON log lines go here; default pino at `info` on stderr. */
  readonly logger?: Logger;
  /** Bounds on requests (see server-limits.ts); unset fields take the defaults. */
  readonly limits?: Partial<ServerLimits>;
}

/** Control over a running app, for graceful shutdown and tests. */
export interface AppHandle {
  readonly metrics: ServerMetrics;
  readonly registry: GraphRegistry;
  readonly logger: Logger;
  readonly limits: ServerLimits;
  /** Refuse new API requests with 503 (health/ready turns 503 too); running ones continue. */
  drain(): void;
  readonly draining: boolean;
  /** Requests whose response has not closed yet. */
  inFlight(): number;
}

export type WeftApp = Express & { readonly weft: AppHandle };

/** The OpenAI-compatible REST app: `/v3` and `/v1` APIs, health, config and metrics. */
export function createApp(options: AppOptions): WeftApp {
  const logger = options.logger ?? createLogger();
  const bodyLimit = options.bodyLimit ?? '1mb';
  const keepAliveMs = options.keepAliveMs ?? 5000;
  const graphs = options.registry;
  const limits = resolveLimits(options.limits);
  const metrics = new ServerMetrics(graphs);
  const inFlight = { count: 0 };
  let draining = false;

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(accessLog(logger, metrics, inFlight));
  // No automatic `OPTIONS` answers (express's 200 text/plain "Allow" list): like any method no
  // route takes, it gets the JSON 404.
  app.options('*path', (req, _res, next) => next(serverErrors.routeNotFound(req.method, req.path)));

  const metricsAuth =
    options.metricsNeedApiKey === true && options.apiKey !== undefined && options.apiKey !== ''
      ? [apiKeyAuth(options.apiKey)]
      : [];
  app.get('/metrics', ...metricsAuth, async (_req, res) => {
    requestLog(res).endpoint = 'metrics';
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
  const health = Router();
  addHealthRoutes(health, graphs, () => draining);
  app.use(health);

  const api = Router();
  if (options.apiKey !== undefined && options.apiKey !== '') api.use(apiKeyAuth(options.apiKey));
  api.use((_req, _res, next) => next(draining ? serverErrors.shuttingDown() : undefined));
  // Only the POST endpoints parse bodies, so an unknown route is a 404 whatever its content type.
  api.post(
    ['/completions', '/chat/completions', '/responses', '/embeddings', '/tokenize'],
    ...jsonBody(bodyLimit, limits.maxJsonDepth),
  );
  api.use(bodyParserErrors(bodyLimit));
  addLlmRoutes(api, { graphs, metrics, keepAliveMs, limits });
  addModelRoutes(api, graphs);
  addTokenizeRoute(api, graphs, limits);
  addStoredResponsesRoute(api, graphs);
  addConfigRoute(api, graphs);
  app.use(['/v1', '/v3'], api);

  app.use((req, _res, next) => next(serverErrors.routeNotFound(req.method, req.path)));
  app.use(errorHandler(logger));

  const handle: AppHandle = {
    metrics,
    registry: graphs,
    logger,
    limits,
    drain: () => {
      draining = true;
    },
    get draining() {
      return draining;
    },
    inFlight: () => inFlight.count,
  };
  return Object.assign(app, { weft: handle });
}
