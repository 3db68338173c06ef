/**
 * One entry of a package's error-code table. Every package defines its table once with
 * `defineErrorCodes` (`frameworkErrorCodes`, `calculatorsErrorCodes`, `llmErrorCodes`,
 * `serverErrorCodes`); docs/errors.md lists each entry and a test keeps the two in sync.
 * HTTP statuses are not part of a table: the server maps codes to HTTP at its edge.
 */
export interface ErrorCodeEntry<Code extends string = string> {
  /** Stable identifier, `WEFT_ERR_` + UPPER_SNAKE. Never renamed once released. */
  readonly code: Code;
  /** A few words, used as the heading in docs/errors.md. */
  readonly title: string;
  /** When it happens and how to fix it. */
  readonly description: string;
}

export type ErrorCodeTable = readonly ErrorCodeEntry[];

/** What a table says about one code: its key is the code without `WEFT_ERR_`. */
export interface ErrorInfo {
  readonly title: string;
  readonly description: string;
}

/** A package's defined error codes: `codes.KEY === 'WEFT_ERR_KEY'` and the documented entries. */
export interface DefinedErrorCodes<Key extends string> {
  readonly codes: { readonly [K in Key]: `WEFT_ERR_${K}` };
  readonly entries: readonly ErrorCodeEntry<`WEFT_ERR_${Key}`>[];
}

const CODE = /^WEFT_ERR_[A-Z][A-Z0-9_]*$/;

/**
 * The one way to define a package's error codes (Fastify's shape): a table keyed by the code
 * without its `WEFT_ERR_` prefix. Gives the typed code constants and the entries docs/errors.md
 * lists; the code union is `` `WEFT_ERR_${keyof typeof table}` ``.
 */
export function defineErrorCodes<const Table extends Record<string, ErrorInfo>>(
  table: Table,
): DefinedErrorCodes<keyof Table & string> {
  type Key = keyof Table & string;
  const entries = Object.entries(table).map(([key, info]) => ({
    code: `WEFT_ERR_${key}` as `WEFT_ERR_${Key}`,
    title: info.title,
    description: info.description,
  }));
  checkErrorCodeTable(entries);
  const codes = Object.fromEntries(entries.map((e) => [e.code.slice('WEFT_ERR_'.length), e.code]));
  return { codes: codes as DefinedErrorCodes<Key>['codes'], entries };
}

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
