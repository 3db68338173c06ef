export * from './calculator/contract.js';
export * from './calculator/port-type.js';
export * from './calculator/registry.js';
export * from './cli/graph-command.js';
export * from './graph/graph-api.js';
export * from './graph/validated-graph.js';
export * from './packet/packet.js';
export * from './timestamp/timestamp.js';
