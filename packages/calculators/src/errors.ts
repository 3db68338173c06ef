import type { ErrorCodeEntry } from '@weft/framework';

/**
 * Run-time error codes of the general calculators. Wiring and options (every rule, including
 * "same number of inputs and outputs" and "the map function exists") are checked by the validator
 * before a run, through each contract's `validatePorts` / `validateOptions`; these cover what only
 * the data can reveal. Same shape as the framework's `ErrorCodeEntry`; docs/errors.md lists each
 * entry and a test keeps the two in step.
 */
const table = {
  MUX_SELECT: {
    title: 'Bad Mux SELECT',
    description:
      'A SELECT value (stream packet or side packet) of a MuxCalculator node is not the integer index of a connected `INPUT:i` stream. Send 0..n-1 for n inputs.',
  },
  NOT_ITERABLE: {
    title: 'BeginLoop input is not iterable',
    description:
      'The ITERABLE packet of a BeginLoopCalculator is not an array (or other iterable). Produce an array upstream.',
  },
  DUPLICATE_MAP_FUNCTION: {
    title: 'Map function registered twice',
    description: 'Two different functions were registered under one map-function name. Choose another name.',
  },
  MAP_FUNCTION_FAILED: {
    title: 'Map function failed',
    description:
      'The function applied by a MapCalculator threw; the cause is attached. Fix the function or its input.',
  },
} as const;

export type CalculatorErrorCode = `WEFT_ERR_${keyof typeof table}`;

/** Every error code of `@weft/calculators`, in the framework's `ErrorCodeEntry` shape. */
export const calculatorsErrorCodes: readonly (ErrorCodeEntry & { readonly code: CalculatorErrorCode })[] =
  Object.entries(table).map(([key, info]) => ({
    code: `WEFT_ERR_${key}` as CalculatorErrorCode,
    ...info,
  }));

/** Raised by a built-in calculator; the runtime adds the node name and calculator. */
export class CalculatorError extends Error {
  override readonly name = 'CalculatorError';
  constructor(
    readonly code: CalculatorErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
