// `npm run bench`: the gateway against the upstream directly and against nginx, in one run, on 127.0.0.1.
// Every server runs in its own process; autocannon runs in another. Results go to bench-results/.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { issueToken } from '@mcpgw/lib/tokens/issue-token.js';
import { loadOrCreateSigningKey } from '@mcpgw/lib/tokens/signing-key.js';
import { tokenSettingsFromEnv } from '@mcpgw/lib/tokens/token-settings.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const fixedRate = Number(process.env.BENCH_RATE ?? 1000);
const NGINX = '/usr/sbin/nginx';

const SCOPES = `
group_mappings:
  bench: [bench/call]
  admins: [admin-ui]
UI-Scopes:
  admin-ui:
    list_service: [all]
    register_service: [all]
    modify_service: [all]
bench/call:
  - server: bench
    methods: [tools/list]
    tools: [current_time_by_timezone]
`;
const BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'current_time_by_timezone', arguments: { tz_name: 'Europe/Paris' } } });
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

interface Proc { name: string; child: ChildProcess }
const procs: Proc[] = [];
const work = mkdtempSync(path.join(os.tmpdir(), 'mcpgw-bench-'));

function start(name: string, command: string, args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(command, args, { cwd: root, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const proc = { name, child };
  procs.push(proc);
  return proc;
}

async function stopAll(): Promise<void> {
  for (const { child } of procs.reverse()) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(work, { recursive: true, force: true });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1').once('connect', () => (socket.destroy(), resolve(true))).once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on port ${port}`);
}

/** utime + stime in clock ticks of a process and its direct children (nginx's workers), from /proc. */
function cpuTicks(pid: number | undefined): number {
  if (pid === undefined) return 0;
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields && (entry === String(pid) || fields[1] === String(pid))) total += Number(fields[11]) + Number(fields[12]);
  }
  return total;
}

/** The fields of /proc/PID/stat after the command name: [state, ppid, ...]. */
function statFields(pid: string): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return undefined;
  }
}

interface LoadResult { requestsPerSecond: number; latencyP50: number; latencyP99: number; non2xx: number; errors: number; timeouts: number; total: number }

async function measure(label: string, url: string, headers: Record<string, string>, watched: Proc[], extra: { overallRate?: number; connections?: number; tokens?: string[]; body?: string } = {}) {
  const before = watched.map((proc) => cpuTicks(proc.child.pid));
  const options = { url, body: extra.body ?? BODY, headers, connections: extra.connections ?? connections, seconds, ...(extra.overallRate ? { overallRate: extra.overallRate } : {}), ...(extra.tokens ? { tokens: extra.tokens } : {}) };
  const optionsFile = path.join(work, 'load-options.json');
  writeFileSync(optionsFile, JSON.stringify(options));
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/bench/load.ts'), optionsFile], { cwd: root });
  if (run.status !== 0) throw new Error(`load for ${label} failed: ${run.stderr.toString()}`);
  const result = JSON.parse(run.stdout.toString()) as LoadResult;
  const ticksPerSecond = 100;
  const cpu = Object.fromEntries(watched.map((proc, index) => [proc.name, Math.round(((cpuTicks(proc.child.pid) - before[index]!) / ticksPerSecond / seconds) * 100)]));
  console.log(`${label.padEnd(34)} ${result.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${String(result.latencyP50).padStart(6)} ms  p99 ${String(result.latencyP99).padStart(6)} ms  non-2xx ${result.non2xx}  cpu% ${JSON.stringify(cpu)}`);
  if (result.non2xx > 0 || result.errors > 0) console.log(`  warning: ${result.non2xx} non-2xx answers and ${result.errors} errors: this row does not measure successful requests only`);
  return { label, ...result, cpuPercent: cpu };
}

function nginxConfig(port: number, upstreamPort: number, authPort: number | undefined): string {
  const authBlock = authPort === undefined ? '' : `
    auth_request /_validate;`;
  const validate = authPort === undefined ? '' : `
  location = /_validate {
    internal;
    proxy_pass http://127.0.0.1:${authPort}/validate;
    proxy_pass_request_body off;
    proxy_set_header Content-Length "";
    proxy_set_header X-Original-URL $scheme://$http_host$request_uri;
    proxy_set_header X-Original-Method $request_method;
    proxy_set_header X-Server-Path /bench;
    # nginx cannot read the JSON-RPC body without a scripting module: the benchmark always calls one
    # tool, so the subrequest names it as a body-parsing data plane would.
    proxy_set_header X-MCP-Method tools%2Fcall;
    proxy_set_header X-MCP-Tool current_time_by_timezone;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
  }`;
  return `
pid ${work}/nginx-${port}.pid;
error_log ${work}/nginx-${port}-error.log warn;
worker_processes 1;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${work}/cb-${port};
  proxy_temp_path ${work}/pt-${port};
  upstream bench_upstream { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  upstream bench_auth { server 127.0.0.1:${authPort ?? upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location /bench/ {${authBlock}
      proxy_pass http://bench_upstream/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }${validate}
  }
}`;
}

/**
 * Row 7: the same tools/call through the virtual MCP server at /mcp (one session shared by every
 * connection), against row 4's call through the server's own path.
 */
async function measureVirtual(url: string, bearer: Record<string, string>, watched: Proc[]) {
  const initialize = { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } };
  const opened = await fetch(url, { method: 'POST', headers: bearer, body: JSON.stringify(initialize) });
  await opened.text();
  const session = opened.headers.get('mcp-session-id');
  if (opened.status !== 200 || !session) throw new Error(`the virtual server did not open a session: ${opened.status}`);
  const headers = { ...bearer, 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' };
  await (await fetch(url, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).text();
  const body = BODY.replace('"name":"current_time_by_timezone"', '"name":"bench__current_time_by_timezone"');
  return measure('7 virtual /mcp, same call', url, headers, watched, { body });
}

async function main(): Promise<void> {
  const ports = {
    upstream: await freePort(), registry: await freePort(), auth: await freePort(), gateway: await freePort(),
    authNoCache: await freePort(), gatewayNoCache: await freePort(), nginx: await freePort(), nginxAuth: await freePort(),
    metrics: await freePort(), metricsNoCache: await freePort(),
  };
  const dataDir = path.join(work, 'data');
  mkdirSync(dataDir);
  const scopesFile = path.join(work, 'scopes.yml');
  writeFileSync(scopesFile, SCOPES);
  const env = { DATA_DIR: dataDir, SCOPES_FILE: scopesFile, REGISTRY_PORT: String(ports.registry), AUTH_PORT: String(ports.auth), GATEWAY_PORT: String(ports.gateway), GATEWAY_METRICS_PORT: String(ports.metrics) };

  spawnSync('npx', ['tsc', '-b'], { cwd: root, stdio: 'inherit' });
  const upstream = start('upstream', process.execPath, ['--import', 'tsx', 'scripts/bench/upstream.ts', String(ports.upstream)]);
  const registry = start('registry', process.execPath, ['registry/dist/main.js'], env);
  const auth = start('auth-server', process.execPath, ['auth-server/dist/main.js'], env);
  await Promise.all([waitForPort(ports.upstream), waitForPort(ports.registry), waitForPort(ports.auth)]);
  const gateway = start('gateway', process.execPath, ['gateway/dist/main.js'], env);
  // Row 5's pair: an auth-server that remembers no token, so every request pays the full validation.
  const noCacheEnv = { ...env, AUTH_PORT: String(ports.authNoCache), GATEWAY_PORT: String(ports.gatewayNoCache), GATEWAY_METRICS_PORT: String(ports.metricsNoCache), AUTH_TOKEN_CACHE_SECONDS: '0' };
  const authNoCache = start('auth-server', process.execPath, ['auth-server/dist/main.js'], noCacheEnv);
  await waitForPort(ports.authNoCache);
  const gatewayNoCache = start('gateway', process.execPath, ['gateway/dist/main.js'], noCacheEnv);
  await Promise.all([waitForPort(ports.gateway), waitForPort(ports.gatewayNoCache)]);

  const key = await loadOrCreateSigningKey(dataDir);
  const settings = tokenSettingsFromEnv();
  const mint = (user: string, groups: string[]) => issueToken(key, settings, { user, groups, ttlSeconds: 3600 });
  const admin = await mint('bench-admin', ['admins']);
  const registered = await fetch(`http://127.0.0.1:${ports.registry}/api/servers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({ server_name: 'bench', path: '/bench', proxy_pass_url: `http://127.0.0.1:${ports.upstream}/` }),
  });
  if (registered.status !== 201) throw new Error(`registering /bench failed: ${registered.status}`);
  const token = await mint('bench-user', ['bench']);
  for (const port of [ports.gateway, ports.gatewayNoCache]) {
    let status = 0;
    for (let attempt = 0; attempt < 100 && status !== 200; attempt += 1) {
      const probe = await fetch(`http://127.0.0.1:${port}/bench/mcp`, { method: 'POST', headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` }, body: BODY });
      await probe.text();
      status = probe.status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    if (status !== 200) throw new Error(`the gateway on port ${port} never routed /bench (last status ${status})`);
  }

  const withNginx = spawnSync(NGINX, ['-v']).status === 0;
  let nginxPlain: Proc | undefined;
  let nginxAuth: Proc | undefined;
  if (withNginx) {
    for (const [name, port, authPort] of [['nginx', ports.nginx, undefined], ['nginx+auth', ports.nginxAuth, ports.auth]] as const) {
      const file = path.join(work, `${name}.conf`);
      writeFileSync(file, nginxConfig(port, ports.upstream, authPort));
      const proc = start(name, NGINX, ['-p', work, '-c', file, '-e', path.join(work, `${name}-error.log`), '-g', 'daemon off;']);
      await waitForPort(port);
      if (name === 'nginx') nginxPlain = proc;
      else nginxAuth = proc;
    }
  } else {
    console.log('Debian nginx is not installed (apt-get install nginx-light): rows 2 and 3 are left out');
  }

  const bearer = { ...MCP_HEADERS, authorization: `Bearer ${token}` };
  console.log(`\n${seconds}s per row, ${connections} connections, keep-alive, a ${BODY.length}-byte tools/call POST\n`);
  const rows = [];
  rows.push(await measure('1 upstream directly', `http://127.0.0.1:${ports.upstream}/mcp`, bearer, [upstream]));
  if (nginxPlain) rows.push(await measure('2 nginx proxy_pass', `http://127.0.0.1:${ports.nginx}/bench/mcp`, bearer, [nginxPlain, upstream]));
  if (nginxAuth) rows.push(await measure('3 nginx + auth_request', `http://127.0.0.1:${ports.nginxAuth}/bench/mcp`, bearer, [nginxAuth, auth, upstream]));
  rows.push(await measure('4 gateway, token seen before', `http://127.0.0.1:${ports.gateway}/bench/mcp`, bearer, [gateway, auth, upstream]));
  const fresh = await Promise.all(Array.from({ length: 2000 }, (_, index) => mint(`bench-user-${index}`, ['bench'])));
  rows.push(await measure('5 gateway, every token validated', `http://127.0.0.1:${ports.gatewayNoCache}/bench/mcp`, MCP_HEADERS, [gatewayNoCache, authNoCache, upstream], { tokens: fresh }));
  const directFixed = await measure(`6a upstream at ${fixedRate} req/s`, `http://127.0.0.1:${ports.upstream}/mcp`, bearer, [upstream], { overallRate: fixedRate, connections: 10 });
  const gatewayFixed = await measure(`6b gateway at ${fixedRate} req/s`, `http://127.0.0.1:${ports.gateway}/bench/mcp`, bearer, [gateway, auth, upstream], { overallRate: fixedRate, connections: 10 });
  rows.push(directFixed, gatewayFixed);
  rows.push(await measureVirtual(`http://127.0.0.1:${ports.gateway}/mcp`, bearer, [gateway, auth, upstream]));

  const rate = (label: string) => rows.find((row) => row.label.startsWith(label))?.requestsPerSecond;
  const ratio = (a?: number, b?: number) => (a !== undefined && b !== undefined && b > 0 ? (a / b).toFixed(2) : 'n/a');
  const ratios = { '4/3': ratio(rate('4'), rate('3')), '4/2': ratio(rate('4'), rate('2')), '4/1': ratio(rate('4'), rate('1')), '7/4': ratio(rate('7'), rate('4')) };
  const added = { p50: +(gatewayFixed.latencyP50 - directFixed.latencyP50).toFixed(3), p99: +(gatewayFixed.latencyP99 - directFixed.latencyP99).toFixed(3) };
  console.log(`\nratios  4/3 ${ratios['4/3']}   4/2 ${ratios['4/2']}   4/1 ${ratios['4/1']}   7/4 (virtual /mcp vs the server's own path) ${ratios['7/4']}`);
  console.log(`added latency over direct at ${fixedRate} req/s: p50 ${added.p50} ms, p99 ${added.p99} ms`);

  const outDir = path.join(root, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, seconds, connections, rows, ratios, addedLatencyMs: added }, null, 2)}\n`);
  console.log(`results written to ${path.relative(root, file)}`);
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(stopAll);
