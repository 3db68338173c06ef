export * from './embedding-model-calculator.js';
export * from './embedding-packets.js';
export * from './embeddings-request-calculator.js';
export * from './embeddings-response-calculator.js';
export * from './embeddings-tokenizer-calculator.js';
