import type { MapFunction } from './map-function-types.js';

const numberArg = (fn: string, args: unknown): number => {
  if (typeof args !== 'number') {
    throw new TypeError(
      `map function "${fn}" needs a number in \`args\`, got ${JSON.stringify(args)}; e.g. args: 2`,
    );
  }
  return args;
};

/** Small general functions every MapCalculator can use without registering anything. */
export const builtinMapFunctions: Readonly<Record<string, MapFunction>> = {
  identity: (v) => v,
  to_string: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  parse_json: (v: string) => JSON.parse(v),
  to_upper: (v: string) => String(v).toUpperCase(),
  to_lower: (v: string) => String(v).toLowerCase(),
  trim: (v: string) => String(v).trim(),
  length: (v: { length: number }) => v.length,
  add: (v: number, { args }) => v + numberArg('add', args),
  multiply: (v: number, { args }) => v * numberArg('multiply', args),
  /** `args` is a dotted path (`choices.0.text`); a missing field gives no packet. */
  get: (v, { args }) => {
    if (typeof args !== 'string') {
      throw new TypeError(
        `map function "get" needs a dotted path in \`args\`, got ${JSON.stringify(args)}; e.g. args: choices.0.text`,
      );
    }
    let current: any = v;
    for (const key of args.split('.')) {
      if (current === null || typeof current !== 'object') return undefined;
      current = current[key];
    }
    return current;
  },
};
