import { CalculatorError } from './errors.js';

/**
 * Checks that a node mapping input i to output i has as many untagged outputs as untagged inputs.
 * The contract cannot say "same count", so this runs in `open`. Returns the count.
 */
export function checkSameCount(
  ctx: { readonly nodeName: string; readonly calculatorName: string },
  inputs: number,
  outputs: number,
): number {
  if (inputs !== outputs) {
    throw new CalculatorError(
      'WEFT_ERR_PORT_COUNT_MISMATCH',
      `${ctx.calculatorName} node "${ctx.nodeName}" has ${inputs} untagged input stream(s) but ${outputs} untagged output stream(s); input i is forwarded to output i, so list one output per input`,
    );
  }
  return inputs;
}
