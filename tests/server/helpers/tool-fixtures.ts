import { z } from './clients.js';

// The tiny model has random weights: only the grammar makes its output parse. Every field is
// bounded (strings by length, numbers by range) so any path through the grammar closes in time.
// JSON Schema's maxLength counts code points and zod's max() UTF-16 units, so a string bounded
// for zod by max() alone could fail zod with one emoji; a pattern bounds it for both.
export const Weather = z.object({
  city: z.string().regex(/^[A-Za-z ]{0,10}$/),
  temperature: z.number().int().min(-40).max(50),
  unit: z.enum(['celsius', 'fahrenheit']),
});

/** Parameters of the `get_weather` tool. */
export const weatherParameters = {
  type: 'object',
  properties: { city: { type: 'string', maxLength: 8 }, days: { type: 'integer', minimum: 1, maximum: 7 } },
  required: ['city', 'days'],
  additionalProperties: false,
};

/** Parameters of the `get_time` tool. */
export const timeParameters = {
  type: 'object',
  properties: { zone: { enum: ['utc', 'cet'] } },
  required: ['zone'],
  additionalProperties: false,
};

// maxLength as JSON Schema counts it: code points.
const codePoints = (max: number) => z.string().refine((s) => [...s].length <= max);

/** Whether `args` (JSON text) are valid arguments of tool `name`. */
export function argsValid(name: string, args: string): boolean {
  const value = JSON.parse(args);
  if (name === 'get_weather') {
    return z
      .object({ city: codePoints(8), days: z.number().int().min(1).max(7) })
      .strict()
      .safeParse(value).success;
  }
  return (
    name === 'get_time' &&
    z
      .object({ zone: z.enum(['utc', 'cet']) })
      .strict()
      .safeParse(value).success
  );
}
