import { fileURLToPath } from 'node:url';
import { createLogger } from '@mcpgw/lib/logging/logger.js';
import { REGISTRY_MCP_ENDPOINT } from '@mcpgw/lib/registry/registry-mcp-server.js';
import { Stack } from './stack/run-stack.js';

/** `npm start`: the whole stack until Ctrl-C or SIGTERM. */
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const logger = createLogger('stack');
let stack: Stack;
try {
  stack = new Stack({ repoRoot, logger });
} catch (error) {
  logger.fatal({ code: (error as { code?: string }).code }, (error as Error).message);
  process.exit(1);
}

let exiting = false;
const stopAndExit = (status: number): void => {
  if (exiting) return;
  exiting = true;
  stack.stop().then(
    () => process.exit(status),
    (error: unknown) => {
      logger.error({ err: error }, 'stopping the stack failed');
      process.exit(1);
    },
  );
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    logger.info({ signal }, 'stopping the stack');
    stopAndExit(0);
  });
}
stack.onUnexpectedExit((error) => {
  logger.error({ code: error.code }, error.message);
  stopAndExit(1);
});

try {
  await stack.start();
} catch (error) {
  if (!exiting) {
    logger.fatal({ code: (error as { code?: string }).code }, `the stack did not start: ${(error as Error).message}`);
    stopAndExit(1);
  }
}
if (!exiting) {
  await new Promise<void>((resolve) => logger.flush(() => resolve()));
  const { config } = stack;
  const lines = [
    '',
    `MCP gateway ready at ${stack.gatewayUrl}`,
    `  registry:    ${stack.registryUrl}`,
    `  data dir:    ${config.dataDir}`,
    ...config.examples.map((example) => `  ${`${example.name}:`.padEnd(12)} ${stack.gatewayUrl}${example.path}/mcp`),
    `  ${'mcpgw:'.padEnd(12)} ${stack.gatewayUrl}${REGISTRY_MCP_ENDPOINT}`,
    '',
    'Get a token:  npx mcpgw token --user alice --groups mcp-registry-admin',
    `Try it:       npx mcpgw client list --url ${stack.gatewayUrl}${config.examples[0]?.path ?? '/currenttime'}/mcp --token <token>`,
    'Stop with Ctrl-C.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}
