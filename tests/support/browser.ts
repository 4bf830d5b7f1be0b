/**
 * A small browser for login tests: real HTTP (fetch), a cookie jar that keeps cookies per host name
 * and path as browsers do (so the identity provider and the registry, both on 127.0.0.1, share it),
 * redirects followed one by one and recorded, and HTML forms submitted as a person would.
 */
interface StoredCookie {
  value: string;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: string | undefined;
}

export interface Hop {
  method: string;
  url: string;
  status: number;
}

export class Browser {
  /** host name → cookie name → cookie (one path per name is enough here). */
  private readonly jar = new Map<string, Map<string, StoredCookie>>();
  /** Every request made, in order. */
  readonly hops: Hop[] = [];
  /** Raw Set-Cookie headers received, in order. */
  readonly setCookies: string[] = [];

  cookie(url: string, name: string): StoredCookie | undefined {
    return this.jar.get(new URL(url).hostname)?.get(name);
  }

  setCookie(url: string, name: string, value: string, path = '/'): void {
    const host = new URL(url).hostname;
    const cookies = this.jar.get(host) ?? new Map<string, StoredCookie>();
    cookies.set(name, { value, path, httpOnly: false, secure: false, sameSite: undefined });
    this.jar.set(host, cookies);
  }

  /** One request, no redirect followed, with the cookies that apply; stores what the answer sets. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const target = new URL(url);
    const headers = new Headers(init.headers);
    const cookieHeader = [...(this.jar.get(target.hostname) ?? new Map<string, StoredCookie>())]
      .filter(([, cookie]) => target.pathname === cookie.path || target.pathname.startsWith(cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`))
      .map(([name, cookie]) => `${name}=${cookie.value}`)
      .join('; ');
    if (cookieHeader !== '') headers.set('cookie', cookieHeader);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    this.hops.push({ method: init.method ?? 'GET', url, status: response.status });
    for (const line of response.headers.getSetCookie()) this.store(target, line);
    return response;
  }

  /** Follows redirects (303 and 302 turn into GET) until an answer that is not a redirect. */
  async follow(url: string, init: RequestInit = {}, limit = 20): Promise<{ response: Response; url: string }> {
    let current = url;
    let request = init;
    for (let hop = 0; hop < limit; hop += 1) {
      const response = await this.fetch(current, request);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || location === null) return { response, url: current };
      await response.arrayBuffer();
      current = new URL(location, current).href;
      request = response.status === 307 || response.status === 308 ? request : {};
    }
    throw new Error(`more than ${limit} redirects from ${url}`);
  }

  /**
   * Follows a login through an identity provider's pages: each HTML form on the way (login, then
   * consent) is submitted with `fields` filled in, until an answer that is neither a redirect nor a form.
   */
  async completeForms(url: string, fields: Record<string, string>, limit = 6): Promise<{ response: Response; url: string }> {
    let step = await this.follow(url);
    for (let forms = 0; forms < limit; forms += 1) {
      const type = step.response.headers.get('content-type') ?? '';
      if (!type.includes('text/html')) return step;
      const html = await step.response.text();
      const form = /<form([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
      const action = form === null ? undefined : /action="([^"]+)"/i.exec(form[1] as string)?.[1];
      if (form === null || action === undefined || !/method="post"/i.test(form[1] as string)) {
        return { response: new Response(html, { status: step.response.status, headers: step.response.headers }), url: step.url };
      }
      const body = new URLSearchParams();
      for (const input of (form[2] as string).matchAll(/<input[^>]*name="([^"]+)"(?:[^>]*value="([^"]*)")?[^>]*>/gi)) {
        const name = input[1] as string;
        body.set(name, fields[name] ?? input[2] ?? '');
      }
      step = await this.follow(new URL(decodeHtml(action), step.url).href, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    }
    throw new Error(`more than ${limit} forms from ${url}`);
  }

  private store(target: URL, line: string): void {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const index = (pair ?? '').indexOf('=');
    if (index <= 0) return;
    const name = (pair as string).slice(0, index);
    const value = (pair as string).slice(index + 1);
    const attribute = (key: string) => attributes.find((item) => item.toLowerCase().startsWith(`${key}=`))?.split('=')[1];
    const flag = (key: string) => attributes.some((item) => item.toLowerCase() === key);
    const cookies = this.jar.get(target.hostname) ?? new Map<string, StoredCookie>();
    this.jar.set(target.hostname, cookies);
    this.setCookies.push(line);
    const maxAge = attribute('max-age');
    const expires = attribute('expires');
    if ((maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now()) || value === '') {
      cookies.delete(name);
      return;
    }
    cookies.set(name, { value, path: attribute('path') ?? '/', httpOnly: flag('httponly'), secure: flag('secure'), sameSite: attribute('samesite') });
  }
}

function decodeHtml(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&#x2F;/gi, '/').replace(/&#47;/g, '/').replace(/&quot;/g, '"');
}
