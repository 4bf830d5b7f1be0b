import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { AgentCardVersion } from '../../store/agent-repository.js';

const addFormats = addFormatsModule.default;
const SCHEMA_DIRECTORY = new URL('../../../schemas/a2a/', import.meta.url);
/** `$ref`s of the generated v1.0 bundle that name one message's file, e.g. `lf.a2a.v1.AgentSkill.jsonschema.json`. */
const FILE_REF = /^(?:lf\.a2a\.v1|google\.protobuf)\.([A-Za-z0-9]+)\.jsonschema\.json$/;

export type AgentCardValidators = Readonly<Record<AgentCardVersion, ValidateFunction>>;

type JsonObject = Record<string, unknown>;

/**
 * Compiles the A2A Agent Card validators from registry/schemas/a2a (see its README), once at
 * start-up. Throws when a file is missing or does not compile: the registry must not run without them.
 */
export function loadAgentCardValidators(directory: URL = SCHEMA_DIRECTORY): AgentCardValidators {
  const read = (name: string): JsonObject => JSON.parse(readFileSync(new URL(name, directory), 'utf8')) as JsonObject;

  const v03 = new Ajv({ strict: false, allErrors: true });
  addFormats(v03);
  v03.addSchema(read('a2a-v0.3.0.schema.json'), 'a2a-v0.3.0');
  const validateV03 = v03.getSchema('a2a-v0.3.0#/definitions/AgentCard');
  if (validateV03 === undefined) throw new Error('a2a-v0.3.0.schema.json has no definitions/AgentCard');

  const v10 = new Ajv2020({ strict: false, allErrors: true });
  addFormats(v10);
  v10.addSchema(bundleOfV10(read('a2a-v1.0.0.schema.json'), read('a2a-v1.0-required-fields.json') as Record<string, string[]>), 'a2a-v1.0.0');
  const validateV10 = v10.getSchema('a2a-v1.0.0#/definitions/Agent%20Card');
  if (validateV10 === undefined) throw new Error('a2a-v1.0.0.schema.json has no definitions/Agent Card');

  return Object.freeze({ '0.3': validateV03, '1.0': validateV10 });
}

/**
 * The v1.0 bundle made self-contained: definitions are titled ("Agent Skill") while `$ref`s name
 * files ("lf.a2a.v1.AgentSkill.jsonschema.json"), so each file ref becomes `#/definitions/<title>`
 * of the definition whose title without spaces matches; nested `$schema` keys go (Ajv wants them at
 * the root only); and each definition gets the `required` list of its proto message.
 */
function bundleOfV10(bundle: JsonObject, required: Record<string, string[]>): JsonObject {
  const definitions = bundle.definitions as Record<string, JsonObject>;
  const titleOf = new Map(Object.keys(definitions).map((title) => [title.replace(/\s+/g, ''), title]));
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (typeof node !== 'object' || node === null) return node;
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(node as JsonObject)) {
      if (key === '$schema') continue;
      if (key === '$ref' && typeof value === 'string') {
        const file = FILE_REF.exec(value);
        const title = file ? titleOf.get(file[1] as string) : undefined;
        if (file && title === undefined) throw new Error(`a2a-v1.0.0.schema.json refers to ${value}, which the bundle does not define`);
        out.$ref = title === undefined ? value : `#/definitions/${encodeURIComponent(title)}`;
        continue;
      }
      out[key] = rewrite(value);
    }
    return out;
  };
  const rewritten: Record<string, JsonObject> = {};
  for (const [title, definition] of Object.entries(definitions)) {
    const fields = required[title.replace(/\s+/g, '')];
    rewritten[title] = { ...(rewrite(definition) as JsonObject), ...(fields ? { required: fields } : {}) };
  }
  return { $schema: bundle.$schema, definitions: rewritten };
}

export type { ErrorObject };
