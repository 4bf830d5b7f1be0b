import { UI_ACTIONS } from '@mcpgw/lib/scopes/scopes-schema.js';
import type { Browser, BrowserContext } from 'playwright-core';
import { contextWithToken } from '../../support/chromium.js';
import { startTestRegistry, type TestRegistry } from '../../registry/support/test-registry.js';

/** `admins` may do everything (servers and scopes); `viewers` may only list servers. */
export const UI_TEST_SCOPES = `# scopes.yml of the web UI tests
group_mappings:
  admins: [registry-admin, servers-all]
  viewers: [registry-viewer]
UI-Scopes:
  registry-admin:
${UI_ACTIONS.map((action) => `    ${action}: [all]`).join('\n')}
  registry-viewer:
    list_service: [all]
servers-all:
  - server: '*'
    methods: [all]
    tools: [all]
`;

export interface UiFixture {
  registry: TestRegistry;
  /** A browser context signed in as `user` of `groups` through a bearer token on every request. */
  signedIn(user: string, groups: string[]): Promise<BrowserContext>;
  /** Calls the registry API as an administrator; answers status and JSON body. */
  api(method: string, apiPath: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

export async function startUiFixture(browser: Browser, scopes = UI_TEST_SCOPES): Promise<UiFixture> {
  const registry = await startTestRegistry(scopes);
  const adminToken = await registry.mint.token('admin', ['admins']);
  return {
    registry,
    signedIn: async (user, groups) => contextWithToken(browser, await registry.mint.token(user, groups)),
    api: async (method, apiPath, body, headers = {}) => {
      const response = await fetch(`${registry.url}${apiPath}`, {
        method,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
    },
  };
}
