import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import request from 'supertest';
import { pino } from 'pino';
import { ScopesSource } from '@mcpgw/lib/scopes/scopes-source.js';
import { TokenError } from '@mcpgw/lib/tokens/token-error.js';
import { authenticateCaller, callerOf } from '../../registry/src/auth/authenticate-caller.js';
import { sendError } from '../../registry/src/errors/send-error.js';
import { makeLoginSettings } from '../../registry/src/login/login-settings.js';
import { sessionContext } from '../../registry/src/login/session-caller.js';
import { createSessionManager } from '../../registry/src/login/session-manager.js';
import type { RegistryStore } from '../../registry/src/store/registry-store.js';
import { openSqliteStore } from '../../registry/src/store/sqlite/open-sqlite-store.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('authenticateCaller and login sessions', () => {
  const temp = makeTempDir();
  let store: RegistryStore;
  let app: express.Express;
  let scopes: ScopesSource;

  before(async () => {
    store = await openSqliteStore(temp.dir);
    const scopesFile = path.join(temp.dir, 'scopes.yml');
    writeFileSync(scopesFile, 'group_mappings:\n  team: [reader]\nreader: []\n');
    scopes = new ScopesSource(scopesFile, pino({ level: 'silent' }));
    const sessions = createSessionManager(store.sessions, makeLoginSettings({ sessionSecret: randomBytes(32) }));
    const refuseEveryToken = { verify: async () => Promise.reject(new TokenError('AUTH_TOKEN_BAD_SIGNATURE', 'no token is good here')) };
    app = express();
    app.use(sessionContext(sessions));
    app.post('/login', async (req, res) => {
      const session = await sessions.start(req, res, { user: 'pat', username: 'Pat', clientId: 'web', groups: ['team'], tokenScopes: [] }, 'test');
      res.json({ csrf: session.csrfToken });
    });
    const who = (_req: Request, res: Response) => {
      const caller = callerOf(res);
      res.json({ user: caller.identity.user, method: caller.identity.authMethod, scopes: caller.scopes });
    };
    app.all('/people', authenticateCaller(refuseEveryToken, scopes), who);
    app.all('/machines', authenticateCaller(refuseEveryToken, scopes, { acceptSession: false }), who);
    app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, error, pino({ level: 'silent' })));
  });
  after(async () => {
    scopes.close();
    await store.close();
    temp.remove();
  });

  test('a session is a caller with its groups mapped to scopes; a bearer token, when sent, is the one checked', async () => {
    const login = await request(app).post('/login').expect(200);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]?.split(';')[0] as string;
    const read = await request(app).get('/people').set('cookie', cookie).expect(200);
    assert.deepEqual(read.body, { user: 'pat', method: 'session:test', scopes: ['reader'] });
    await request(app).post('/people').set('cookie', cookie).set('x-csrf-token', login.body.csrf as string).expect(200);
    const withToken = await request(app).get('/people').set('cookie', cookie).set('authorization', 'Bearer abc.def.ghi').expect(401);
    assert.equal(withToken.body.error.code, 'AUTH_TOKEN_BAD_SIGNATURE');
  });

  test('a router for machines ignores the session cookie', async () => {
    const login = await request(app).post('/login').expect(200);
    const cookie = (login.headers['set-cookie'] as unknown as string[])[0]?.split(';')[0] as string;
    const refused = await request(app).get('/machines').set('cookie', cookie).expect(401);
    assert.equal(refused.body.error.code, 'AUTH_TOKEN_MISSING');
  });
});
