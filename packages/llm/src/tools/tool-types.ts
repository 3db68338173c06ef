/** The tool-call text formats of the common model families. */
export type ToolCallFormat = 'hermes' | 'llama3_json' | 'mistral';

export const TOOL_CALL_FORMATS: readonly ToolCallFormat[] = ['hermes', 'llama3_json', 'mistral'];

/** One declared function tool (OpenAI `tools[i].function`). */
export interface ToolDef {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/** OpenAI `tool_choice`, normalized: a named choice is `{ name }`. */
export type ToolChoice = 'none' | 'auto' | 'required' | { readonly name: string };

/** What a request says about tools, as the graph needs it (in `RequestOptions.tools`). */
export interface ToolSetup {
  readonly tools: readonly ToolDef[];
  readonly choice: ToolChoice;
  /** `parallel_tool_calls` (default true): more than one call per answer. */
  readonly parallel: boolean;
  readonly format: ToolCallFormat;
}

/** A piece of a streamed tool call: the first piece of call `index` carries `id` and `name`. */
export interface ToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly name?: string;
  readonly arguments: string;
}
