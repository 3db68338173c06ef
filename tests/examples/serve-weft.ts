import type { CliIo } from '@weft/framework';
import { type RunningServer, serveCommand } from '@weft/server';

/** A `weft serve` running in-process, so an example's test can stop it and read what it printed. */
export interface ServedWeft {
  readonly url: string;
  /** What `weft serve` printed on stdout so far (the listening line); stderr (JSON logs) is dropped. */
  stdout(): string;
  /** Stops the server (as Ctrl-C would) and resolves to its exit code. */
  stop(): Promise<number>;
}

/** Runs `weft serve ARGS` from `cwd` (as `npx weft serve ARGS` would) until it listens. */
export async function serveWeft(args: readonly string[], cwd: string): Promise<ServedWeft> {
  const abort = new AbortController();
  let stdout = '';
  const io: CliIo = {
    cwd,
    stdout: (text) => {
      stdout += text;
    },
    stderr: () => {},
  };
  let exited: Promise<number> | undefined;
  const server = await new Promise<RunningServer>((resolve, reject) => {
    exited = serveCommand([...args], io, { signal: abort.signal, onListening: resolve });
    exited.then((code) => reject(new Error(`weft serve exited with ${code} before listening`)), reject);
  });
  return {
    url: server.url,
    stdout: () => stdout,
    stop: () => {
      abort.abort();
      return exited as Promise<number>;
    },
  };
}
