import { createRequire } from 'node:module';
import { basename, dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

export { createOpenAI } from '../../../packages/server/node_modules/@ai-sdk/openai/dist/index.mjs';
export { createOpenAICompatible } from '../../../packages/server/node_modules/@ai-sdk/openai-compatible/dist/index.mjs';
export { tool as langchainTool } from '../../../packages/server/node_modules/@langchain/core/dist/tools/index.js';
export {
  ChatOpenAI,
  OpenAIEmbeddings,
} from '../../../packages/server/node_modules/@langchain/openai/dist/index.js';
// The client libraries are dev dependencies of @weft/server (transformers.js of @weft/llm), not of
// the repository root, so tests outside the packages reach them through the packages' node_modules.
export * as ai from '../../../packages/server/node_modules/ai/dist/index.mjs';
export {
  zodResponseFormat,
  zodTextFormat,
} from '../../../packages/server/node_modules/openai/helpers/zod.mjs';
export { z } from '../../../packages/server/node_modules/zod/index.js';

const fromLlm = createRequire(new URL('../../../packages/llm/package.json', import.meta.url));

type Extractor = (
  texts: string | string[],
  options: { pooling: string; normalize: boolean },
) => Promise<{ dims: number[]; tolist(): number[][] }>;

/** transformers.js `pipeline('feature-extraction')` on a local model directory, offline. */
export async function featureExtraction(dir: string): Promise<Extractor> {
  const tf = (await import(pathToFileURL(fromLlm.resolve('@huggingface/transformers')).href)) as {
    env: { allowRemoteModels: boolean; localModelPath: string };
    pipeline(task: string, model: string, options: object): Promise<Extractor>;
  };
  tf.env.allowRemoteModels = false;
  tf.env.localModelPath = `${dirname(dir)}/`;
  return tf.pipeline('feature-extraction', basename(dir), { dtype: 'fp32' });
}
