import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { EXAMPLE_SERVERS } from '@mcpgw/lib/examples/example-servers.js';
import { envBytes } from '@mcpgw/lib/config/env.js';
import { GATEWAY_DEFAULTS } from '../../gateway/src/start-gateway.js';

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  restart?: string;
  profiles?: string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string | number>;
  volumes?: string[];
}
interface ComposeFile {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
}

const composeText = readFileSync('docker-compose.yml', 'utf8');
const compose = load(composeText) as ComposeFile;
const dockerfile = readFileSync('Dockerfile', 'utf8');
const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const ourServices = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);
const ONE_SHOT = new Set(['register-examples']);

/** Whether the runtime stage of the Dockerfile copies `file` (a path relative to /app) into the image. */
function copiedIntoImage(file: string): boolean {
  return [...runtimeStage.matchAll(/^COPY (?:--from=build \/app\/)?(\S+) (\S+)$/gm)].some(([, from]) => file === from || file.startsWith(`${from}/`));
}

describe('docker-compose.yml and the Dockerfile', () => {
  test('the services of the deployment are there, profiles hold the optional ones', () => {
    for (const name of ['nginx', 'gateway', 'auth-server', 'registry', 'example-servers', 'prometheus', 'grafana']) {
      assert.ok(compose.services[name], name);
      assert.equal(compose.services[name]?.profiles, undefined, `${name} runs by default`);
    }
    for (const [name, profile] of [['postgres', 'postgres'], ['redis', 'redis'], ['keycloak', 'keycloak'], ['otel-collector', 'otel']] as const) {
      assert.deepEqual(compose.services[name]?.profiles, [profile], name);
    }
  });

  test('every long-running service restarts and has a health check; data lives in named volumes', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      if (ONE_SHOT.has(name)) {
        assert.equal(service.restart, 'no', name);
        continue;
      }
      assert.equal(service.restart, 'unless-stopped', name);
      if (name !== 'otel-collector') assert.ok(service.healthcheck?.test.length, `${name} has a health check`);
    }
    const named = new Set(Object.keys(compose.volumes));
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (!source.startsWith('.') && !source.startsWith('$') && !source.startsWith('/')) assert.ok(named.has(source), `${name}: ${source} is declared`);
      }
    }
    assert.ok(compose.services.registry?.volumes?.includes('mcpgw-data:/data'));
  });

  test('every command and health check of our image runs a file the image holds', () => {
    assert.ok(ourServices.length >= 5);
    for (const [name, service] of ourServices) {
      const command = service.command ?? [];
      assert.ok(['node', 'sh'].includes(command[0] ?? ''), `${name} runs node or sh`);
      const entry = command[1] ?? '';
      assert.ok(existsSync(entry), `${name}: ${entry} exists (after npm run build)`);
      assert.ok(copiedIntoImage(entry), `${name}: the Dockerfile's runtime stage copies ${entry}`);
      const check = service.healthcheck?.test ?? [];
      if (check[1] === 'node') {
        assert.ok(existsSync(check[2] ?? ''), `${name}: ${check[2]}`);
        assert.ok(copiedIntoImage(check[2] ?? ''), `${name}: the image holds ${check[2]}`);
      }
    }
  });

  test('the image is built in stages and runs as an unprivileged user', () => {
    assert.ok((dockerfile.match(/^FROM /gm) ?? []).length >= 2);
    assert.match(runtimeStage, /^USER node$/m);
    assert.doesNotMatch(runtimeStage, /COPY --from=build \/app\/(tests|node_modules\/\.cache)/);
  });

  test('nginx and the gateway share one body limit, equal to the gateway default', () => {
    const gatewayBody = String(compose.services.gateway?.environment?.GATEWAY_MAX_BODY);
    const nginxBody = String(compose.services.nginx?.environment?.CLIENT_MAX_BODY);
    assert.equal(gatewayBody, nginxBody);
    const fallback = /^\$\{GATEWAY_MAX_BODY:-([^}]+)\}$/.exec(gatewayBody)?.[1];
    assert.ok(fallback);
    assert.equal(envBytes('X', 0, { X: fallback }), GATEWAY_DEFAULTS.maxBodyBytes);
    const example = /^GATEWAY_MAX_BODY=(.*)$/m.exec(readFileSync('config/.env.example', 'utf8'))?.[1];
    assert.match(example ?? '', /^\d+[km]?$/, 'nginx reads the .env.example value too: 4m, 512k or bytes');
    assert.equal(envBytes('X', 0, { X: example }), GATEWAY_DEFAULTS.maxBodyBytes);
  });

  test('the example servers answer health on the ports the registration uses', () => {
    const check = compose.services['example-servers']?.healthcheck?.test.join(' ') ?? '';
    const script = readFileSync('scripts/setup/register-examples.sh', 'utf8');
    for (const example of EXAMPLE_SERVERS) {
      assert.match(check, new RegExp(`:${example.defaultPort}/health`));
      assert.match(script, new RegExp(`register ${example.name} ${example.defaultPort} `));
    }
  });

  test('Prometheus and Grafana are provisioned from config/ at their usual places', () => {
    const prometheus = compose.services.prometheus?.volumes ?? [];
    assert.ok(prometheus.includes('./config/prometheus.yml:/etc/prometheus/prometheus.yml:ro'));
    assert.ok(prometheus.some((volume) => volume.startsWith('./config/prometheus:')));
    const grafana = compose.services.grafana?.volumes ?? [];
    assert.ok(grafana.includes('./config/grafana/provisioning:/etc/grafana/provisioning:ro'));
    assert.ok(grafana.includes('./config/grafana/dashboards:/var/lib/grafana/dashboards:ro'));
  });

  const compose2 = spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' });
  const noPlugin = compose2.status !== 0 ? `the docker compose plugin is not installed here (${(compose2.stderr || compose2.error?.message || '').trim()})` : false;
  test('docker compose config accepts the file', { skip: noPlugin }, () => {
    const result = spawnSync('docker', ['compose', '--profile', 'postgres', '--profile', 'redis', '--profile', 'keycloak', '--profile', 'otel', 'config', '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, GRAFANA_ADMIN_PASSWORD: 'test-password', POSTGRES_PASSWORD: 'test-password' },
    });
    assert.equal(result.status, 0, result.stderr);
  });
});
