import { BYTE_TO_CHAR } from '../tokenizer/byte-level-alphabet.js';
import type { LearnedBpe } from './bpe-learner.js';

/** ChatML special tokens, appended after the learned vocabulary in this order. */
const CHATML_SPECIAL_TOKENS = ['<|endoftext|>', '<|im_start|>', '<|im_end|>'] as const;

/**
 * ChatML with tools, as Qwen 2.5 writes it (hermes style): declared tools go into the system turn
 * inside `<tools></tools>`, the assistant calls one with `<tool_call>{"name", "arguments"}</tool_call>`,
 * and a tool's answer comes back in a user turn inside `<tool_response>`. Without tools it renders
 * plain ChatML: `<|im_start|>role\ncontent<|im_end|>\n`.
 */
export const CHATML_TEMPLATE = [
  '{%- if tools %}',
  "{{- '<|im_start|>system\\n' }}",
  "{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] + '\\n\\n' }}{%- endif %}",
  "{{- '# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>' }}",
  "{%- for tool in tools %}{{- '\\n' + (tool | tojson) }}{%- endfor %}",
  '{{- \'\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{"name": <function-name>, "arguments": <args-json-object>}\\n</tool_call><|im_end|>\\n\' }}',
  '{%- endif %}',
  '{%- for message in messages %}',
  "{%- if message['role'] == 'system' and loop.first and tools %}",
  "{%- elif message['role'] == 'assistant' and message['tool_calls'] %}",
  "{{- '<|im_start|>assistant\\n' + message['content'] }}",
  "{%- for call in message['tool_calls'] %}",
  "{{- '\\n<tool_call>\\n{\"name\": \"' + call['function']['name'] + '\", \"arguments\": ' + (call['function']['arguments'] | tojson) + '}\\n</tool_call>' }}",
  '{%- endfor %}',
  "{{- '<|im_end|>\\n' }}",
  "{%- elif message['role'] == 'tool' %}",
  "{{- '<|im_start|>user\\n<tool_response>\\n' + message['content'] + '\\n</tool_response><|im_end|>\\n' }}",
  '{%- else %}',
  "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}",
  '{%- endif %}',
  '{%- endfor %}',
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}",
].join('');

export interface BuiltTokenizer {
  /** The `tokenizer.json` document. */
  tokenizerJson: Record<string, unknown>;
  /** The `tokenizer_config.json` document. */
  tokenizerConfig: Record<string, unknown>;
  vocabSize: number;
  /** Ids of `<|endoftext|>`, `<|im_start|>`, `<|im_end|>`. */
  specialIds: { endOfText: number; imStart: number; imEnd: number };
}

/**
 * A byte-level BPE `tokenizer.json` in the layout the `tokenizers` library writes (GPT-2 / Qwen2
 * style): the 256 byte symbols first (ids = byte values), then one token per merge, then the
 * ChatML specials as added tokens.
 */
export function buildTokenizerFiles(bpe: LearnedBpe, contextLength: number): BuiltTokenizer {
  const vocab: Record<string, number> = {};
  BYTE_TO_CHAR.forEach((c, b) => {
    vocab[c] = b;
  });
  let next = 256;
  for (const [l, r] of bpe.merges) {
    const token = l + r;
    if (vocab[token] === undefined) vocab[token] = next++;
  }
  const addedTokens = CHATML_SPECIAL_TOKENS.map((content, i) => ({
    id: next + i,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const vocabSize = next + CHATML_SPECIAL_TOKENS.length;
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: addedTokens,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: { type: 'ByteLevel', ...byteLevel, trim_offsets: false },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: bpe.merges.map(([l, r]) => `${l} ${r}`),
    },
  };
  const addedTokensDecoder: Record<string, unknown> = {};
  for (const t of addedTokens) {
    const { id, ...rest } = t;
    addedTokensDecoder[String(id)] = rest;
  }
  const tokenizerConfig = {
    add_bos_token: false,
    add_eos_token: false,
    add_prefix_space: false,
    added_tokens_decoder: addedTokensDecoder,
    additional_special_tokens: ['<|im_start|>', '<|im_end|>'],
    bos_token: null,
    chat_template: CHATML_TEMPLATE,
    clean_up_tokenization_spaces: false,
    eos_token: '<|im_end|>',
    errors: 'replace',
    model_max_length: contextLength,
    padding_side: 'left',
    pad_token: '<|endoftext|>',
    split_special_tokens: false,
    tokenizer_class: 'Qwen2Tokenizer',
    unk_token: null,
  };
  return {
    tokenizerJson,
    tokenizerConfig,
    vocabSize,
    specialIds: { endOfText: next, imStart: next + 1, imEnd: next + 2 },
  };
}
