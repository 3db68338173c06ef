import type { ToolCallFormat } from './tool-types.js';

/** How one family writes a call, as literal text around the arguments object. */
export interface FormatText {
  /** Text before the arguments of a call to `name`. */
  readonly begin: (name: string) => string;
  /** Text after the arguments. */
  readonly end: string;
  /** Between two calls of one answer. */
  readonly separator: string;
  /** The text that starts a call in free text (`tool_choice: auto`). */
  readonly trigger: string;
  /** Special tokens the format spells (they must stay visible to the parser and the grammar). */
  readonly markers: readonly string[];
}

const quote = (s: string) => JSON.stringify(s);

/**
 * The canonical text of each format: what constrained decoding makes the model write, and what the
 * chat template shows for earlier calls. hermes (Qwen 2.5/3, Hermes, the tiny model):
 * `<tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>`; Llama 3.x JSON:
 * `{"name": "f", "parameters": {...}}` (calls separated by `; `); Mistral (v3 tokenizer):
 * `[TOOL_CALLS][{"name": "f", "arguments": {...}}]`.
 */
export const FORMAT_TEXT: Readonly<Record<ToolCallFormat, FormatText>> = {
  hermes: {
    begin: (name) => `<tool_call>\n{"name": ${quote(name)}, "arguments": `,
    end: '}\n</tool_call>',
    separator: '\n',
    trigger: '<tool_call>',
    markers: ['<tool_call>', '</tool_call>'],
  },
  llama3_json: {
    begin: (name) => `{"name": ${quote(name)}, "parameters": `,
    end: '}',
    separator: '; ',
    trigger: '{"name": ',
    markers: ['<|python_tag|>'],
  },
  mistral: {
    begin: (name) => `{"name": ${quote(name)}, "arguments": `,
    end: '}',
    separator: ', ',
    trigger: '[TOOL_CALLS]',
    markers: ['[TOOL_CALLS]'],
  },
};

/**
 * The format a chat template writes tool calls in, or undefined when it shows no sign of tools.
 * Checked in this order because Llama templates mention neither marker.
 */
export function detectToolFormat(template: string | undefined): ToolCallFormat | undefined {
  if (!template) return undefined;
  if (template.includes('<tool_call>')) return 'hermes';
  if (template.includes('[TOOL_CALLS]')) return 'mistral';
  if (template.includes('<|python_tag|>') || /"parameters"|'parameters'/.test(template)) return 'llama3_json';
  return undefined;
}
