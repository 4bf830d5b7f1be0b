/**
 * The example upstream MCP servers that `npm start` runs and registers. The servers workspace serves
 * them; the stack launcher starts and registers them. This module owns their names, ports and entries.
 */
export type ExampleServerName = 'currenttime' | 'notes';

export interface ExampleServerInfo {
  name: ExampleServerName;
  /** The registry path the launcher registers, in canonical form. */
  path: string;
  /** Environment variable that overrides the port. */
  portEnv: string;
  defaultPort: number;
  description: string;
  tags: readonly string[];
}

export const EXAMPLE_SERVERS: readonly ExampleServerInfo[] = Object.freeze([
  {
    name: 'currenttime',
    path: '/currenttime',
    portEnv: 'CURRENTTIME_PORT',
    defaultPort: 8101,
    description: 'Tells the current time in any IANA time zone.',
    tags: ['time', 'example'],
  },
  {
    name: 'notes',
    path: '/notes',
    portEnv: 'NOTES_PORT',
    defaultPort: 8102,
    description: 'An in-memory notebook: list, read, add and delete notes; a notes resource and a summary prompt.',
    tags: ['notes', 'example'],
  },
]);

export const EXAMPLE_SERVER_NAMES: readonly ExampleServerName[] = EXAMPLE_SERVERS.map((server) => server.name);

export function isExampleServerName(name: string): name is ExampleServerName {
  return (EXAMPLE_SERVER_NAMES as readonly string[]).includes(name);
}

/** The MCP transports every example server offers, as the registry spells them. */
export const EXAMPLE_SERVER_TRANSPORTS = ['streamable-http', 'sse'] as const;
