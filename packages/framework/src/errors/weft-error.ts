/**
 * Base class of every error Weft raises on purpose: `code` is a stable `WEFT_ERR_...` code from the
 * raising package's table (typed by that package's code union). Each package derives its own
 * classes (`RunError`, `CalculatorError`, `LlmError`, `ServerError`); what a code means to an HTTP
 * client is decided by the server alone.
 */
export class WeftError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** True for any error carrying a `WEFT_ERR_...` code (also across package copies and worker threads). */
export function hasWeftCode(error: unknown): error is Error & { readonly code: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && code.startsWith('WEFT_ERR_');
}

/**
 * The code of the real cause: the innermost error of the `cause` chain that carries a Weft code
 * (a node failure caused by a full engine queue is `WEFT_ERR_ENGINE_QUEUE_FULL`, not
 * `WEFT_ERR_NODE_FAILED`). Undefined when no error of the chain has one.
 */
export function causeCode(error: unknown): string | undefined {
  let found: string | undefined;
  const seen = new Set<unknown>();
  for (let e: unknown = error; e !== undefined && e !== null && !seen.has(e); e = (e as Error).cause) {
    seen.add(e);
    if (hasWeftCode(e)) found = e.code;
  }
  return found;
}
