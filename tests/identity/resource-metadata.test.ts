import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refuseTokenInQuery } from '@mcpgw/lib/tokens/query-token.js';
import {
  audienceNamesGateway,
  challengeResourcePath,
  parsePublicUrl,
  resourceMetadataUrl,
  resourcePathOfMetadataPath,
} from '@mcpgw/lib/tokens/resource-metadata.js';
import { TokenError } from '@mcpgw/lib/tokens/token-error.js';
import { bearerChallenge, insufficientScopeChallenge } from '@mcpgw/lib/tokens/www-authenticate.js';

const GW = 'https://gw.example.com';

describe('protected resource URLs (RFC 9728) and audiences (RFC 8707)', () => {
  test('the public URL is an origin', () => {
    assert.equal(parsePublicUrl('https://gw.example.com/'), GW);
    assert.equal(parsePublicUrl('http://127.0.0.1:80'), 'http://127.0.0.1');
    for (const bad of ['gw.example.com', 'ftp://gw.example.com', 'https://gw.example.com/prefix', 'https://gw.example.com/?a=1']) {
      assert.throws(() => parsePublicUrl(bad), Error, bad);
    }
  });

  test('metadata URLs put the well-known path before the resource path, and back', () => {
    assert.equal(resourceMetadataUrl(GW, '/'), `${GW}/.well-known/oauth-protected-resource`);
    assert.equal(resourceMetadataUrl(GW, '/currenttime/mcp/'), `${GW}/.well-known/oauth-protected-resource/currenttime/mcp`);
    const cases: Array<[string, string | undefined]> = [
      ['/.well-known/oauth-protected-resource', '/'],
      ['/.well-known/oauth-protected-resource/', '/'],
      ['/.well-known/oauth-protected-resource/currenttime/mcp', '/currenttime/mcp'],
      ['/.well-known/oauth-protected-resource/team/weather/', '/team/weather'],
      ['/.well-known/oauth-protected-resources', undefined],
      ['/.well-known/oauth-protected-resource/a b', undefined],
      ['/currenttime/mcp', undefined],
    ];
    for (const [pathname, expected] of cases) assert.equal(resourcePathOfMetadataPath(pathname), expected, pathname);
  });

  test('a challenge points at the requested URL under the server path, else at the server path', () => {
    const cases: Array<[string | undefined, string]> = [
      [`${GW}/currenttime/mcp`, '/currenttime/mcp'],
      [`${GW}/currenttime/mcp?session=1`, '/currenttime/mcp'],
      [`${GW}/currenttime`, '/currenttime'],
      [`${GW}/currenttimes/mcp`, '/currenttime'],
      [`${GW}/other/mcp`, '/currenttime'],
      [undefined, '/currenttime'],
      ['not a url at all', '/currenttime'],
    ];
    for (const [url, expected] of cases) assert.equal(challengeResourcePath(url, '/currenttime'), expected, String(url));
  });

  test('a resource-bound audience must name the gateway, its server path, or a URL under it', () => {
    const cases: Array<[string, string | undefined, boolean]> = [
      [GW, '/currenttime', true],
      [`${GW}/`, '/currenttime', true],
      [`${GW}/currenttime`, '/currenttime', true],
      [`${GW}/currenttime/mcp`, '/currenttime', true],
      [`${GW}/currenttime/mcp`, '/notes', false],
      [`${GW}/currenttimes/mcp`, '/currenttime', false],
      [`${GW}/currenttime/../notes/mcp`, '/currenttime', false],
      ['https://evil.example.com/currenttime/mcp', '/currenttime', false],
      ['http://gw.example.com/currenttime/mcp', '/currenttime', false],
      [`${GW}/currenttime/mcp?x=1`, '/currenttime', false],
      ['mcp-gateway', '/currenttime', false],
      [GW, undefined, true],
      [`${GW}/currenttime/mcp`, undefined, false],
    ];
    for (const [audience, serverPath, expected] of cases) {
      assert.equal(audienceNamesGateway(audience, GW, serverPath), expected, `${audience} for ${serverPath}`);
    }
  });
});

describe('bearer challenges and query tokens', () => {
  test('a token in the query string is refused, in any letter case, and other parameters are not', () => {
    for (const url of ['/mcp?access_token=x', '/mcp?a=1&ACCESS_TOKEN=x', 'https://gw/mcp?access_token=']) {
      assert.throws(() => refuseTokenInQuery(url), (error: unknown) => error instanceof TokenError && error.code === 'AUTH_TOKEN_IN_QUERY', url);
    }
    for (const url of ['/mcp', '/mcp?token_type=x', '/mcp?session=access_token', undefined]) refuseTokenInQuery(url);
  });

  test('invalid_request for a query token, insufficient_scope for a 403, scope and metadata when known, printable ASCII only', () => {
    assert.equal(
      bearerChallenge(new TokenError('AUTH_TOKEN_IN_QUERY', 'use the header'), { scope: 'mcp', resourceMetadata: `${GW}/.well-known/oauth-protected-resource` }),
      `Bearer realm="mcp-gateway", error="invalid_request", error_description="use the header", scope="mcp", resource_metadata="${GW}/.well-known/oauth-protected-resource"`,
    );
    assert.equal(
      insufficientScopeChallenge('tool "x\u00e9\n" is not allowed'),
      'Bearer realm="mcp-gateway", error="insufficient_scope", error_description="tool \\"x??\\" is not allowed"',
    );
  });
});
