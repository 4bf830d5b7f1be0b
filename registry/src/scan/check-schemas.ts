import { Ajv, type AnySchema } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ListedItem, ScanFinding } from '../store/health-repository.js';

const DRAFT_07 = /draft-0[4-7]/;

/** One validator per draft; schemas are compiled, never used to validate data here. */
const validators = { draft07: new Ajv({ strict: false, validateFormats: false }), draft2020: new Ajv2020({ strict: false, validateFormats: false }) };

/**
 * Checks each tool's inputSchema (required, an object schema) and outputSchema (when given) as
 * JSON Schema, in the draft the schema names (2020-12 by default, as MCP says).
 */
export function checkSchemas(tools: readonly ListedItem[]): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const tool of tools) {
    const target = `tool:${typeof tool.name === 'string' ? tool.name : '(unnamed)'}`;
    const input = tool.inputSchema as Record<string, unknown> | undefined;
    if (input === undefined || input === null || typeof input !== 'object' || input.type !== 'object') {
      findings.push({ rule: 'invalid-schema', severity: 'high', target, message: `${target} has no inputSchema of type "object"` });
    }
    for (const [key, schema] of [['inputSchema', tool.inputSchema], ['outputSchema', tool.outputSchema]] as const) {
      if (schema === undefined || schema === null || typeof schema !== 'object') continue;
      const problem = compileProblem(schema as Record<string, unknown>);
      if (problem !== undefined) findings.push({ rule: 'invalid-schema', severity: 'high', target, message: `${target} ${key} is not a valid JSON Schema: ${problem}` });
    }
  }
  return findings;
}

function compileProblem(schema: Record<string, unknown>): string | undefined {
  const ajv = typeof schema.$schema === 'string' && DRAFT_07.test(schema.$schema) ? validators.draft07 : validators.draft2020;
  const { $id: _id, ...anonymous } = schema;
  try {
    ajv.compile(anonymous as AnySchema);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
