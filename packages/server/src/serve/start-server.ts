import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type WeftApp } from '../app/create-app.js';
import { type GraphLoader, GraphRegistry } from '../registry/graph-registry.js';

export interface ServerOptions {
  readonly loader: GraphLoader;
  readonly graphsDir?: string;
  readonly graphs?: readonly { readonly name: string; readonly path: string }[];
  readonly host?: string;
  readonly port?: number;
  readonly apiKey?: string;
  readonly bodyLimit?: string;
  readonly keepAliveMs?: number;
  readonly watch?: boolean;
  readonly logger: Logger;
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
  const app = createApp({
    registry,
    logger: options.logger,
    ...(options.apiKey !== undefined && { apiKey: options.apiKey }),
    ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }),
    ...(options.keepAliveMs !== undefined && { keepAliveMs: options.keepAliveMs }),
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(options.port ?? 8000, host, (error?: Error) => (error ? reject(error) : resolve(s)));
    s.once('error', reject);
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
    await registry.close();
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
