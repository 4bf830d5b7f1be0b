import { z } from 'zod';

/**
 * The route table the registry serves to gateways (GET /internal/routes, with the internal token).
 * The registry owns the data; this module owns the shape.
 */
export const ROUTES_FEED_PATH = '/internal/routes';

export const routeSchema = z.object({
  /** Canonical server path, e.g. `/currenttime`. */
  path: z.string(),
  /** Where `/<path>/…` goes: the prefix is replaced by this URL's path, as nginx proxy_pass with a URI. */
  proxyPassUrl: z.string().url(),
  enabled: z.boolean(),
  serverName: z.string(),
  /**
   * How long the gateway waits for the upstream's response headers, in seconds; absent or null
   * means the gateway's default. A started stream is never cut by it.
   */
  timeoutSeconds: z.number().int().positive().nullish(),
  /**
   * The upstream credential, opened: headers the gateway sets on every request to this upstream,
   * after removing the client's headers of the same names. Only ever sent on the internal feed.
   */
  upstreamHeaders: z.record(z.string(), z.string()).optional(),
});
export type Route = z.infer<typeof routeSchema>;

export const routeTableSchema = z.object({
  /** Changes whenever any route changes; gateways poll with If-None-Match. */
  version: z.string(),
  routes: z.array(routeSchema),
});
export type RouteTable = z.infer<typeof routeTableSchema>;
