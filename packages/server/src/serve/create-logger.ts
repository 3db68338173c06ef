import pino, { type Logger } from 'pino';

export interface LoggerOptions {
  /** pino level; default `info`. */
  readonly level?: string;
  /** Receives each JSON line (with its newline); default stderr. */
  readonly write?: (line: string) => void;
}

/** The server's JSON-lines logger (pino), writing to stderr unless told otherwise. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  return pino({ level: options.level ?? 'info', base: { service: 'weft' } }, { write });
}
