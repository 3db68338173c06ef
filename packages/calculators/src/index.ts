import type { AnyCalculatorDefinition, CalculatorRegistry } from '@weft/framework';

/** Every general-purpose calculator of this package. */
export const builtinCalculators: readonly AnyCalculatorDefinition[] = [];

export function registerBuiltinCalculators(registry: CalculatorRegistry): void {
  registry.register(...builtinCalculators);
}
