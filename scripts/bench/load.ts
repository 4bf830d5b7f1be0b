// Runs one autocannon measurement in its own process and prints the result as JSON on stdout.
// Usage: load.ts OPTIONS.json; options.tokens (a list) rotates one bearer token per request.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

interface LoadOptions {
  url: string;
  body: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  overallRate?: number;
  tokens?: string[];
}

const options = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as LoadOptions;
let next = 0;
const result = await autocannon({
  url: options.url,
  method: 'POST',
  connections: options.connections,
  duration: options.seconds,
  ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  requests: [
    {
      method: 'POST',
      body: options.body,
      headers: options.headers,
      ...(options.tokens
        ? {
            setupRequest: (request: { headers: Record<string, string> }) => {
              const token = options.tokens![next++ % options.tokens!.length];
              request.headers = { ...request.headers, authorization: `Bearer ${token}` };
              return request;
            },
          }
        : {}),
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    requestsPerSecond: result.requests.average,
    latencyP50: result.latency.p50,
    latencyP99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    total: result.requests.total,
  }),
);
