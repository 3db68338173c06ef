export { registerAllBuiltins } from './bootstrap.js';
export { main } from './cli/main.js';
