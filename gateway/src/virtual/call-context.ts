import { AsyncLocalStorage } from 'node:async_hooks';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

export type ClientRequestExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * The client's request being served while a member works on it. A member's request to the client
 * (elicitation, sampling, roots) arrives on the member call's own stream, inside this context, so it
 * can be sent to the client on the stream of the request that caused it.
 */
export const clientRequestContext = new AsyncLocalStorage<ClientRequestExtra>();
