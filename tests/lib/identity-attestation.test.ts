import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IDENTITY_ATTESTATION_HEADER, RESERVED_HEADER_NAMES } from '@mcpgw/lib/check/check-contract.js';
import { ATTESTATION_MAX_AGE_SECONDS, attestationKey, attestIdentity, verifyAttestation } from '@mcpgw/lib/check/identity-attestation.js';

const key = attestationKey('internal-token-0123456789abcdef-0123456789');
const identity = { 'x-user': 'alice', 'x-username': 'alice', 'x-client-id': 'cli', 'x-scopes': 'a b', 'x-auth-method': 'registry-token', 'x-groups': 'g1,g2' };
const NOW = 1_800_000_000;
const reader = (headers: Record<string, string>) => (name: string) => headers[name];

test('an attestation verifies for its route within the time window, and for nothing else', () => {
  const headers = attestIdentity(key, '/mcpgw', identity, NOW);
  assert.match(headers[IDENTITY_ATTESTATION_HEADER] ?? '', /^v1\.1800000000\.[A-Za-z0-9_-]{43}$/);
  assert.equal(verifyAttestation(key, '/mcpgw', reader(headers), NOW), true);
  assert.equal(verifyAttestation(key, '/mcpgw', reader(headers), NOW + ATTESTATION_MAX_AGE_SECONDS), true);
  assert.equal(verifyAttestation(key, '/mcpgw', reader(headers), NOW + ATTESTATION_MAX_AGE_SECONDS + 1), false, 'too old');
  assert.equal(verifyAttestation(key, '/mcpgw', reader(headers), NOW - ATTESTATION_MAX_AGE_SECONDS - 1), false, 'from the future');
  assert.equal(verifyAttestation(key, '/other', reader(headers), NOW), false, 'another route');
  assert.equal(verifyAttestation(attestationKey('another-internal-token-0123456789abcdef'), '/mcpgw', reader(headers), NOW), false, 'another key');
});

test('changing, adding or removing any identity header breaks the attestation', () => {
  const headers = attestIdentity(key, '/mcpgw', identity, NOW);
  for (const name of Object.keys(identity)) {
    assert.equal(verifyAttestation(key, '/mcpgw', reader({ ...headers, [name]: `${headers[name]}x` }), NOW), false, `changed ${name}`);
    const { [name]: _removed, ...without } = headers;
    assert.equal(verifyAttestation(key, '/mcpgw', reader(without), NOW), false, `removed ${name}`);
  }
  const partial = attestIdentity(key, '/mcpgw', { 'x-user': 'bob' }, NOW);
  assert.equal(verifyAttestation(key, '/mcpgw', reader({ ...partial, 'x-groups': 'admins' }), NOW), false, 'added a header');
  for (const value of ['', 'v1', 'v2.1800000000.abc', `v1.x.${'a'.repeat(43)}`, 'v1.1800000000.', 'v1.1800000000.a.b']) {
    assert.equal(verifyAttestation(key, '/mcpgw', reader({ ...identity, [IDENTITY_ATTESTATION_HEADER]: value }), NOW), false, value);
  }
});

test('the attestation header is reserved: the gateway drops a client-sent one whatever its spelling', () => {
  assert.ok(RESERVED_HEADER_NAMES.has(IDENTITY_ATTESTATION_HEADER));
});
