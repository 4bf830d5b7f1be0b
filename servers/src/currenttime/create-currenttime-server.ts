import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { formatTimeInZone, UnknownTimeZoneError } from './format-time-in-zone.js';

export const DEFAULT_TIME_ZONE = 'America/New_York';

/** The currenttime MCP server: one tool, current_time_by_timezone. */
export function createCurrentTimeServer(now: () => Date = () => new Date()): McpServer {
  const server = new McpServer({ name: 'currenttime', version: '0.1.0' });
  server.registerTool(
    'current_time_by_timezone',
    {
      title: 'Current time by time zone',
      description: `The current date and time in an IANA time zone (default ${DEFAULT_TIME_ZONE}).`,
      inputSchema: {
        tz_name: z.string().min(1).optional().describe('IANA time zone name, e.g. Europe/Paris'),
      },
    },
    ({ tz_name }) => {
      const zone = tz_name ?? DEFAULT_TIME_ZONE;
      try {
        return { content: [{ type: 'text', text: `The current time in ${zone} is ${formatTimeInZone(now(), zone)}.` }] };
      } catch (error) {
        if (!(error instanceof UnknownTimeZoneError)) throw error;
        return { isError: true, content: [{ type: 'text', text: error.message }] };
      }
    },
  );
  return server;
}
