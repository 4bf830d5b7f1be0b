/**
 * The MCP Registry name of a server path: `<namespace>/<path>`, the path without its leading slash,
 * each further `/` written as `.` and each `.` of the path itself as `.D`. Paths are lower-case, so
 * `.D` never arises from a separator and two paths never share a name:
 * `/currenttime` -> `ns/currenttime`, `/team/weather` -> `ns/team.weather`, `/v1.2` -> `ns/v1.D2`.
 */
export function serverNameOf(namespace: string, serverPath: string): string {
  const segments = serverPath.replace(/^\/+/, '').split('/');
  return `${namespace}/${segments.map((segment) => segment.replaceAll('.', '.D')).join('.')}`;
}

/** The longest name the server.json schema accepts. */
export const SERVER_NAME_MAX_LENGTH = 200;
