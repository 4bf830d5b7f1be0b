import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { EventBus } from '../../registry/src/events/event-bus.js';
import { entry, type TestRegistry } from '../registry/support/test-registry.js';
import { startControllableUpstream, type ControllableUpstream } from './support/controllable-upstream.js';
import { openEventStream, type EventStream, type StreamedEvent } from './support/event-stream.js';
import { startHealthRegistry } from './support/health-registry.js';

const about = (type: string, path: string) => (event: StreamedEvent) => event.event === type && (event.data.data as { path?: string }).path === path;

describe('the event stream (GET /api/events)', () => {
  let registry: TestRegistry;
  let upstream: ControllableUpstream;
  let admin: string;
  const streams: EventStream[] = [];

  before(async () => {
    upstream = await startControllableUpstream();
    registry = await startHealthRegistry({ eventsKeepAliveMs: 50 });
    admin = await registry.token(['admins']);
  });
  after(async () => {
    for (const stream of streams) stream.close();
    await registry.close();
    await upstream.close();
  });

  const subscribe = async (groups: string[], lastEventId?: string): Promise<EventStream> => {
    const stream = await openEventStream(registry.url, await registry.token(groups), lastEventId);
    streams.push(stream);
    assert.equal(stream.status, 200);
    return stream;
  };
  const api = (method: 'post' | 'patch' | 'put' | 'delete', path: string) => registry.http()[method](path).set('authorization', `Bearer ${admin}`);

  test('registrations, edits, toggles and deletions reach only subscribers who may see the server', async () => {
    const everyone = await subscribe(['admins']);
    const viewer = await subscribe(['viewers']);
    const team = await subscribe(['team-a']);
    const outsider = await subscribe(['outsiders']);

    await api('post', '/api/servers').send(entry('/secret', { visibility: 'private' })).expect(201);
    await api('post', '/api/servers').send(entry('/team', { visibility: 'group-restricted', allowed_groups: ['team-a'] })).expect(201);
    await api('post', '/api/servers').send(entry('/open')).expect(201);
    await api('patch', '/api/servers/open').send({ description: 'edited' }).expect(200);
    await api('post', '/api/servers/open/toggle').expect(200);
    await api('patch', '/api/servers/secret').send({ description: 'edited' }).expect(200);
    await api('delete', '/api/servers/secret').expect(204);
    await api('delete', '/api/servers/open').expect(204);
    await api('post', '/api/servers').send(entry('/elsewhere')).expect(201);

    for (const stream of [everyone, viewer, team, outsider]) await stream.waitFor(about('server.registered', '/elsewhere'), 'the last registration');
    const seen = (stream: EventStream) =>
      stream.events.filter((event) => ['server.registered', 'server.updated', 'server.toggled', 'server.deleted'].includes(event.event)).map((event) => `${event.event} ${(event.data.data as { path: string }).path}`);
    assert.deepEqual(seen(viewer), [
      'server.registered /open',
      'server.updated /open',
      'server.toggled /open',
      'server.deleted /open',
      'server.registered /elsewhere',
    ]);
    assert.deepEqual(seen(team), ['server.registered /team', ...seen(viewer)]);
    assert.deepEqual(seen(outsider), ['server.registered /elsewhere'], 'list_service only on /elsewhere');
    assert.deepEqual(seen(everyone), [
      'server.registered /secret',
      'server.registered /team',
      'server.registered /open',
      'server.updated /open',
      'server.toggled /open',
      'server.updated /secret',
      'server.deleted /secret',
      'server.deleted /open',
      'server.registered /elsewhere',
    ]);
    const updated = await viewer.waitFor(about('server.updated', '/open'), 'the edit');
    assert.deepEqual((updated.data.data as { changed: string[] }).changed, ['description']);
    const registered = await viewer.waitFor(about('server.registered', '/open'), 'the registration');
    assert.match(registered.id ?? '', /^[0-9a-f]{8}\.\d+$/);
    assert.equal(((registered.data.data as { server: { server_name: string } }).server).server_name, 'server /open');
  });

  test('health changes and tool changes are streamed', async () => {
    const viewer = await subscribe(['viewers']);
    await api('post', '/api/servers').send(entry('/calc', { proxy_pass_url: upstream.url })).expect(201);
    const healthy = await viewer.waitFor(about('server.health', '/calc'), 'the first health check');
    assert.equal((healthy.data.data as { health: { status: string } }).health.status, 'healthy');
    await viewer.waitFor(about('server.scan', '/calc'), 'the first scan');

    const [add] = upstream.content.tools;
    assert.ok(add);
    add.description = 'Adds two numbers and keeps a log.';
    await api('post', '/api/servers/calc/refresh').expect(200);
    const changed = await viewer.waitFor(about('server.tools', '/calc'), 'the tool change');
    assert.deepEqual(
      (changed.data.data as { changes: Array<{ tool: string; change: string }> }).changes.map(({ tool, change }) => [tool, change]),
      [['add', 'changed']],
    );

    await upstream.stop();
    await api('post', '/api/servers/calc/refresh').expect(200);
    const down = await viewer.waitFor(
      (event) => about('server.health', '/calc')(event) && (event.data.data as { health: { status: string } }).health.status === 'unhealthy',
      'the server going down',
    );
    assert.equal((down.data.data as { health: { routed: boolean } }).health.routed, true);
    await upstream.start();
  });

  test('scopes edits reach only those who may view scopes', async () => {
    const viewer = await subscribe(['viewers']);
    const editor = await subscribe(['admins']);
    await api('put', '/api/scopes/groups/newcomers').send({ scopes: ['health-viewer'] }).expect(200);
    await api('post', '/api/servers').send(entry('/after-scopes')).expect(201);
    const edit = await editor.waitFor((event) => event.event === 'scopes.updated', 'the scopes edit');
    assert.equal((edit.data.data as { action: string }).action.includes('newcomers'), true);
    await viewer.waitFor(about('server.registered', '/after-scopes'), 'the registration after the edit');
    assert.equal(viewer.events.some((event) => event.event === 'scopes.updated'), false);
  });

  test('Last-Event-ID resumes after the last event seen, only with what the subscriber may see; an unknown id asks for a fresh read', async () => {
    const first = await subscribe(['viewers']);
    await api('post', '/api/servers').send(entry('/r1')).expect(201);
    const seen = await first.waitFor(about('server.registered', '/r1'), 'r1');
    first.close();
    await api('post', '/api/servers').send(entry('/r2', { visibility: 'private' })).expect(201);
    await api('post', '/api/servers').send(entry('/r3')).expect(201);

    const resumed = await subscribe(['viewers'], seen.id);
    await resumed.waitFor(about('server.registered', '/r3'), 'the missed r3');
    const replayed = resumed.events.filter((event) => event.event === 'server.registered').map((event) => (event.data.data as { path: string }).path);
    assert.deepEqual(replayed, ['/r3']);

    const lost = await subscribe(['viewers'], 'feedface.1');
    const reset = await lost.waitFor((event) => event.event === 'reset', 'a reset');
    assert.equal(reset.id, undefined);
  });

  test('an idle stream carries keep-alive comments, and a stream needs a valid token', async () => {
    const idle = await subscribe(['outsiders']);
    const start = idle.comments();
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.ok(idle.comments() > start, 'keep-alive comments arrive');
    const refused = await fetch(`${registry.url}/api/events`);
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
    const forged = await fetch(`${registry.url}/api/events`, { headers: { authorization: `Bearer ${await registry.mint.forged('mallory', ['admins'])}` } });
    assert.equal(forged.status, 401);
    await forged.body?.cancel();
  });

  test('a stream ends when the subscriber\'s token expires', async () => {
    const token = await registry.mint.token('brief', ['viewers'], { ttlSeconds: 1 });
    const stream = await openEventStream(registry.url, token);
    streams.push(stream);
    assert.equal(stream.status, 200);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      stream.ended,
      new Promise((_resolve, reject) => (timer = setTimeout(() => reject(new Error('the stream outlived its token')), 10_000))),
    ]).finally(() => clearTimeout(timer));
    await api('post', '/api/servers').send(entry('/after-expiry')).expect(201);
    assert.equal(stream.events.length, 0);
  });
});

describe('EventBus', () => {
  const audience = { kind: 'action', action: 'view_scopes' } as const;

  test('keeps only the newest events: resuming from before them is refused, from within them replays the rest', () => {
    const bus = new EventBus({ capacity: 3 });
    const published = Array.from({ length: 5 }, (_, index) => bus.publish({ type: 't', audience, data: { index } }));
    const id = (index: number) => published[index]?.id ?? '';
    assert.equal(bus.after(id(0)), undefined, 'events 2 and 3 are gone');
    assert.deepEqual(bus.after(id(1))?.map((event) => event.data.index), [2, 3, 4]);
    assert.deepEqual(bus.after(id(3))?.map((event) => event.data.index), [4]);
    assert.deepEqual(bus.after(id(4)), []);
    assert.equal(bus.after(id(4).replace(/\.\d+$/, '.9')), undefined, 'an id from the future');
    assert.equal(bus.after('nonsense'), undefined);
  });

  test('a subscriber that throws does not keep events from the others; close ends every subscription', () => {
    const bus = new EventBus();
    const received: string[] = [];
    let closed = 0;
    bus.subscribe(() => {
      throw new Error('broken subscriber');
    });
    const unsubscribe = bus.subscribe((event) => received.push(event.type), () => (closed += 1));
    bus.publish({ type: 'a', audience, data: {} });
    unsubscribe();
    bus.publish({ type: 'b', audience, data: {} });
    assert.deepEqual(received, ['a']);
    bus.subscribe(() => undefined, () => (closed += 1));
    bus.close();
    assert.equal(closed, 1);
    assert.equal(bus.subscriberCount, 0);
  });
});
