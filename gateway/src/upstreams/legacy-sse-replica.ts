/** A `sessionId` query parameter, as the legacy SSE transport's message URLs carry it. */
const LEGACY_SESSION_QUERY = /(?:^|&)sessionId=/;

/**
 * The replica of a legacy SSE (2024-11-05) request: its event stream (`…/sse`) and the messages posted
 * for it (`…?sessionId=…`) must meet on one upstream, and their session id is the upstream's, in a URL
 * the gateway does not seal; so they all go to the first replica. Undefined for every other request.
 */
export function legacySseReplica(rest: string, query: string): number | undefined {
  return rest.endsWith('/sse') || LEGACY_SESSION_QUERY.test(query) ? 0 : undefined;
}
