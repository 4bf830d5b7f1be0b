import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { load } from 'js-yaml';

/**
 * Validators built from copies of the official MCP Registry documents (fixtures/, from
 * ../shared/specs/mcp-registry): the OpenAPI description (JSON Schema 2020-12 components) and
 * server.schema.json of 2025-12-11 (draft-07).
 */
const FIXTURES = new URL('../fixtures/', import.meta.url);
const addFormats = addFormatsModule.default;

interface OpenApiDocument {
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
}

const openApi = load(readFileSync(new URL('openapi.yaml', FIXTURES), 'utf8')) as OpenApiDocument;
const OPENAPI_ID = 'urn:mcp-registry:openapi';

// OpenAPI adds `example` to JSON Schema; strict mode would refuse it.
const openApiAjv = new Ajv2020({ strict: false, allErrors: true });
addFormats(openApiAjv);
openApiAjv.addSchema({ $id: OPENAPI_ID, components: openApi.components });

const serverSchemaAjv = new Ajv({ strict: false, allErrors: true });
addFormats(serverSchemaAjv);
const serverSchema = serverSchemaAjv.compile(JSON.parse(readFileSync(new URL('server.schema.2025-12-11.json', FIXTURES), 'utf8')) as object);

/** A component schema of the OpenAPI document, e.g. `ServerList`. */
export function openApiComponent(name: string): ValidateFunction {
  if (!(name in openApi.components.schemas)) throw new Error(`the OpenAPI document has no schema ${name}`);
  return openApiAjv.getSchema(`${OPENAPI_ID}#/components/schemas/${name}`) ?? fail(`cannot compile ${name}`);
}

/** The JSON schema of one documented response, e.g. ('/v0.1/servers/{serverName}/versions', 'get', '404'). */
export function openApiResponse(path: string, method: string, status: string): ValidateFunction {
  const schema = openApi.paths[path]?.[method]?.responses[status]?.content?.['application/json']?.schema;
  if (schema === undefined) throw new Error(`the OpenAPI document has no ${status} response for ${method} ${path}`);
  return openApiAjv.compile(schema as object);
}

/** Throws with every schema error when `value` does not validate. */
export function assertValid(validate: ValidateFunction, value: unknown, what: string): void {
  if (!validate(value)) {
    throw new Error(`${what} does not validate: ${JSON.stringify(validate.errors, null, 2)}\n${JSON.stringify(value, null, 2)}`);
  }
}

/** Asserts that a server.json validates against server.schema.2025-12-11.json. */
export function assertValidServerJson(value: unknown, what = 'server.json'): void {
  assertValid(serverSchema, value, what);
}

function fail(message: string): never {
  throw new Error(message);
}
