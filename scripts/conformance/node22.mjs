#!/usr/bin/env node
// Prints the path of a Node.js 22+ binary, which the MCP conformance suite's CLI needs.
// The running node is used when it is new enough. Otherwise the npm package node-<platform>-<arch>@22
// is installed on demand under .cache/node22 (git-ignored). It is never a project dependency: its
// `node` bin would shadow the project's Node inside npm scripts and break native modules.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MINIMUM_MAJOR = 22;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cacheDir = path.join(root, '.cache', 'node22');
const packageName = `node-${process.platform}-${process.arch}`;
const cachedBinary = path.join(cacheDir, 'node_modules', packageName, 'bin', 'node');

const majorOf = (version) => Number(/^v?(\d+)/.exec(version.trim())?.[1] ?? 0);

function cachedVersion() {
  if (!existsSync(cachedBinary)) return 0;
  const result = spawnSync(cachedBinary, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? majorOf(result.stdout) : 0;
}

function install() {
  mkdirSync(cacheDir, { recursive: true });
  // npm run from an npm script inherits npm_* settings meant for the project; this install is not the project's.
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const args = ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', cacheDir, `${packageName}@${MINIMUM_MAJOR}`];
  const result = spawnSync(npm, args, { cwd: cacheDir, env, encoding: 'utf8' });
  if (result.status !== 0) {
    const detail = (result.stderr || result.stdout || String(result.error ?? '')).trim();
    throw new Error(`npm install ${packageName}@${MINIMUM_MAJOR} failed: ${detail}`);
  }
}

function node22() {
  if (majorOf(process.version) >= MINIMUM_MAJOR) return process.execPath;
  if (cachedVersion() >= MINIMUM_MAJOR) return cachedBinary;
  install();
  if (cachedVersion() < MINIMUM_MAJOR) throw new Error(`${cachedBinary} is missing or older than Node.js ${MINIMUM_MAJOR} after the install`);
  return cachedBinary;
}

try {
  process.stdout.write(`${node22()}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
