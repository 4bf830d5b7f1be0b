import { Router } from 'express';
import type { SigningKey } from '@mcpgw/lib/tokens/signing-key.js';

export const JWKS_PATH = '/.well-known/jwks.json';

/** Endpoints without authentication: GET /health and the public key that verifies registry tokens. */
export function publicRouter({ publicJwk }: { publicJwk: SigningKey['publicJwk'] }): Router {
  const router = Router();
  const jwks = { keys: [publicJwk] };
  router.get('/health', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get(JWKS_PATH, (_request, response) => {
    response.set('Cache-Control', 'public, max-age=300').json(jwks);
  });
  return router;
}
