/**
 * One entry of a package's error-code table. Every package exports such a table
 * (`frameworkErrorCodes`, `llmErrorCodes`, `serverErrorCodes`); docs/errors.md lists each entry and a
 * test keeps the two in sync.
 */
export interface ErrorCodeEntry {
  /** Stable identifier, `WEFT_ERR_` + UPPER_SNAKE. Never renamed once released. */
  readonly code: string;
  /** HTTP status when the error reaches a client through the server. */
  readonly status?: number;
  /** A few words, used as the heading in docs/errors.md. */
  readonly title: string;
  /** When it happens and how to fix it. */
  readonly description: string;
}

export type ErrorCodeTable = readonly ErrorCodeEntry[];

const CODE = /^WEFT_ERR_[A-Z][A-Z0-9_]*$/;

/** Throws when a table has a malformed or repeated code (called by tests and doc generators). */
export function checkErrorCodeTable(table: ErrorCodeTable): void {
  const seen = new Set<string>();
  for (const entry of table) {
    if (!CODE.test(entry.code)) {
      throw new Error(`error code "${entry.code}" does not match ${CODE} (example: "WEFT_ERR_UNKNOWN_PORT")`);
    }
    if (seen.has(entry.code))
      throw new Error(`error code "${entry.code}" appears twice; codes must be unique`);
    seen.add(entry.code);
  }
}
