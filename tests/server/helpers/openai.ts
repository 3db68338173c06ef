// `openai` is a dev dependency of @weft/server, not of the repository root, so tests outside the
// package reach it through the package's node_modules.

export * from '../../../packages/server/node_modules/openai/index.mjs';
export { default as OpenAI } from '../../../packages/server/node_modules/openai/index.mjs';
