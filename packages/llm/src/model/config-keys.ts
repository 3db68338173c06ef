import { ModelConfigError } from '../errors/llm-errors.js';
import type { GenerationDefaults } from './model-info.js';

/**
 * Reads the first present key among aliases (families name the same thing differently:
 * `num_hidden_layers` / `n_layer`, `max_position_embeddings` / `n_positions`...).
 */
export class ConfigReader {
  constructor(
    private readonly file: string,
    private readonly config: Record<string, unknown>,
  ) {}

  int(aliases: readonly string[]): number | undefined {
    for (const key of aliases) {
      const value = this.config[key];
      if (value === undefined || value === null) continue;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
        throw new ModelConfigError(
          `${this.file}: "${key}" must be a non-negative integer, found ${JSON.stringify(value)}`,
          this.file,
        );
      }
      return value;
    }
    return undefined;
  }

  requireInt(aliases: readonly string[], what: string): number {
    const value = this.int(aliases);
    if (value === undefined) {
      throw new ModelConfigError(
        `${this.file} does not say the ${what}: expected one of ${aliases.map((a) => `"${a}"`).join(', ')}`,
        this.file,
      );
    }
    return value;
  }

  number(aliases: readonly string[]): number | undefined {
    for (const key of aliases) {
      const value = this.config[key];
      if (typeof value === 'number' && Number.isFinite(value)) return value;
    }
    return undefined;
  }

  boolean(key: string): boolean | undefined {
    const value = this.config[key];
    return typeof value === 'boolean' ? value : undefined;
  }

  string(key: string): string | undefined {
    const value = this.config[key];
    return typeof value === 'string' ? value : undefined;
  }

  /** A token id given as an integer or a list of integers (eos in many configs). */
  ids(key: string): number[] | undefined {
    const value = this.config[key];
    if (value === undefined || value === null) return undefined;
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0)) {
      throw new ModelConfigError(
        `${this.file}: "${key}" must be a token id or a list of token ids, found ${JSON.stringify(value)}`,
        this.file,
      );
    }
    return list as number[];
  }
}

/**
 * Sampling defaults under their transformers names (generation_config.json, or genai_config's
 * `search` section, which uses the same names).
 */
export function readGenerationDefaults(g: ConfigReader): GenerationDefaults {
  const out: GenerationDefaults = {};
  const set = <K extends keyof GenerationDefaults>(
    key: K,
    value: GenerationDefaults[K] | undefined,
  ): void => {
    if (value !== undefined) out[key] = value;
  };
  set('maxLength', g.int(['max_length']));
  set('maxNewTokens', g.int(['max_new_tokens']));
  set('doSample', g.boolean('do_sample'));
  set('temperature', g.number(['temperature']));
  set('topK', g.int(['top_k']));
  set('topP', g.number(['top_p']));
  set('minP', g.number(['min_p']));
  set('repetitionPenalty', g.number(['repetition_penalty']));
  return out;
}
