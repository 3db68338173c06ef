/**
 * Fields OpenAI defines that this server does not implement. They are rejected by name with a
 * reason, never silently ignored, so a client learns at once that the feature is missing.
 */
const COMMON: Record<string, string> = {
  suffix: 'insertion (suffix) is not supported by Weft',
  service_tier: 'service tiers do not exist on this server',
  store: 'stored completions are not supported by Weft',
  metadata: 'stored completions are not supported by Weft',
  prompt_cache_key: 'prompt caching hints are not supported by Weft',
  safety_identifier: 'safety identifiers are not supported by Weft',
};

export const UNSUPPORTED_COMPLETIONS_FIELDS: Readonly<Record<string, string>> = { ...COMMON };

export const UNSUPPORTED_CHAT_FIELDS: Readonly<Record<string, string>> = {
  ...COMMON,
  functions: 'the deprecated functions API is not supported by Weft; use tools',
  function_call: 'the deprecated functions API is not supported by Weft; use tool_choice',
  audio: 'audio output is not supported by Weft',
  modalities: 'only text output is implemented',
  prediction: 'predicted outputs are not supported by Weft',
  reasoning_effort: 'reasoning models are not served here',
  verbosity: 'verbosity control is not supported by Weft',
  web_search_options: 'web search is not supported by Weft',
  echo: 'echo is only defined for /completions',
  suffix: 'suffix is only defined for /completions',
};

/** Responses API fields Weft does not implement (see docs/rest-api.md, Responses). */
export const UNSUPPORTED_RESPONSES_FIELDS: Readonly<Record<string, string>> = {
  service_tier: COMMON.service_tier!,
  prompt_cache_key: COMMON.prompt_cache_key!,
  prompt_cache_retention: 'prompt caching hints are not supported by Weft',
  safety_identifier: COMMON.safety_identifier!,
  background: 'background responses need a response store, and Weft keeps none',
  conversation: 'conversations need a response store, and Weft keeps none',
  prompt: 'stored prompt templates are not supported by Weft',
  reasoning: 'reasoning models are not served here',
  top_logprobs: 'logprobs on /responses are not supported by Weft; use /chat/completions',
  max_tool_calls: 'built-in tools are not available on this server',
  stream_options: 'stream options on /responses are not supported by Weft',
};
