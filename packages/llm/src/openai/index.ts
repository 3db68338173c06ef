export * from './body-validator.js';
export * from './chat-messages.js';
export * from './logprobs-format.js';
export * from './request-params.js';
export * from './request-types.js';
export * from './response-builders.js';
export * from './response-types.js';
