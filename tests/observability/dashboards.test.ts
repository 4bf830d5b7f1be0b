import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import yaml from 'js-yaml';
import { connectClient } from '../support/mcp-client.js';
import { startStack, type Stack } from '../support/stack.js';
import { metricNamesIn } from './support/promql-names.js';
import { scrape } from './support/scrape.js';

const DASHBOARDS = 'config/grafana/dashboards';
const ALERTS = 'config/alerts.yml';
const PROMETHEUS = 'config/prometheus.yml';
/** Series Prometheus makes itself for every target rather than reading from /metrics. */
const PROMETHEUS_SERIES: ReadonlySet<string> = new Set(['up']);

interface Expression {
  where: string;
  expr: string;
}

function dashboardExpressions(): Expression[] {
  const found: Expression[] = [];
  for (const file of readdirSync(DASHBOARDS).filter((name) => name.endsWith('.json'))) {
    const board = JSON.parse(readFileSync(path.join(DASHBOARDS, file), 'utf8')) as { panels: Array<{ title: string; targets?: Array<{ expr?: string }> }> };
    for (const panel of board.panels) {
      for (const target of panel.targets ?? []) if (target.expr) found.push({ where: `${file}: ${panel.title}`, expr: target.expr });
    }
  }
  return found;
}

function ruleExpressions(): Expression[] {
  const rules = yaml.load(readFileSync(ALERTS, 'utf8')) as { groups: Array<{ rules: Array<{ alert?: string; record?: string; expr: string }> }> };
  return rules.groups.flatMap((group) => group.rules.map((rule) => ({ where: `${ALERTS}: ${rule.alert ?? rule.record}`, expr: String(rule.expr) })));
}

describe('dashboards and alert rules use only metrics the services export', () => {
  let stack: Stack;
  const exported = new Set<string>();

  before(async () => {
    stack = await startStack();
    const client = await connectClient(`${stack.gateway.url}/currenttime/mcp`, stack.adminToken);
    try {
      await client.listTools();
      await client.callTool({ name: 'current_time_by_timezone', arguments: { tz_name: 'UTC' } });
    } finally {
      await client.close();
    }
    const refused = await fetch(`${stack.gateway.url}/currenttime/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
    assert.equal(refused.status, 401);
    for (const url of [`${stack.gateway.metricsUrl}/metrics`, `${stack.auth.url}/metrics`, `${stack.registry.url}/metrics`]) {
      for (const name of (await scrape(url)).names) exported.add(name);
    }
  });
  after(async () => {
    await stack?.close();
  });

  test('every dashboard has panels and every panel a query', () => {
    const boards = readdirSync(DASHBOARDS).filter((name) => name.endsWith('.json')).sort();
    assert.deepEqual(boards, ['authentication.json', 'discovery.json', 'federation.json', 'system-health.json', 'tool-execution.json']);
    assert.ok(dashboardExpressions().length >= 30);
  });

  test('every metric name in every dashboard query and alert rule is one a service exports', () => {
    const expressions = [...dashboardExpressions(), ...ruleExpressions()];
    const unknown: string[] = [];
    let names = 0;
    for (const { where, expr } of expressions) {
      for (const name of metricNamesIn(expr)) {
        names += 1;
        if (!exported.has(name) && !PROMETHEUS_SERIES.has(name)) unknown.push(`${where}: ${name}`);
      }
    }
    assert.ok(names > expressions.length, 'the expressions name metrics');
    assert.deepEqual(unknown, []);
  });

  test('the alert rules cover what the issue asks for', () => {
    const byName = new Map(ruleExpressions().map((rule) => [rule.where.split(': ')[1], rule.expr]));
    for (const [alert, mentions] of [
      ['McpAuthFailureRateHigh', '> 0.10'],
      ['McpToolErrorRateHigh', '> 0.05'],
      ['McpToolLatencyP95High', 'histogram_quantile(0.95'],
      ['McpFederationConsecutiveFailures', 'mcp_federation_consecutive_failures > 3'],
      ['McpFederationPeerUnhealthy', 'mcp_federation_peer_healthy'],
      ['McpFederationSyncStale', '2 * mcp_federation_sync_interval_seconds'],
      ['McpUpstreamUnhealthy', 'mcp_server_healthy'],
    ] as const) {
      assert.ok(byName.get(alert)?.includes(mentions), `${alert} checks ${mentions}`);
    }
  });

  test('prometheus.yml scrapes every service and loads the rules', () => {
    const config = yaml.load(readFileSync(PROMETHEUS, 'utf8')) as { rule_files: string[]; scrape_configs: Array<{ job_name: string }> };
    assert.deepEqual(config.scrape_configs.map((job) => job.job_name).sort(), ['mcp-auth-server', 'mcp-gateway', 'mcp-registry']);
    assert.deepEqual(config.rule_files, [path.basename(ALERTS)]);
  });

  test('promtool accepts the rules and the configuration', (t) => {
    const version = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
    if (version.error) {
      t.skip('promtool is not installed (Debian: apt install prometheus); the rules and configuration were not checked by it');
      return;
    }
    for (const args of [['check', 'rules', ALERTS], ['check', 'config', PROMETHEUS]]) {
      const run = spawnSync('promtool', args, { encoding: 'utf8' });
      assert.equal(run.status, 0, `promtool ${args.join(' ')}:\n${run.stdout}${run.stderr}`);
    }
  });
});
