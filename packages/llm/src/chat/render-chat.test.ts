import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHATML_TEMPLATE } from '../builder/tokenizer-files.js';
import { ChatTemplateError } from '../errors/llm-errors.js';
import { renderChat } from './render-chat.js';

const phi3Config = fileURLToPath(
  new URL('../../../../../shared/fixtures/tokenizers/phi3/tokenizer_config.json', import.meta.url),
);
const fixturesPresent = (() => {
  try {
    readFileSync(phi3Config);
    return true;
  } catch {
    return false;
  }
})();

const conversation = [
  { role: 'system', content: 'You are terse.' },
  {
    role: 'user',
    content: [
      { type: 'text' as const, text: 'Hi' },
      { type: 'text' as const, text: 'there' },
    ],
  },
  { role: 'assistant', content: 'Hello.' },
  { role: 'user', content: 'Count to 3 🧵' },
];

describe('renderChat', () => {
  it.skipIf(!fixturesPresent)(
    'renders the Phi-3 template exactly (skipped when ../shared/fixtures is absent)',
    () => {
      const template = JSON.parse(readFileSync(phi3Config, 'utf8')).chat_template as string;
      expect(renderChat(template, conversation, { bosToken: '<s>', eosToken: '<|endoftext|>' })).toBe(
        '<|system|>\nYou are terse.<|end|>\n<|user|>\nHi\nthere<|end|>\n<|assistant|>\nHello.<|end|>\n<|user|>\nCount to 3 🧵<|end|>\n<|assistant|>\n',
      );
      expect(renderChat(template, conversation.slice(0, 3), { addGenerationPrompt: true })).toBe(
        '<|system|>\nYou are terse.<|end|>\n<|user|>\nHi\nthere<|end|>\n<|assistant|>\nHello.<|end|>\n',
      );
    },
  );

  it('renders the built models ChatML template with tools, tool calls and tool results (hermes style)', () => {
    const messages = [
      { role: 'user', content: 'Weather?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: { city: 'Oslo' } } },
        ],
      },
      { role: 'tool', content: '{"temp": 21}', tool_call_id: 'c1' },
    ];
    expect(renderChat(CHATML_TEMPLATE, messages)).toBe(
      '<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "Oslo"}}\n</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n{"temp": 21}\n</tool_response><|im_end|>\n<|im_start|>assistant\n',
    );
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    expect(
      renderChat(CHATML_TEMPLATE, [{ role: 'system', content: 'Be brief.' }, messages[0]!], { tools }),
    ).toBe(
      '<|im_start|>system\nBe brief.\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>\n{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call><|im_end|>\n<|im_start|>user\nWeather?<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(renderChat(CHATML_TEMPLATE, messages.slice(0, 1), { addGenerationPrompt: false })).toBe(
      '<|im_start|>user\nWeather?<|im_end|>\n',
    );
  });

  it('passes bos/eos, tools and extra variables to the template', () => {
    const template =
      "{{ bos_token }}{% if tools %}{{ tools | length }} tools;{% endif %}{{ flavour }}:{{ messages[0]['content'] }}{{ eos_token }}";
    expect(
      renderChat(template, [{ role: 'user', content: 'x' }], {
        bosToken: '<s>',
        eosToken: '</s>',
        tools: [{ type: 'function' }, { type: 'function' }],
        extra: { flavour: 'mint' },
      }),
    ).toBe('<s>2 tools;mint:x</s>');
  });

  it('reports templates that are missing, do not parse, or raise', () => {
    expect(() => renderChat(undefined, [])).toThrow(ChatTemplateError);
    expect(() => renderChat('', [])).toThrow(/has no chat template/);
    expect(() => renderChat('{% for m in messages %}', [])).toThrow(/^the chat template does not parse: /);
    const strict =
      "{% for m in messages %}{% if m['role'] not in ['user', 'assistant'] %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}";
    try {
      renderChat(strict, [{ role: 'system', content: 'x' }]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ChatTemplateError);
      expect((err as ChatTemplateError).code).toBe('WEFT_ERR_CHAT_TEMPLATE');
      expect((err as Error).message).toBe(
        'the chat template failed for these messages: Only user and assistant roles are supported!',
      );
    }
    expect(() =>
      renderChat(CHATML_TEMPLATE, [{ role: 'user', content: [{ type: 'image_url', text: 'x' } as never] }]),
    ).toThrow('messages[0].content[0] has type "image_url"; only "text" parts are supported');
  });
});
