import express, { type RequestHandler } from 'express';

export const JSON_BODY_LIMIT = '1mb';

/** Parses JSON bodies up to 1mb; malformed or oversized bodies reach the error handler. */
export function jsonBody(): RequestHandler {
  return express.json({ limit: JSON_BODY_LIMIT, type: ['application/json', 'application/*+json'] });
}
