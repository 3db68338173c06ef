import { V } from '../errors/validation-codes.js';
import { WeftError } from '../errors/weft-error.js';
import type { AnyCalculatorDefinition } from './contract.js';

export class DuplicateCalculatorError extends WeftError<typeof V.DUPLICATE_CALCULATOR> {
  constructor(message: string) {
    super(V.DUPLICATE_CALCULATOR, message);
  }
}

/** Name → calculator definition. Refuses a second definition under a name already taken. */
export class CalculatorRegistry {
  readonly #byName = new Map<string, AnyCalculatorDefinition>();

  register(...definitions: AnyCalculatorDefinition[]): this {
    for (const def of definitions) {
      const existing = this.#byName.get(def.name);
      if (existing === def) continue; // registering the same module twice is harmless
      if (existing) {
        throw new DuplicateCalculatorError(
          `calculator "${def.name}" is already registered; choose another name (names are global per registry)`,
        );
      }
      this.#byName.set(def.name, def);
    }
    return this;
  }

  get(name: string): AnyCalculatorDefinition | undefined {
    return this.#byName.get(name);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  names(): string[] {
    return [...this.#byName.keys()].sort();
  }

  definitions(): AnyCalculatorDefinition[] {
    return this.names().map((n) => this.#byName.get(n)!);
  }

  /** A child registry that sees this one's calculators and can add its own (used per graph file). */
  extend(): CalculatorRegistry {
    const child = new CalculatorRegistry();
    for (const def of this.#byName.values()) child.#byName.set(def.name, def);
    return child;
  }
}

/** The process-wide registry the CLI and server use; built-in packages register into it. */
export const defaultRegistry = new CalculatorRegistry();
