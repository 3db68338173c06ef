/** The two generation endpoints the LLM graph serves. */
export type Endpoint = 'completions' | 'chat/completions';

/** Every endpoint a graph request packet may name: generation, Responses and embeddings. */
export type ApiEndpoint = Endpoint | 'responses' | 'embeddings';

interface SamplingFields {
  /** Checked by the server; the graph uses `GraphRequest.model`. */
  model?: unknown;
  max_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  top_k?: number | null;
  min_p?: number | null;
  n?: number | null;
  best_of?: number | null;
  use_beam_search?: boolean | null;
  length_penalty?: number | null;
  stop?: string | string[] | null;
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null } | null;
  seed?: number | null;
  presence_penalty?: number | null;
  frequency_penalty?: number | null;
  repetition_penalty?: number | null;
  logit_bias?: Record<string, number> | null;
  min_tokens?: number | null;
  ignore_eos?: boolean | null;
  include_stop_str_in_output?: boolean | null;
  skip_special_tokens?: boolean | null;
  user?: string | null;
  response_format?: ResponseFormat | null;
}

export interface ResponseFormat {
  type: 'text' | 'json_object' | 'json_schema';
  json_schema?: {
    name: string;
    description?: string;
    schema?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export interface ChatTool {
  type: 'function';
  function: {
    name: string;
    description?: string;
    parameters?: Record<string, unknown>;
    strict?: boolean | null;
  };
}

export type ChatToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

/** A `POST /completions` body that passed schema validation. */
export interface CompletionsBody extends SamplingFields {
  prompt: string | string[] | number[] | number[][];
  logprobs?: number | null;
  echo?: boolean | null;
}

export interface ChatContentPart {
  type: string;
  text?: unknown;
}

export interface ChatRequestMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool';
  content?: string | ChatContentPart[] | null;
  name?: string | null;
  tool_call_id?: string | null;
  tool_calls?: { id?: string; type?: 'function'; function: { name: string; arguments: string } }[] | null;
}

/** A `POST /chat/completions` body that passed schema validation. */
export interface ChatBody extends SamplingFields {
  messages: ChatRequestMessage[];
  max_completion_tokens?: number | null;
  logprobs?: boolean | null;
  top_logprobs?: number | null;
  tools?: ChatTool[] | null;
  tool_choice?: ChatToolChoice | null;
  parallel_tool_calls?: boolean | null;
}
