import { defineCalculator, describeCalculator, t } from '@weft/framework';
import { CalculatorError } from './errors.js';
import { type MapFunction, mapFunctions } from './map-functions.js';

/**
 * Applies a named function to every packet value and emits the result at the same timestamp.
 * The function comes from the map-function registry (`registerMapFunction(name, fn)` in a module
 * the graph loads with `calculators:`), never from code in YAML. A function may be async; one that
 * returns `undefined` emits nothing at that timestamp (a filter; the bound still advances).
 * `args` is passed to the function as is. Built-in functions: identity, to_string, parse_json,
 * to_upper, to_lower, trim, length, add (args: number), multiply (args: number), get (args: a
 * dotted path such as `choices.0.text`).
 *
 * Example config:
 * ```yaml
 * - calculator: MapCalculator
 *   input_stream: [prices]
 *   output_stream: [prices_with_tax]
 *   options:
 *     function: multiply
 *     args: 1.2
 * ```
 */
export const MapCalculator = defineCalculator({
  name: 'MapCalculator',
  description: describeCalculator(
    'Applies a function registered by name (`registerMapFunction`) to each packet value; `undefined` results emit nothing.',
    `
- calculator: MapCalculator
  input_stream: [prices]
  output_stream: [prices_with_tax]
  options:
    function: multiply
    args: 1.2
`,
  ),
  inputs: {
    '': { type: t.any(), description: 'Values to transform.' },
  },
  outputs: {
    '': { type: t.any(), description: 'The function results, at the input timestamps.' },
  },
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['function'],
    properties: {
      function: {
        type: 'string',
        minLength: 1,
        description: 'Name of a registered map function (built-in: identity, to_upper, add, get, ...).',
      },
      args: {
        description: 'Any JSON value passed to the function as `info.args` (e.g. the number for add).',
      },
    },
  },
  timestampOffset: 0,
  validateOptions: ({ function: name }) => {
    if (mapFunctions.has(name)) return [];
    const close = mapFunctions.closest(name);
    return [
      {
        path: ['function'],
        message: `function "${name}" is not registered${close ? ` (did you mean "${close}"?)` : ''}; register it with registerMapFunction("${name}", fn) in a module listed under \`calculators:\`. Registered: ${mapFunctions.names().join(', ')}`,
      },
    ];
  },
  create() {
    let fn: MapFunction = (v) => v;
    return {
      open(ctx) {
        // Validation checked that the function is registered, and functions are never unregistered.
        fn = mapFunctions.get(ctx.options.function)!;
      },
      process(ctx) {
        const packet = ctx.input('');
        if (packet === undefined) return;
        const failed = (cause: unknown) =>
          new CalculatorError(
            'WEFT_ERR_MAP_FUNCTION_FAILED',
            `map function "${ctx.options.function}" of MapCalculator node "${ctx.nodeName}" threw at timestamp ${packet.timestamp}: ${cause instanceof Error ? cause.message : String(cause)}`,
            { cause },
          );
        const emit = (result: unknown) => {
          if (result !== undefined) ctx.output('').add(result, packet.timestamp);
        };
        let result: unknown;
        try {
          result = fn(packet.value, {
            timestamp: packet.timestamp,
            args: ctx.options.args,
            nodeName: ctx.nodeName,
            signal: ctx.signal,
          });
        } catch (cause) {
          throw failed(cause);
        }
        // Await only what is a promise: most functions are synchronous, and a sync process call is
        // much cheaper for the scheduler than a promise per packet.
        if (result instanceof Promise) {
          return result.then(emit, (cause: unknown) => {
            throw failed(cause);
          });
        }
        emit(result);
      },
    };
  },
});
