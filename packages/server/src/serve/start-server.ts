import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type WeftApp } from '../app/create-app.js';
import { resolveLimits, type ServerLimits } from '../app/server-limits.js';
import { type GraphLoader, GraphRegistry } from '../registry/graph-registry.js';

export interface ServerOptions {
  readonly loader: GraphLoader;
  readonly graphsDir?: string;
  readonly graphs?: readonly { readonly name: string; readonly path: string }[];
  readonly host?: string;
  readonly port?: number;
  readonly apiKey?: string;
  readonly metricsNeedApiKey?: boolean;
  readonly bodyLimit?: string;
  readonly keepAliveMs?: number;
  readonly watch?: boolean;
  readonly logger: Logger;
  /** Connection and request bounds (server-limits.ts); unset fields take the defaults. */
  readonly limits?: Partial<ServerLimits>;
}

export interface RunningServer {
  readonly app: WeftApp;
  readonly registry: GraphRegistry;
  readonly server: Server;
  readonly host: string;
  readonly port: number;
  readonly url: string;
  /**
   * Stops accepting, lets running requests finish for up to `graceMs`, then closes the remaining
   * connections and disposes every graph.
   */
  close(graceMs?: number): Promise<void>;
}

/** How long disposing the graphs may take after the grace period, before shutdown goes on without them. */
const DISPOSE_WAIT_MS = 5000;

/** Loads the graphs, then listens; resolves once the port is bound. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const registry = new GraphRegistry({
    loader: options.loader,
    ...(options.graphsDir !== undefined && { graphsDir: options.graphsDir }),
    ...(options.graphs !== undefined && { graphs: options.graphs }),
    ...(options.watch !== undefined && { watch: options.watch }),
    logger: options.logger,
  });
  await registry.start();
  const limits = resolveLimits(options.limits);
  const app = createApp({
    registry,
    logger: options.logger,
    limits,
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    ...(options.metricsNeedApiKey !== undefined && { metricsNeedApiKey: options.metricsNeedApiKey }),
    ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }),
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
  });
  const host = options.host ?? '127.0.0.1';
  // Every timeout explicit (Node's defaults hold a slow body for 5 minutes and cap nothing).
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.bodyTimeoutMs,
      keepAliveTimeout: limits.idleTimeoutMs,
      // How often the two timeouts above are checked (Node's default is every 30 s).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    app,
  );
  server.maxConnections = limits.maxConnections;
  // No socket inactivity timeout: a long non-streaming generation is quiet on the wire; the
  // request deadline and the write timeout bound it instead.
  server.timeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8000, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const close = async (graceMs = 10_000) => {
    app.weft.drain();
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = Date.now() + graceMs;
    while (app.weft.inFlight() > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      server.closeIdleConnections();
    }
    server.closeAllConnections();
    await stopped;
    // Disposing cancels what still runs; a calculator that ignores cancellation must not keep the
    // process alive past the grace period, so the wait for it is bounded too.
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      registry.close().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), DISPOSE_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
    if (!closed) {
      options.logger.warn(
        { waitedMs: DISPOSE_WAIT_MS },
        'graphs did not close after the grace period (a calculator ignores cancellation); stopping anyway',
      );
    }
  };
  return {
    app,
    registry,
    server,
    host,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: (graceMs) => {
      closing ??= close(graceMs);
      return closing;
    },
  };
}
