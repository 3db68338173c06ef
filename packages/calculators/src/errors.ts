import { defineErrorCodes, WeftError } from '@weft/framework';

/**
 * Run-time error codes of the general calculators. Wiring and options (every rule, including
 * "same number of inputs and outputs" and "the map function exists") are checked by the validator
 * before a run, through each contract's `validatePorts` / `validateOptions`; these cover what only
 * the data can reveal. docs/errors.md lists each entry and a test keeps the two in step.
 */
const defined = defineErrorCodes({
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
  TENSOR_SHAPE: {
    title: 'Tensor of the wrong dtype or shape',
    description:
      'A tensor calculator (PoolingCalculator, L2NormalizeCalculator, MatryoshkaTruncateCalculator) got a tensor whose dtype or dims it cannot work on, or a size outside the tensor. The message gives the expected and the actual dtype and dims.',
  },
  TENSOR_OPTIONS: {
    title: 'Tensor calculator configured twice or not at all',
    description:
      'A PoolingCalculator node sets both the `mode` option and a MODE side packet, neither, or a mode that is not mean, cls or last_token. Keep exactly one valid source.',
  },
});

export type CalculatorErrorCode = (typeof defined.entries)[number]['code'];

/** Every error code of `@weft/calculators`. */
export const calculatorsErrorCodes = defined.entries;

/** Raised by a built-in calculator; the runtime adds the node name and calculator. */
export class CalculatorError extends WeftError<CalculatorErrorCode> {}
