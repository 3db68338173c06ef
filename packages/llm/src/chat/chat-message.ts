/** One OpenAI-style text content part. */
export interface ChatTextPart {
  type: 'text';
  text: string;
}

/**
 * A chat message as the OpenAI API carries it. Content may be a string, a list of text parts
 * (flattened before rendering), or null (an assistant turn that only calls tools).
 */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | (string & {});
  content?: string | readonly ChatTextPart[] | null;
  name?: string;
  tool_calls?: readonly unknown[];
  tool_call_id?: string;
}

/** The separator between text parts of one message (as vLLM flattens them). */
export const TEXT_PART_SEPARATOR = '\n';
