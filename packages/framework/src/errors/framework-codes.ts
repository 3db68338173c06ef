import type { ErrorCodeEntry } from './error-codes.js';
import { runtimeErrorCodes } from './runtime-codes.js';
import { validationErrorCodes } from './validation-codes.js';

/** Every error code of `@weft/framework`: validation first, then the runtime's. */
export const frameworkErrorCodes: readonly ErrorCodeEntry[] = [...validationErrorCodes, ...runtimeErrorCodes];
