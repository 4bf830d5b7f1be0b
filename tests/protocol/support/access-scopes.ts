import { withAdministrator } from '../../support/scopes.js';

/**
 * The scopes.yml of the access tests: an administrator who registers servers, and callers whose
 * entries list tools, prompts and resources on the paged servers (or do not).
 */
export const ACCESS_SCOPES = withAdministrator(`
group_mappings:
  lister: [paged/lister]
  narrow: [paged/narrow]
  unlisted: [paged/unlisted]
  batcher: [batches/batcher]
  notes-reader: [notes/reader]
paged/lister:
  - server: paged-json
    methods: [tools/list, prompts/list, prompts/get, resources/list, resources/read, resources/templates/list, completion/complete]
    tools: [echo, get_time, export_data]
    prompts: [summarise, greet]
    resources: ['test://docs/*', 'test://index']
  - server: paged-sse
    methods: [tools/list, prompts/list, prompts/get, resources/list, resources/read, resources/templates/list, completion/complete]
    tools: [echo, get_time, export_data]
    prompts: [summarise, greet]
    resources: ['test://docs/*', 'test://index']
paged/narrow:
  - server: '*'
    methods: [tools/list, prompts/list, resources/list, resources/templates/list, resources/read]
    tools: [echo]
    prompts: []
    resources: ['test://index']
paged/unlisted:
  - server: '*'
    methods: [all]
    tools: [all]
batches/batcher:
  - server: '*'
    methods: [tools/list, tools/call, prompts/list, prompts/get]
    tools: [echo]
    prompts: [summarise]
notes/reader:
  - server: notes
    methods: [prompts/list, resources/list, resources/templates/list, resources/read]
    prompts: []
    resources: ['notes://all']
`);
