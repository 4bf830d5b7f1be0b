/** A server file as the original MCP Gateway & Registry ships them (registry/servers/*.json). */
export const ORIGINAL_SERVER_FILE = {
  server_name: 'SQLite MCP Server',
  description: 'Local SQLite MCP server for database operations',
  path: '/sqlite/',
  proxy_pass_url: 'http://127.0.0.1:3031/',
  supported_transports: ['streamable-http'],
  auth_type: 'none',
  tags: [],
  num_tools: 1,
  num_stars: 0,
  is_python: false,
  license: 'N/A',
  tool_list: [
    {
      name: 'read_query',
      parsed_description: { main: 'No description available.', args: null, returns: null, raises: null },
      schema: { type: 'object', properties: { query: { type: 'string', description: 'SELECT SQL query to execute' } }, required: ['query'] },
    },
  ],
};
