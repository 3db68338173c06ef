import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { serverErrors } from '../errors/server-error.js';

// Hashing both sides gives equal-length buffers, so the comparison time says nothing about the key.
const digest = (text: string) => createHash('sha256').update(text).digest();

/** Requires `Authorization: Bearer <key>`; compares in constant time. */
export function apiKeyAuth(apiKey: string): RequestHandler {
  const expected = digest(apiKey);
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const match = header === undefined ? undefined : /^Bearer\s+(.+)$/i.exec(header.trim());
    const given = match?.[1];
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      next(serverErrors.invalidApiKey(header !== undefined));
      return;
    }
    next();
  };
}
