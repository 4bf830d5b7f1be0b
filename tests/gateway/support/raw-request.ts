import http from 'node:http';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json<T = any>(): T;
}

/**
 * One HTTP request with full control of the header spellings (`headers` as raw name/value pairs) and
 * of the bytes sent; the path goes out exactly as written (no URL normalisation); no connection reuse.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: string[] | Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const [, origin = url, path = '/'] = /^(http:\/\/[^/]+)(.*)$/.exec(url) ?? [];
    const { hostname, port } = new URL(origin);
    const request = http.request({ hostname, port, path, method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body,
          json: () => JSON.parse(body.toString('utf8')),
        });
      });
    });
    request.on('error', reject);
    request.end(options.body);
  });
}
