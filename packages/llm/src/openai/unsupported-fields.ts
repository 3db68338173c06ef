/**
 * Fields OpenAI defines that this server does not implement. They are rejected by name with a
 * reason, never silently ignored, so a client learns at once that the feature is missing.
 */
const COMMON: Record<string, string> = {
  suffix: 'insertion (suffix) is not implemented',
  service_tier: 'service tiers do not exist on this server',
  store: 'stored completions are not implemented',
  metadata: 'stored completions are not implemented',
  prompt_cache_key: 'prompt caching hints are not implemented',
  safety_identifier: 'safety identifiers are not implemented',
};

export const UNSUPPORTED_COMPLETIONS_FIELDS: Readonly<Record<string, string>> = { ...COMMON };

export const UNSUPPORTED_CHAT_FIELDS: Readonly<Record<string, string>> = {
  ...COMMON,
  tools: 'tool calling is not implemented',
  tool_choice: 'tool calling is not implemented',
  parallel_tool_calls: 'tool calling is not implemented',
  functions: 'function calling is not implemented',
  function_call: 'function calling is not implemented',
  response_format: 'structured output (response_format) is not implemented',
  audio: 'audio output is not implemented',
  modalities: 'only text output is implemented',
  prediction: 'predicted outputs are not implemented',
  reasoning_effort: 'reasoning models are not served here',
  verbosity: 'verbosity control is not implemented',
  web_search_options: 'web search is not implemented',
  echo: 'echo is only defined for /completions',
  suffix: 'suffix is only defined for /completions',
};
