import { envInt, envString } from '@mcpgw/lib/config/env.js';
import { EXAMPLE_SERVERS, EXAMPLE_SERVER_NAMES, isExampleServerName } from '@mcpgw/lib/examples/example-servers.js';
import type { RunningServer } from '@mcpgw/lib/http/listen.js';
import { createLogger } from '@mcpgw/lib/logging/logger.js';
import { closeOnSignal } from '@mcpgw/lib/process/run-until-signal.js';
import { startExampleServer } from './start-example-server.js';

const logger = createLogger('servers');
const only = process.argv[2];
const running: RunningServer[] = [];
const closeAll = async (): Promise<void> => {
  await Promise.all(running.map((server) => server.close()));
};
try {
  if (only !== undefined && !isExampleServerName(only)) {
    throw new Error(`unknown example server ${JSON.stringify(only)}; choose one of ${EXAMPLE_SERVER_NAMES.join(', ')} or none for all`);
  }
  const host = envString('HOST', '127.0.0.1');
  for (const info of EXAMPLE_SERVERS.filter((server) => only === undefined || server.name === only)) {
    const server = await startExampleServer(info.name, { port: envInt(info.portEnv, info.defaultPort), host, logger });
    running.push(server);
    logger.info({ server: info.name, url: server.url }, `${info.name} MCP server on ${server.url}/mcp (legacy SSE at ${server.url}/sse)`);
  }
  closeOnSignal(closeAll, logger);
} catch (error) {
  logger.fatal({ err: error }, `example servers failed to start: ${(error as Error).message}`);
  await closeAll();
  process.exit(1);
}
