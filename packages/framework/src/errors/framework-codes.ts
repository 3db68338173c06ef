import type { ErrorCodeEntry } from './error-codes.js';
import { type RuntimeErrorCode, runtimeErrorCodes } from './runtime-codes.js';
import { type ValidationErrorCode, validationErrorCodes } from './validation-codes.js';

export type FrameworkErrorCode = ValidationErrorCode | RuntimeErrorCode;

/** Every error code of `@weft/framework`: validation first, then the runtime's. */
export const frameworkErrorCodes: readonly ErrorCodeEntry<FrameworkErrorCode>[] = [
  ...validationErrorCodes,
  ...runtimeErrorCodes,
];
