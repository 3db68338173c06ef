import { closest } from '@weft/framework';
import { builtinMapFunctions } from './builtin-map-functions.js';
import { CalculatorError } from './errors.js';
import type { MapCallInfo, MapFunction } from './map-function-types.js';

export type { MapCallInfo, MapFunction };

/**
 * Functions MapCalculator can apply, by name. Graph YAML names a function instead of embedding
 * code, so graphs stay data and every function is reviewed, typed and tested in a module.
 */
export class MapFunctionRegistry {
  readonly #byName = new Map<string, MapFunction>();

  register(name: string, fn: MapFunction): this {
    if (!/^[a-z][a-z0-9_.-]*$/.test(name)) {
      throw new TypeError(
        `map function name "${name}" must be lower_snake (letters, digits, _ . -), e.g. "to_upper"`,
      );
    }
    const existing = this.#byName.get(name);
    if (existing !== undefined && existing !== fn) {
      throw new CalculatorError(
        'WEFT_ERR_DUPLICATE_MAP_FUNCTION',
        `map function "${name}" is already registered; names are global per registry, so choose another (e.g. "my_${name}")`,
      );
    }
    this.#byName.set(name, fn);
    return this;
  }

  get(name: string): MapFunction | undefined {
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  /** The registered name closest to `name` (the framework's did-you-mean), if any is close enough. */
  closest(name: string): string | undefined {
    return closest(name, this.#byName.keys());
  }
}

/** The registry MapCalculator looks functions up in; starts with the built-in functions. */
export const mapFunctions = new MapFunctionRegistry();
for (const [name, fn] of Object.entries(builtinMapFunctions)) mapFunctions.register(name, fn);

/** Registers `fn` as `name` for MapCalculator (`options: { function: name }`). */
export function registerMapFunction(name: string, fn: MapFunction): void {
  mapFunctions.register(name, fn);
}
