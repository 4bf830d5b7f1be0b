import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** A minimal valid A2A v1.0 Agent Card with the given skills (id, tags) and a name. */
export function cardV10(name: string, skills: Array<{ id: string; tags?: string[]; description?: string }> = [{ id: 'echo' }]): Record<string, unknown> {
  return {
    name,
    description: `${name}: an agent for tests`,
    supportedInterfaces: [{ url: `http://127.0.0.1:9999/${name.toLowerCase().replace(/\s+/g, '-')}`, protocolBinding: 'JSONRPC', protocolVersion: '1.0' }],
    version: '1.0.0',
    capabilities: {},
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: skills.map((skill) => ({ id: skill.id, name: skill.id, description: skill.description ?? `does ${skill.id}`, tags: skill.tags ?? [] })),
  };
}

/** A minimal valid A2A v0.3 Agent Card. */
export function cardV03(name: string): Record<string, unknown> {
  return {
    protocolVersion: '0.3.0',
    name,
    description: `${name}: a v0.3 agent for tests`,
    url: 'http://127.0.0.1:9998/a2a/v1',
    version: '0.3.1',
    capabilities: { streaming: true },
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['application/json'],
    skills: [{ id: 'route-planning', name: 'Route planning', description: 'plans routes', tags: ['maps', 'travel'] }],
  };
}

/** A sample card of the A2A specification (tests/agents/fixtures). */
export function specExample(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8')) as Record<string, unknown>;
}
