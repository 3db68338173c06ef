export { type AppHandle, type AppOptions, createApp, type WeftApp } from './app/create-app.js';
export { registerAllBuiltins } from './bootstrap.js';
export { main } from './cli/main.js';
export { type ServeControl, serveCommand } from './cli/serve-command.js';
export {
  type ErrorReport,
  type HttpErrorAnswer,
  type HttpShape,
  httpErrorAnswer,
  httpShapeOf,
  httpShapes,
  type OpenAiErrorBody,
  type OpenAiErrorObject,
  type WeftErrorCode,
} from './errors/http-shapes.js';
export { ServerError, serverErrors } from './errors/server-error.js';
export { S, type ServerErrorCode, serverErrorCodes } from './errors/server-error-codes.js';
export { type EngineMetricsSnapshot, readEngineMetrics } from './metrics/engine-metrics.js';
export {
  type GraphLoader,
  GraphNotServableError,
  GraphRegistry,
  type GraphRegistryOptions,
  type GraphState,
  type GraphStatus,
} from './registry/graph-registry.js';
export type { GraphLease } from './registry/loaded-graph.js';
export { loadServerConfig, type ServerConfig, ServerConfigError } from './registry/server-config.js';
export { createLogger, type LoggerOptions } from './serve/create-logger.js';
export { defaultLoader } from './serve/default-loader.js';
export { type RunningServer, type ServerOptions, startServer } from './serve/start-server.js';
