import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelDirError } from '../errors/llm-errors.js';
import { readJsonObject } from './read-json.js';

export interface TokenizerAssets {
  tokenizerFile: string;
  tokenizerConfig: Record<string, unknown>;
  chatTemplate?: string;
  chatTemplateSource?: 'chat_template.jinja' | 'tokenizer_config.json';
}

/**
 * Finds the tokenizer files of a model directory and its chat template ({@link readChatTemplate}).
 */
export function readTokenizerAssets(dir: string): TokenizerAssets {
  const tokenizerFile = join(dir, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) {
    throw new ModelDirError(
      `${dir} has no tokenizer.json; Weft needs the fast-tokenizer file (export it with the model, e.g. \`optimum-cli export onnx\` or \`tokenizer.save_pretrained()\`)`,
      tokenizerFile,
    );
  }
  const tokenizerConfig = readJsonObject(join(dir, 'tokenizer_config.json'), true) ?? {};
  return { tokenizerFile, tokenizerConfig, ...readChatTemplate(dir, tokenizerConfig) };
}

/**
 * The chat template of a tokenizer directory: `chat_template.jinja` wins over tokenizer_config's
 * `chat_template` (that is how transformers resolves it); `{}` when there is none.
 */
export function readChatTemplate(
  dir: string,
  tokenizerConfig: Record<string, unknown>,
): Pick<TokenizerAssets, 'chatTemplate' | 'chatTemplateSource'> {
  const jinja = join(dir, 'chat_template.jinja');
  if (existsSync(jinja)) {
    return { chatTemplate: readFileSync(jinja, 'utf8'), chatTemplateSource: 'chat_template.jinja' };
  }
  const chatTemplate = chatTemplateFromConfig(tokenizerConfig);
  return chatTemplate === undefined ? {} : { chatTemplate, chatTemplateSource: 'tokenizer_config.json' };
}

/** tokenizer_config's `chat_template`: a string, or the `default` entry of a list of named templates. */
function chatTemplateFromConfig(config: Record<string, unknown>): string | undefined {
  const raw = config.chat_template;
  if (typeof raw === 'string') return raw;
  if (Array.isArray(raw)) {
    const named = raw.find((t) => (t as { name?: unknown })?.name === 'default') as
      | { template?: unknown }
      | undefined;
    if (typeof named?.template === 'string') return named.template;
  }
  return undefined;
}
