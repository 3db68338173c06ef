/**
 * The server's bounds on connections and requests, in one place (OWASP API4: unrestricted
 * resource consumption). Each is a `weft serve --config` key (snake_case of the field) and has a
 * default here; `docs/rest-api.md` lists them.
 */
export interface ServerLimits {
  /** Time to receive a request's headers (Node `headersTimeout`); slower clients get 408 and are dropped. */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, body included (Node `requestTimeout`): a slow body is dropped with 408. */
  readonly bodyTimeoutMs: number;
  /** An idle keep-alive connection (no request in flight) is closed after this long (Node `keepAliveTimeout`). */
  readonly idleTimeoutMs: number;
  /** Open connections at most; more are refused at accept (Node `maxConnections`). */
  readonly maxConnections: number;
  /** How long one response write may wait for the client to read; then the request is cancelled. */
  readonly writeTimeoutMs: number;
  /** Response packets a run may produce ahead of its client; then it pauses (and its engine sequences stop). */
  readonly outputBufferPackets: number;
  /** Longest a graph run may take; then it is cancelled and the client gets 504 (or an error event). */
  readonly requestDeadlineMs: number;
  /** Characters one `/tokenize` request may ask to tokenize (native tokenizer memory grows with them). */
  readonly maxTokenizeChars: number;
  /** Nesting levels of a JSON body at most (deeper is a 400 before anything walks it). */
  readonly maxJsonDepth: number;
}

export const defaultLimits: ServerLimits = {
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 30_000,
  idleTimeoutMs: 5_000,
  maxConnections: 1024,
  writeTimeoutMs: 30_000,
  outputBufferPackets: 16,
  requestDeadlineMs: 600_000,
  maxTokenizeChars: 65_536,
  maxJsonDepth: 64,
};

/** `{headersTimeoutMs: ...}` → `headers_timeout_ms`: the config file's key for each limit. */
export const limitConfigKey = (field: keyof ServerLimits): string =>
  field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export function resolveLimits(given: Partial<ServerLimits> = {}): ServerLimits {
  return { ...defaultLimits, ...given };
}
