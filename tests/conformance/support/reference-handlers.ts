import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { z } from 'zod';
import {
  CallToolRequestSchema, CompleteRequestSchema, CreateMessageResultSchema, ElicitResultSchema, ErrorCode, GetPromptRequestSchema, ListPromptsRequestSchema, ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema, ListToolsRequestSchema, McpError, ReadResourceRequestSchema, SetLevelRequestSchema,
  SubscribeRequestSchema, UnsubscribeRequestSchema, type CallToolResult, type GetPromptResult, type ServerNotification, type ServerRequest, type Tool,
} from '@modelcontextprotocol/sdk/types.js';

/** A 1x1 PNG and a minimal WAV file, base64. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';
const NO_ARGUMENTS = { type: 'object' as const, properties: {} };
const TEMPLATE = /^test:\/\/template\/([^/]+)\/data$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value: string): CallToolResult => ({ content: [{ type: 'text', text: value }] });

/**
 * What a tool may do beyond answering: talk to the client and cut its own event stream. Requests to
 * the client go out on the stream of the tools/call they serve, so that they never depend on the
 * client having opened its GET stream yet.
 */
export interface ToolContext {
  sendRequest: <T extends typeof ElicitResultSchema | typeof CreateMessageResultSchema>(request: ServerRequest, schema: T) => Promise<z.infer<T>>;
  sendNotification: (notification: ServerNotification) => Promise<void>;
  progressToken: string | number | undefined;
  /** Ends the event stream carrying this request's answer, so that the client resumes with Last-Event-ID. */
  closeStream: () => void;
}

const TOOLS: Tool[] = [
  { name: 'test_simple_text', description: 'Returns simple text content', inputSchema: NO_ARGUMENTS },
  { name: 'test_image_content', description: 'Returns image content', inputSchema: NO_ARGUMENTS },
  { name: 'test_audio_content', description: 'Returns audio content', inputSchema: NO_ARGUMENTS },
  { name: 'test_embedded_resource', description: 'Returns an embedded resource', inputSchema: NO_ARGUMENTS },
  { name: 'test_multiple_content_types', description: 'Returns text, image and resource content', inputSchema: NO_ARGUMENTS },
  { name: 'test_tool_with_logging', description: 'Sends log messages while it runs', inputSchema: NO_ARGUMENTS },
  { name: 'test_tool_with_progress', description: 'Reports progress while it runs', inputSchema: NO_ARGUMENTS },
  { name: 'test_error_handling', description: 'Always fails', inputSchema: NO_ARGUMENTS },
  { name: 'test_reconnection', description: 'Closes its event stream mid-call and answers after the client resumes', inputSchema: NO_ARGUMENTS },
  {
    name: 'test_sampling',
    description: 'Asks the client for an LLM completion',
    inputSchema: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
  },
  {
    name: 'test_elicitation',
    description: 'Asks the user for input',
    inputSchema: { type: 'object', properties: { message: { type: 'string' } }, required: ['message'] },
  },
  { name: 'test_elicitation_sep1034_defaults', description: 'Elicitation with default values (SEP-1034)', inputSchema: NO_ARGUMENTS },
  { name: 'test_elicitation_sep1330_enums', description: 'Elicitation with every enum form (SEP-1330)', inputSchema: NO_ARGUMENTS },
  {
    name: 'json_schema_2020_12_tool',
    description: 'Tool with JSON Schema 2020-12 features (SEP-1613)',
    inputSchema: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { address: { type: 'object', properties: { street: { type: 'string' }, city: { type: 'string' } } } },
      properties: { name: { type: 'string' }, address: { $ref: '#/$defs/address' } },
      additionalProperties: false,
    },
  },
];

/** Every tool the suite's scenarios call, by name. */
export const REFERENCE_TOOL_NAMES = TOOLS.map((tool) => tool.name);

async function elicit(context: ToolContext, message: string, requestedSchema: Record<string, unknown>): Promise<CallToolResult> {
  try {
    const request = { method: 'elicitation/create', params: { mode: 'form', message, requestedSchema } } as ServerRequest;
    const answer = await context.sendRequest(request, ElicitResultSchema);
    return text(`Elicitation completed: action=${answer.action}, content=${JSON.stringify(answer.content ?? {})}`);
  } catch (error) {
    return text(`Elicitation failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function callTool(name: string, args: Record<string, unknown>, context: ToolContext): Promise<CallToolResult> {
  switch (name) {
    case 'test_simple_text':
      return text('This is a simple text response for testing.');
    case 'test_image_content':
      return { content: [{ type: 'image', data: PNG, mimeType: 'image/png' }] };
    case 'test_audio_content':
      return { content: [{ type: 'audio', data: WAV, mimeType: 'audio/wav' }] };
    case 'test_embedded_resource':
      return { content: [{ type: 'resource', resource: { uri: 'test://embedded-resource', mimeType: 'text/plain', text: 'This is an embedded resource content.' } }] };
    case 'test_multiple_content_types':
      return {
        content: [
          { type: 'text', text: 'Multiple content types test:' },
          { type: 'image', data: PNG, mimeType: 'image/png' },
          { type: 'resource', resource: { uri: 'test://mixed-content-resource', mimeType: 'application/json', text: '{"test":"data","value":123}' } },
        ],
      };
    case 'test_tool_with_logging':
      for (const step of ['Tool execution started', 'Tool processing data', 'Tool execution completed']) {
        await context.sendNotification({ method: 'notifications/message', params: { level: 'info', data: step } });
        await sleep(20);
      }
      return text('Tool with logging executed successfully');
    case 'test_tool_with_progress':
      for (const progress of [0, 50, 100]) {
        if (context.progressToken !== undefined) {
          await context.sendNotification({ method: 'notifications/progress', params: { progressToken: context.progressToken, progress, total: 100 } });
        }
        await sleep(20);
      }
      return text(`Progress reported for token ${String(context.progressToken)}`);
    case 'test_error_handling':
      return { isError: true, content: [{ type: 'text', text: 'This tool intentionally returns an error for testing' }] };
    case 'test_reconnection':
      context.closeStream();
      await sleep(100);
      return text('Reconnection test completed successfully');
    case 'test_sampling': {
      try {
        const request: ServerRequest = {
          method: 'sampling/createMessage',
          params: { messages: [{ role: 'user', content: { type: 'text', text: String(args.prompt ?? '') } }], maxTokens: 100 },
        };
        const answer = await context.sendRequest(request, CreateMessageResultSchema);
        const content = answer.content as { type: string; text?: string };
        return text(`LLM response: ${content.type === 'text' ? content.text : '(no text)'}`);
      } catch (error) {
        return text(`Sampling failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    case 'test_elicitation':
      return elicit(context, String(args.message ?? ''), {
        type: 'object',
        properties: { response: { type: 'string', description: "User's response" } },
        required: ['response'],
      });
    case 'test_elicitation_sep1034_defaults':
      return elicit(context, 'Please review the form fields and their defaults', {
        type: 'object',
        properties: {
          name: { type: 'string', description: 'User name', default: 'John Doe' },
          age: { type: 'integer', description: 'User age', default: 30 },
          score: { type: 'number', description: 'User score', default: 95.5 },
          status: { type: 'string', description: 'User status', enum: ['active', 'inactive', 'pending'], default: 'active' },
          verified: { type: 'boolean', description: 'Verification status', default: true },
        },
        required: [],
      });
    case 'test_elicitation_sep1330_enums': {
      const choices = (titles: string[], prefix: string) => titles.map((title, index) => ({ const: `${prefix}${index + 1}`, title }));
      return elicit(context, 'Please choose from the enum fields', {
        type: 'object',
        properties: {
          untitledSingle: { type: 'string', description: 'Pick one', enum: ['option1', 'option2', 'option3'] },
          titledSingle: { type: 'string', description: 'Pick one (titled)', oneOf: choices(['First Option', 'Second Option', 'Third Option'], 'value') },
          legacyEnum: { type: 'string', description: 'Pick one (legacy)', enum: ['opt1', 'opt2', 'opt3'], enumNames: ['Option One', 'Option Two', 'Option Three'] },
          untitledMulti: { type: 'array', description: 'Pick several', minItems: 1, maxItems: 3, items: { type: 'string', enum: ['option1', 'option2', 'option3'] } },
          titledMulti: {
            type: 'array',
            description: 'Pick several (titled)',
            minItems: 1,
            maxItems: 3,
            items: { anyOf: choices(['First Choice', 'Second Choice', 'Third Choice'], 'value') },
          },
        },
        required: [],
      });
    }
    case 'json_schema_2020_12_tool':
      return text(`JSON Schema 2020-12 tool called with ${JSON.stringify(args)}`);
    default:
      throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
  }
}

const RESOURCES = [
  { uri: 'test://static-text', name: 'static-text', description: 'A static text resource', mimeType: 'text/plain' },
  { uri: 'test://static-binary', name: 'static-binary', description: 'A static binary resource', mimeType: 'image/png' },
  { uri: 'test://watched-resource', name: 'watched-resource', description: 'A resource clients may subscribe to', mimeType: 'text/plain' },
];

function readResource(uri: string) {
  if (uri === 'test://static-text') return { contents: [{ uri, mimeType: 'text/plain', text: 'This is the content of the static text resource.' }] };
  if (uri === 'test://static-binary') return { contents: [{ uri, mimeType: 'image/png', blob: PNG }] };
  if (uri === 'test://watched-resource') return { contents: [{ uri, mimeType: 'text/plain', text: 'Watched resource content' }] };
  const template = TEMPLATE.exec(uri);
  if (template) return { contents: [{ uri, mimeType: 'application/json', text: JSON.stringify({ id: template[1], templateTest: true }) }] };
  throw new McpError(ErrorCode.InvalidParams, `Resource not found: ${uri}`);
}

const PROMPTS = [
  { name: 'test_simple_prompt', description: 'A prompt without arguments' },
  {
    name: 'test_prompt_with_arguments',
    description: 'A prompt with two arguments',
    arguments: [{ name: 'arg1', description: 'First argument', required: true }, { name: 'arg2', description: 'Second argument', required: true }],
  },
  {
    name: 'test_prompt_with_embedded_resource',
    description: 'A prompt embedding a resource',
    arguments: [{ name: 'resourceUri', description: 'URI of the resource to embed', required: true }],
  },
  { name: 'test_prompt_with_image', description: 'A prompt with an image' },
];

function getPrompt(name: string, args: Record<string, string>): GetPromptResult {
  switch (name) {
    case 'test_simple_prompt':
      return { messages: [{ role: 'user', content: { type: 'text', text: 'This is a simple prompt for testing.' } }] };
    case 'test_prompt_with_arguments':
      return { messages: [{ role: 'user', content: { type: 'text', text: `Prompt with arguments: arg1='${args.arg1}', arg2='${args.arg2}'` } }] };
    case 'test_prompt_with_embedded_resource':
      return {
        messages: [
          { role: 'user', content: { type: 'resource', resource: { uri: args.resourceUri ?? '', mimeType: 'text/plain', text: 'Embedded resource content for testing.' } } },
          { role: 'user', content: { type: 'text', text: 'Please process the embedded resource above.' } },
        ],
      };
    case 'test_prompt_with_image':
      return {
        messages: [
          { role: 'user', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
          { role: 'user', content: { type: 'text', text: 'Please analyze the image above.' } },
        ],
      };
    default:
      throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${name}`);
  }
}

/**
 * One session's MCP server with everything the conformance suite's server scenarios exercise.
 * `closeStream(requestId)` ends the event stream that carries a request's answer.
 */
export function createReferenceServer(closeStream: (requestId: string | number) => void): Server {
  const server = new Server(
    { name: 'mcpgw-conformance-reference', version: '1.0.0' },
    { capabilities: { tools: { listChanged: true }, resources: { subscribe: true, listChanged: true }, prompts: { listChanged: true }, logging: {}, completions: {} } },
  );
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: TOOLS }));
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    callTool(request.params.name, request.params.arguments ?? {}, {
      sendRequest: extra.sendRequest,
      sendNotification: extra.sendNotification,
      progressToken: request.params._meta?.progressToken,
      closeStream: () => closeStream(extra.requestId),
    }),
  );
  server.setRequestHandler(ListResourcesRequestSchema, () => ({ resources: RESOURCES }));
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: [{ uriTemplate: 'test://template/{id}/data', name: 'template', description: 'A resource template', mimeType: 'application/json' }],
  }));
  server.setRequestHandler(ReadResourceRequestSchema, (request) => readResource(request.params.uri));
  server.setRequestHandler(SubscribeRequestSchema, () => ({}));
  server.setRequestHandler(UnsubscribeRequestSchema, () => ({}));
  server.setRequestHandler(ListPromptsRequestSchema, () => ({ prompts: PROMPTS }));
  server.setRequestHandler(GetPromptRequestSchema, (request) => getPrompt(request.params.name, request.params.arguments ?? {}));
  server.setRequestHandler(SetLevelRequestSchema, () => ({}));
  server.setRequestHandler(CompleteRequestSchema, () => ({ completion: { values: [], total: 0, hasMore: false } }));
  return server;
}
