import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryError } from '../../registry/src/errors/registry-error.js';
import type { RepositoryOptions, ServerFields, ServerRepository } from '../../registry/src/store/server-repository.js';

/**
 * One store that can be opened several times (as by several replicas, or by a restart).
 * open() returns a new connection to the same data; destroy() removes everything.
 */
export interface RepositoryFixture {
  open(options?: RepositoryOptions): Promise<ServerRepository>;
  destroy(): Promise<void>;
}

/** A clock the test moves by hand. */
function manualClock(start = '2026-01-01T00:00:00.000Z'): { now: () => Date; advance(ms: number): void } {
  let current = Date.parse(start);
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}

export function fields(overrides: Partial<ServerFields> = {}): ServerFields {
  return {
    serverName: 'Current time',
    description: 'Tells the time',
    proxyPassUrl: 'http://127.0.0.1:8101/',
    tags: ['time'],
    supportedTransports: ['streamable-http'],
    enabled: true,
    license: null,
    toolList: null,
    metadata: null,
    mcpEndpoint: null,
    sseEndpoint: null,
    visibility: 'public',
    allowedGroups: [],
    timeoutSeconds: null,
    source: 'local',
    federatedFrom: null,
    proxyPassUrls: [],
    rateLimit: null,
    ...overrides,
  };
}

/** Every optional field set, to a value other than its default. */
export function everyField(): ServerFields {
  return fields({
    license: 'MIT',
    toolList: [{ name: 'now', inputSchema: { type: 'object', properties: { tz: { type: 'string' } } } }, 'odd'],
    metadata: { team: 'platform', compliance: ['SOC2'], nested: { b: 1, a: 2 } },
    mcpEndpoint: 'https://clock.example/custom/mcp',
    sseEndpoint: '/events',
    visibility: 'group-restricted',
    allowedGroups: ['ops', 'team-a'],
    timeoutSeconds: 3600,
    source: 'federated',
    federatedFrom: 'https://peer.example',
    proxyPassUrls: ['http://10.0.0.1:8101/', 'http://10.0.0.2:8101/'],
    rateLimit: { server: { requests: 100, per_seconds: 60 }, tools: { now: { requests: 5, per_seconds: 1, burst: 10 } } },
  });
}

/** The behaviour every ServerRepository backend must have. */
export function runServerRepositoryContract(
  name: string,
  makeRepository: () => Promise<RepositoryFixture>,
  options: { skip?: string | false } = {},
): void {
  describe(`ServerRepository contract: ${name}`, { skip: options.skip ?? false }, () => {
    let fixture: RepositoryFixture;
    let clock: ReturnType<typeof manualClock>;
    let repository: ServerRepository;
    const opened: ServerRepository[] = [];
    const open = async (): Promise<ServerRepository> => {
      const connection = await fixture.open({ clock: clock.now });
      opened.push(connection);
      return connection;
    };

    beforeEach(async () => {
      fixture = await makeRepository();
      clock = manualClock();
      repository = await open();
    });

    afterEach(async () => {
      try {
        for (const connection of opened.splice(0)) await connection.close();
      } finally {
        await fixture.destroy();
      }
    });

    test('a new store is empty and has a version', async () => {
      assert.deepEqual(await repository.list(), []);
      assert.equal(await repository.get('/currenttime'), undefined);
      assert.equal(typeof (await repository.routesVersion()), 'string');
      assert.notEqual(await repository.routesVersion(), '');
    });

    test('create stores every field at revision 1 and stamps both timestamps with the clock', async () => {
      const created = await repository.create('/currenttime', everyField());
      assert.deepEqual(created, {
        ...everyField(),
        path: '/currenttime',
        revision: 1,
        registeredAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      });
      assert.deepEqual(await repository.get('/currenttime'), created);
      assert.deepEqual(await repository.list(), [created]);
    });

    test('documents are kept exactly as given, key order included', async () => {
      const metadata = { zeta: 1, alpha: { y: [3, 2, 1], x: null }, 'with space': 'ok' };
      const toolList = [{ schema: { required: ['b', 'a'] }, name: 'z' }];
      await repository.create('/currenttime', fields({ metadata, toolList }));
      const stored = await repository.get('/currenttime');
      assert.equal(JSON.stringify(stored?.metadata), JSON.stringify(metadata));
      assert.equal(JSON.stringify(stored?.toolList), JSON.stringify(toolList));
    });

    test('list returns every server ordered by path', async () => {
      await repository.create('/zeta', fields({ serverName: 'z' }));
      await repository.create('/alpha', fields({ serverName: 'a' }));
      await repository.create('/team/weather', fields({ serverName: 'w', enabled: false }));
      const listed = await repository.list();
      assert.deepEqual(listed.map((s) => s.path), ['/alpha', '/team/weather', '/zeta']);
      assert.equal(listed[1]?.enabled, false);
    });

    test('create refuses a taken path with REGISTRY_SERVER_EXISTS and changes nothing', async () => {
      const original = await repository.create('/currenttime', fields());
      const version = await repository.routesVersion();
      await assert.rejects(repository.create('/currenttime', fields({ serverName: 'other' })), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.code, 'REGISTRY_SERVER_EXISTS');
        assert.equal(error.status, 409);
        return true;
      });
      assert.deepEqual(await repository.get('/currenttime'), original);
      assert.equal(await repository.routesVersion(), version);
    });

    test('a partial update merges, keeps registeredAt and moves updatedAt', async () => {
      await repository.create('/currenttime', fields({ license: 'MIT' }));
      clock.advance(5000);
      const updated = await repository.update('/currenttime', { description: 'new', tags: ['a', 'b'] });
      assert.deepEqual(updated, {
        ...fields({ license: 'MIT', description: 'new', tags: ['a', 'b'] }),
        path: '/currenttime',
        revision: 2,
        registeredAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:05.000Z',
      });
      assert.deepEqual(await repository.get('/currenttime'), updated);
    });

    test('a full update replaces every field, and null clears the optional ones', async () => {
      await repository.create('/currenttime', everyField());
      const replacement = fields({ serverName: 'Clock', proxyPassUrl: 'https://clock.example/mcp', tags: [], supportedTransports: ['sse'], enabled: false });
      const updated = await repository.update('/currenttime', replacement);
      assert.deepEqual(updated && { ...updated, registeredAt: '', updatedAt: '' }, { ...replacement, path: '/currenttime', revision: 2, registeredAt: '', updatedAt: '' });
      assert.deepEqual(await repository.get('/currenttime'), updated);
    });

    test('the revision grows by one with every update, and a failed update leaves it and the entry alone', async () => {
      await repository.create('/currenttime', fields());
      for (let expected = 2; expected <= 4; expected += 1) {
        assert.equal((await repository.update('/currenttime', (current) => ({ enabled: !current.enabled })))?.revision, expected);
      }
      const before = await repository.get('/currenttime');
      const version = await repository.routesVersion();
      await assert.rejects(
        repository.update('/currenttime', () => {
          throw new Error('refused by the caller');
        }),
        /refused by the caller/,
      );
      assert.deepEqual(await repository.get('/currenttime'), before);
      assert.equal(await repository.routesVersion(), version);
      await repository.delete('/currenttime');
      assert.equal((await repository.create('/currenttime', fields())).revision, 1, 'a new registration starts again at 1');
    });

    test('concurrent updates through two connections are applied one after the other', async () => {
      const other = await open();
      await repository.create('/counter', fields({ timeoutSeconds: 1 }));
      const increment = (connection: ServerRepository) =>
        connection.update('/counter', (current) => ({ timeoutSeconds: (current.timeoutSeconds ?? 0) + 1 }));
      await Promise.all(Array.from({ length: 10 }, (_, index) => increment(index % 2 === 0 ? repository : other)));
      const stored = await repository.get('/counter');
      assert.equal(stored?.timeoutSeconds, 11);
      assert.equal(stored?.revision, 11);
    });

    test('an update given as a function sees the current entry', async () => {
      await repository.create('/currenttime', fields({ enabled: true }));
      const flipped = await repository.update('/currenttime', (current) => ({ enabled: !current.enabled }));
      assert.equal(flipped?.enabled, false);
      const again = await repository.update('/currenttime', (current) => ({ enabled: !current.enabled }));
      assert.equal(again?.enabled, true);
    });

    test('updating or deleting a missing server reports it and changes nothing', async () => {
      const version = await repository.routesVersion();
      assert.equal(await repository.update('/missing', { description: 'x' }), undefined);
      assert.equal(await repository.delete('/missing'), false);
      assert.equal(await repository.routesVersion(), version);
      assert.deepEqual(await repository.list(), []);
    });

    test('delete removes the server', async () => {
      await repository.create('/currenttime', fields());
      await repository.create('/notes', fields());
      assert.equal(await repository.delete('/currenttime'), true);
      assert.equal(await repository.get('/currenttime'), undefined);
      assert.deepEqual((await repository.list()).map((s) => s.path), ['/notes']);
      assert.equal(await repository.delete('/currenttime'), false);
    });

    test('the version changes on every write and never on a read', async () => {
      const seen = new Set<string>();
      const record = async (): Promise<string> => {
        const version = await repository.routesVersion();
        assert.ok(!seen.has(version), `version ${version} was seen before`);
        seen.add(version);
        return version;
      };
      let version = await record();
      const unchangedByReads = async (): Promise<void> => {
        await repository.list();
        await repository.get('/currenttime');
        await repository.get('/missing');
        assert.equal(await repository.routesVersion(), version);
      };
      await unchangedByReads();
      await repository.create('/currenttime', fields());
      version = await record();
      await unchangedByReads();
      await repository.update('/currenttime', { description: 'changed' });
      version = await record();
      await repository.update('/currenttime', (current) => ({ enabled: !current.enabled }));
      version = await record();
      await unchangedByReads();
      await repository.delete('/currenttime');
      version = await record();
      await unchangedByReads();
    });

    test('data and version survive closing and reopening the store', async () => {
      await repository.create('/currenttime', fields({ toolList: [{ name: 'now' }] }));
      await repository.create('/team/weather', fields({ serverName: 'Weather' }));
      await repository.update('/team/weather', { enabled: false });
      const servers = await repository.list();
      const version = await repository.routesVersion();
      await repository.close();

      const reopened = await open();
      assert.deepEqual(await reopened.list(), servers);
      assert.equal(await reopened.routesVersion(), version);
      await reopened.create('/notes', fields());
      assert.notEqual(await reopened.routesVersion(), version);
    });

    test('two connections to one store see each other\'s writes and agree on the version', async () => {
      const other = await open();
      await repository.create('/currenttime', fields());
      assert.deepEqual(await other.get('/currenttime'), await repository.get('/currenttime'));
      assert.equal(await other.routesVersion(), await repository.routesVersion());
      await assert.rejects(other.create('/currenttime', fields()), (error: unknown) => (error as RegistryError).code === 'REGISTRY_SERVER_EXISTS');
      await other.delete('/currenttime');
      assert.equal(await repository.get('/currenttime'), undefined);
      assert.equal(await other.routesVersion(), await repository.routesVersion());
    });
  });
}
