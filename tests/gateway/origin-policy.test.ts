import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { describe, test } from 'node:test';
import { compileOriginPolicy } from '../../gateway/src/cors/origin-policy.js';
import { GatewayError } from '../../gateway/src/errors/gateway-error.js';

function request(headers: Record<string, string>): IncomingMessage {
  return { headers: { host: 'gateway.example.com:8000', ...headers }, socket: {} } as unknown as IncomingMessage;
}

/** `cors` when allowed with CORS headers, `plain` when allowed without, `refused` otherwise. */
function outcome(allowed: string[], headers: Record<string, string>): 'cors' | 'plain' | 'refused' {
  try {
    return compileOriginPolicy(allowed).check(request(headers)) === undefined ? 'plain' : 'cors';
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.code, 'GW_ORIGIN_FORBIDDEN');
    assert.equal(error.status, 403);
    return 'refused';
  }
}

describe('the Origin policy', () => {
  const table: Array<[string, string[], Record<string, string>, 'cors' | 'plain' | 'refused']> = [
    ['no Origin (a non-browser client), nothing allowed', [], {}, 'plain'],
    ['no Origin, some origins allowed', ['https://app.example.com'], {}, 'plain'],
    ['the gateway itself', [], { origin: 'http://gateway.example.com:8000' }, 'plain'],
    ['the gateway itself, other case', [], { origin: 'HTTP://Gateway.Example.com:8000' }, 'plain'],
    ['the gateway itself behind a TLS edge', [], { origin: 'https://gateway.example.com', host: 'gateway.example.com', 'x-forwarded-proto': 'https' }, 'plain'],
    ['same host, other port', [], { origin: 'http://gateway.example.com:9000' }, 'refused'],
    ['same host, other scheme', [], { origin: 'https://gateway.example.com:8000' }, 'refused'],
    ['any other origin when none is allowed', [], { origin: 'https://app.example.com' }, 'refused'],
    ['a listed origin', ['https://app.example.com'], { origin: 'https://app.example.com' }, 'cors'],
    ['a listed origin with its default port spelled out', ['https://app.example.com'], { origin: 'https://app.example.com:443' }, 'cors'],
    ['a listed origin, listed with a port', ['http://localhost:6274'], { origin: 'http://localhost:6274' }, 'cors'],
    ['a subdomain of a listed origin', ['https://example.com'], { origin: 'https://app.example.com' }, 'refused'],
    ['a look-alike of a listed origin', ['https://app.example.com'], { origin: 'https://app.example.com.evil.net' }, 'refused'],
    ['the opaque origin null', ['https://app.example.com'], { origin: 'null' }, 'refused'],
    ['garbage', ['https://app.example.com'], { origin: 'not a url' }, 'refused'],
    ['anything with *', ['*'], { origin: 'https://anything.example.net' }, 'cors'],
    ['null with *', ['*'], { origin: 'null' }, 'cors'],
  ];
  for (const [name, allowed, headers, expected] of table) {
    test(name, () => assert.equal(outcome(allowed, headers), expected));
  }

  test('allowed cross-origin requests get the origin back and may read the session id', () => {
    const cors = compileOriginPolicy(['https://app.example.com']).check(request({ origin: 'https://app.example.com' }));
    assert.equal(cors?.['access-control-allow-origin'], 'https://app.example.com');
    assert.match(cors?.['access-control-expose-headers'] ?? '', /Mcp-Session-Id/);
    assert.match(cors?.['access-control-expose-headers'] ?? '', /WWW-Authenticate/);
    assert.equal(cors?.vary, 'Origin');
  });
});
