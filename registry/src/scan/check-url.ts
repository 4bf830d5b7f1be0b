import type { ScanFinding } from '../store/health-repository.js';
import type { ScanSettings } from './scan-settings.js';

/** Whether a host matches a pattern: equal, or `*.example.com` for any subdomain of example.com. */
export function hostMatches(host: string, pattern: string): boolean {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (pattern.startsWith('*.')) return bare.endsWith(pattern.slice(1));
  return bare === pattern;
}

/** The upstream URL against SECURITY_SCAN_URL_DENY and SECURITY_SCAN_URL_ALLOW. */
export function checkUrl(url: string, settings: Pick<ScanSettings, 'urlAllow' | 'urlDeny'>): ScanFinding[] {
  const { hostname } = new URL(url);
  const denied = settings.urlDeny.find((pattern) => hostMatches(hostname, pattern));
  if (denied !== undefined) {
    return [{ rule: 'url-denied', severity: 'high', target: 'url', message: `${hostname} matches ${denied} in SECURITY_SCAN_URL_DENY` }];
  }
  if (settings.urlAllow.length > 0 && !settings.urlAllow.some((pattern) => hostMatches(hostname, pattern))) {
    return [{ rule: 'url-not-allowed', severity: 'high', target: 'url', message: `${hostname} matches nothing in SECURITY_SCAN_URL_ALLOW` }];
  }
  return [];
}
