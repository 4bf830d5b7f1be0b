import { readFile } from 'node:fs/promises';
import { parseScopes, ScopesInvalidError } from '@mcpgw/lib/scopes/parse-scopes.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  check: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warning or a failure. */
  fix?: string;
}

export interface DoctorTargets {
  registry: URL;
  auth: URL;
  gateway: URL;
  scopesFile: string;
  token: string | undefined;
}

const REQUEST_TIMEOUT_MS = 5000;
/** Clock difference past which tokens start failing (the default TOKEN_CLOCK_SKEW_SECONDS). */
const SKEW_FAIL_SECONDS = 60;
const SKEW_WARN_SECONDS = 10;
const JWKS_PATH = '/.well-known/jwks.json';

interface Answer {
  status: number;
  date: number | undefined;
  body: string;
}

/** Every check of `mcpgw doctor`, run against a running installation; never throws. */
export async function runDoctorChecks(targets: DoctorTargets, now: () => number = Date.now): Promise<CheckResult[]> {
  const services = [
    { check: 'registry', url: targets.registry, setting: '--registry or REGISTRY_URL' },
    { check: 'auth-server', url: targets.auth, setting: '--auth or AUTH_URL' },
    { check: 'gateway', url: targets.gateway, setting: '--gateway or GATEWAY_PUBLIC_URL' },
  ];
  const answers = await Promise.all(services.map((service) => get(new URL('/health', service.url))));
  const results: CheckResult[] = services.map((service, index) => {
    const answer = answers[index] as Answer | Error;
    if (answer instanceof Error) {
      return { check: service.check, status: 'fail', detail: `${service.url.origin} is unreachable (${answer.message})`, fix: `start it (docker compose ps; npm start) or point ${service.setting} at it` };
    }
    if (answer.status !== 200) {
      return { check: service.check, status: 'fail', detail: `${service.url.origin}/health answered HTTP ${answer.status}`, fix: `read its log (docker compose logs ${service.check})` };
    }
    return { check: service.check, status: 'ok', detail: `${service.url.origin} is healthy` };
  });
  results.push(transportCheck(targets.gateway));
  results.push(clockCheck(answers, now));
  results.push(await jwksCheck(targets.registry));
  results.push(await scopesCheck(targets.scopesFile));
  const tokenResults = await tokenChecks(targets, now);
  results.push(...tokenResults.results);
  const gatewayAnswer = answers[2];
  if (tokenResults.servers !== undefined && gatewayAnswer !== undefined && !(gatewayAnswer instanceof Error) && gatewayAnswer.status === 200) {
    results.push(routesCheck(tokenResults.servers, (parseJson(gatewayAnswer.body) as { routes?: unknown } | undefined)?.routes));
  }
  return results;
}

/** Tokens cross the network: anywhere but this machine, clients must reach the gateway over TLS. */
function transportCheck(gateway: URL): CheckResult {
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(gateway.hostname);
  if (gateway.protocol === 'https:' || local) return { check: 'transport', status: 'ok', detail: `clients reach the gateway at ${gateway.origin}` };
  return {
    check: 'transport',
    status: 'warn',
    detail: `${gateway.origin} is plain HTTP: bearer tokens cross the network in clear`,
    fix: 'put the nginx TLS edge in front (docker compose) and set GATEWAY_PUBLIC_URL=https://…',
  };
}

/** The gateway serves what the registry holds only if it can read the route feed. */
function routesCheck(servers: number, routes: unknown): CheckResult {
  if (typeof routes !== 'number') return { check: 'routes', status: 'warn', detail: 'the gateway did not say how many routes it has' };
  if (servers > 0 && routes === 0) {
    return {
      check: 'routes',
      status: 'fail',
      detail: `the registry holds ${servers} server(s) but the gateway has no route`,
      fix: 'the gateway cannot read the route feed: give it the registry\'s REGISTRY_URL and INTERNAL_API_TOKEN (or the same DATA_DIR)',
    };
  }
  return { check: 'routes', status: 'ok', detail: `the gateway serves ${routes} route(s); the registry lists ${servers} server(s) to you` };
}

function clockCheck(answers: ReadonlyArray<Answer | Error>, now: () => number): CheckResult {
  const dates = answers.flatMap((answer) => (answer instanceof Error || answer.date === undefined ? [] : [answer.date]));
  if (dates.length === 0) return { check: 'clock', status: 'warn', detail: 'no service answered with a Date header to compare with', fix: 'start the services first' };
  const skew = Math.max(...dates.map((date) => Math.abs(date - now()) / 1000));
  const detail = `the services' clocks differ from this machine's by up to ${Math.round(skew)}s`;
  if (skew > SKEW_FAIL_SECONDS) return { check: 'clock', status: 'fail', detail, fix: 'synchronise the clocks (timedatectl set-ntp true; chrony): tokens are refused past 60s of skew' };
  if (skew > SKEW_WARN_SECONDS) return { check: 'clock', status: 'warn', detail, fix: 'synchronise the clocks (timedatectl set-ntp true) before the skew reaches 60s' };
  return { check: 'clock', status: 'ok', detail };
}

async function jwksCheck(registry: URL): Promise<CheckResult> {
  const url = new URL(JWKS_PATH, registry);
  const answer = await get(url);
  if (answer instanceof Error || answer.status !== 200) {
    return { check: 'jwks', status: 'fail', detail: `${url.href} ${answer instanceof Error ? `is unreachable (${answer.message})` : `answered HTTP ${answer.status}`}`, fix: 'the registry publishes its token keys there; check its log' };
  }
  const keys = (parseJson(answer.body) as { keys?: Array<{ kid?: unknown; kty?: unknown }> } | undefined)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.some((key) => typeof key.kid !== 'string' || typeof key.kty !== 'string')) {
    return { check: 'jwks', status: 'fail', detail: `${url.href} holds no usable key`, fix: 'the signing key in DATA_DIR may be damaged: restore DATA_DIR from a backup' };
  }
  return { check: 'jwks', status: 'ok', detail: `the registry publishes ${keys.length} signing key${keys.length === 1 ? '' : 's'}` };
}

async function scopesCheck(file: string): Promise<CheckResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return { check: 'scopes', status: 'warn', detail: `${file} is not on this machine`, fix: 'run doctor where config/ is, or pass --scopes FILE' };
  }
  try {
    parseScopes(text, file);
    return { check: 'scopes', status: 'ok', detail: `${file} is valid` };
  } catch (error) {
    if (!(error instanceof ScopesInvalidError)) throw error;
    const first = error.problems[0];
    return {
      check: 'scopes',
      status: 'fail',
      detail: `${file} has ${error.problems.length} problem(s), first ${first?.path || '(top level)'}: ${first?.message ?? ''}`,
      fix: `the last good version stays in force until you fix it: npx mcpgw scopes validate ${file}`,
    };
  }
}

/** With a token: does the registry accept it, and how many servers does it list (for the routes check). */
async function tokenChecks(targets: DoctorTargets, now: () => number): Promise<{ results: CheckResult[]; servers?: number }> {
  const only = (result: CheckResult) => ({ results: [result] });
  if (targets.token === undefined) {
    return only({ check: 'token', status: 'warn', detail: 'no token given: the API and server checks were skipped', fix: 'pass --token or set MCPGW_TOKEN' });
  }
  const exp = expiryOf(targets.token);
  if (exp !== undefined && exp * 1000 <= now()) {
    return only({ check: 'token', status: 'fail', detail: `the token expired at ${new Date(exp * 1000).toISOString()}`, fix: 'make a new one: npx mcpgw token --user NAME --groups GROUP' });
  }
  const answer = await get(new URL('/api/servers', targets.registry), targets.token);
  if (answer instanceof Error) return only({ check: 'token', status: 'fail', detail: `the registry API is unreachable (${answer.message})` });
  if (answer.status === 401 || answer.status === 403) {
    const error = (parseJson(answer.body) as { error?: { code?: string; message?: string } } | undefined)?.error;
    return only({
      check: 'token',
      status: 'fail',
      detail: `the registry refused the token: HTTP ${answer.status} ${error?.code ?? ''} ${error?.message ?? ''}`.trim(),
      fix: answer.status === 401 ? 'check TOKEN_ISSUER/TOKEN_AUDIENCE and the clock, or make a new token' : 'give the token a group that scopes.yml grants list_service',
    });
  }
  const servers = (parseJson(answer.body) as { servers?: Array<{ enabled?: boolean }> } | undefined)?.servers;
  if (answer.status !== 200 || !Array.isArray(servers)) return only({ check: 'token', status: 'fail', detail: `GET /api/servers answered HTTP ${answer.status}` });
  const token: CheckResult = { check: 'token', status: 'ok', detail: 'the registry accepts the token' };
  const enabled = servers.filter((server) => server.enabled !== false).length;
  const listing: CheckResult = enabled === 0
    ? { check: 'servers', status: 'warn', detail: 'no enabled server is registered', fix: 'register one: npx mcpgw service add server.json' }
    : { check: 'servers', status: 'ok', detail: `${enabled} enabled server${enabled === 1 ? '' : 's'} of ${servers.length}` };
  return { results: [token, listing], servers: servers.length };
}

async function get(url: URL, token?: string): Promise<Answer | Error> {
  try {
    const response = await fetch(url, {
      headers: { accept: 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const date = response.headers.get('date');
    return { status: response.status, date: date === null ? undefined : Date.parse(date), body: await response.text() };
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown } }).cause;
    return new Error(typeof cause?.code === 'string' ? cause.code : (error as Error).message);
  }
}

function expiryOf(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined) return undefined;
  const exp = (parseJson(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown } | undefined)?.exp;
  return typeof exp === 'number' ? exp : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
