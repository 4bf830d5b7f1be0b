#!/usr/bin/env node
// Container health check without curl: exits 0 when every URL given answers 2xx within 3 seconds, else 1.
const urls = process.argv.slice(2);
if (urls.length === 0) {
  console.error('usage: healthcheck.mjs URL [URL ...]');
  process.exit(64);
}
const results = await Promise.all(
  urls.map((url) =>
    fetch(url, { signal: AbortSignal.timeout(3000) }).then(
      (response) => ({ url, ok: response.ok, detail: `HTTP ${response.status}` }),
      (error) => ({ url, ok: false, detail: error.cause?.code ?? error.message }),
    ),
  ),
);
for (const result of results.filter((item) => !item.ok)) console.error(`${result.url}: ${result.detail}`);
process.exit(results.every((item) => item.ok) ? 0 : 1);
