import { defineErrorCodes, WeftError } from '@weft/framework';

/**
 * Run-time error codes of the general calculators. Options and ports are checked by the validator
 * before a run; these cover what only the data, the node's wiring counts or the map-function
 * registry can reveal. docs/errors.md lists each entry and a test keeps the two in step.
 */
const defined = defineErrorCodes({
  PORT_COUNT_MISMATCH: {
    title: 'Input and output counts differ',
    description:
      'A calculator that forwards input i to output i (PassThrough, PacketCloner, Gate, FlowLimiter) has a different number of untagged inputs and outputs. List one output stream per input stream.',
  },
  GATE_CONFLICT: {
    title: 'Gate controlled twice',
    description:
      'A GateCalculator node connects more than one of the ALLOW / DISALLOW streams and side packets. Keep exactly one (or none, to use the `allow` option).',
  },
  MUX_SELECT: {
    title: 'Bad Mux SELECT',
    description:
      'A MuxCalculator node connects neither or both of the SELECT stream and side packet, or a SELECT value is not the integer index of a connected `INPUT:i` stream. Connect exactly one SELECT and send 0..n-1 for n inputs.',
  },
  NOT_ITERABLE: {
    title: 'BeginLoop input is not iterable',
    description:
      'The ITERABLE packet of a BeginLoopCalculator is not an array (or other iterable). Produce an array upstream.',
  },
  SIDE_PACKET_TO_STREAM_PORTS: {
    title: 'SidePacketToStream wiring',
    description:
      'A SidePacketToStreamCalculator node must use exactly one output tag (AT_PRESTREAM, AT_POSTSTREAM, AT_ZERO, AT_TIMESTAMP, AT_TICK, AT_FIRST_TICK) with one output stream per input side packet, a TICK input exactly for AT_TICK / AT_FIRST_TICK, and a TIMESTAMP side packet exactly for AT_TIMESTAMP.',
  },
  UNKNOWN_MAP_FUNCTION: {
    title: 'Unknown map function',
    description:
      'The `function` option of a MapCalculator names no function in the map-function registry. Register it with `registerMapFunction(name, fn)` in a module listed under `calculators:`; the message suggests the closest name.',
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
});

export type CalculatorErrorCode = (typeof defined.entries)[number]['code'];

/** Every error code of `@weft/calculators`. */
export const calculatorsErrorCodes = defined.entries;

/** Raised by a built-in calculator; the runtime adds the node name and calculator. */
export class CalculatorError extends WeftError<CalculatorErrorCode> {}
