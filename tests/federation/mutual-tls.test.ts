import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import path from 'node:path';
import { listen } from '@mcpgw/lib/http/listen.js';
import { makeTempDir } from '../support/temp-dir.js';
import { startFederatedRegistry } from './support/federated-registry.js';

const opensslMissing = spawnSync('openssl', ['version']).status === 0 ? false : 'openssl is not installed; it makes the test certificates';

/** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
function makeCertificates(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=test federation CA');
  for (const [name, extension] of [['server', 'subjectAltName=IP:127.0.0.1'], ['client', 'extendedKeyUsage=clientAuth']] as const) {
    openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', `/CN=${name}`);
    writeFileSync(file(`${name}.ext`), `${extension}\n`);
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${name}.pem`), '-days', '2', '-extfile', file(`${name}.ext`));
  }
  return { ca: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key'), clientCert: file('client.pem'), clientKey: file('client.key') };
}

test('a peer behind mutual TLS is pulled with the configured client certificate and CA, and refused without them', { skip: opensslMissing }, async (t) => {
  const temp = makeTempDir('mcpgw-mtls-');
  const certs = makeCertificates(temp.dir);
  const [hub, spoke] = await Promise.all([startFederatedRegistry('hub'), startFederatedRegistry('spoke')]);
  await spoke.register('/weather');
  // The spoke's TLS edge: only clients with a certificate from the CA get through.
  const edge = createServer(
    { key: readFileSync(certs.serverKey), cert: readFileSync(certs.serverCert), ca: readFileSync(certs.ca), requestCert: true, rejectUnauthorized: true },
    async (request, response) => {
      const upstream = await fetch(new URL(request.url ?? '/', spoke.url), { headers: { authorization: request.headers.authorization ?? '' } });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const signature = upstream.headers.get('x-federation-signature');
      if (signature !== null) headers['x-federation-signature'] = signature;
      response.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
    },
  );
  const running = await listen(edge, 0, '127.0.0.1');
  t.after(async () => {
    await Promise.all([hub.close(), spoke.close(), running.close()]);
    temp.remove();
  });
  const endpoint = running.url.replace('http://', 'https://');

  await hub.addPeer('spoke', spoke, { endpoint, tls_ca_file: certs.ca, tls_cert_file: certs.clientCert, tls_key_file: certs.clientKey });
  const peer = (await hub.api('GET', '/api/peers/spoke')).body;
  assert.deepEqual([peer.tls_ca_file, peer.tls_cert_file], [certs.ca, certs.clientCert]);
  const synced = await hub.sync('spoke');
  assert.equal(synced.status, 200, JSON.stringify(synced.body));
  assert.deepEqual(await hub.paths(), ['/spoke/weather']);

  assert.equal((await hub.api('PUT', '/api/peers/spoke', { tls_cert_file: null, tls_key_file: null })).status, 200);
  const refused = await hub.sync('spoke');
  assert.equal(refused.status, 502);
  assert.match(refused.body.error.message, /cannot reach the peer/);

  const half = await hub.api('PUT', '/api/peers/spoke', { tls_cert_file: certs.clientCert });
  assert.deepEqual([half.status, half.body.error.code], [400, 'REGISTRY_INVALID_PEER']);
  assert.equal((await hub.api('PUT', '/api/peers/spoke', { tls_cert_file: path.join(temp.dir, 'gone.pem'), tls_key_file: certs.clientKey })).status, 200);
  assert.match((await hub.sync('spoke')).body.error.message, /cannot read the TLS file/);
});
