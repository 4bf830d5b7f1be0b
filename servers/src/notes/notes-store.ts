export interface Note {
  id: string;
  title: string;
  body: string;
  createdAt: string;
}

export const SEED_NOTES: ReadonlyArray<Pick<Note, 'title' | 'body'>> = [
  { title: 'Welcome', body: 'This notebook lives in memory and starts over when the server restarts.' },
  { title: 'Gateway', body: 'Every MCP server sits behind one gateway URL; scopes.yml decides who may call which tool.' },
];

/** The notebook the notes server serves; one per server process, shared by every session. */
export class NotesStore {
  readonly #notes = new Map<string, Note>();
  #nextId = 1;

  constructor(seed: ReadonlyArray<Pick<Note, 'title' | 'body'>> = SEED_NOTES) {
    for (const note of seed) this.add(note.title, note.body);
  }

  list(): Note[] {
    return [...this.#notes.values()];
  }

  get(id: string): Note | undefined {
    return this.#notes.get(id);
  }

  add(title: string, body: string): Note {
    const note: Note = { id: String(this.#nextId++), title, body, createdAt: new Date().toISOString() };
    this.#notes.set(note.id, note);
    return note;
  }

  delete(id: string): boolean {
    return this.#notes.delete(id);
  }
}
