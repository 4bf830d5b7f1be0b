/** Reads a fetch body until `until` holds for the text so far; returns that text. */
export async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, until: (text: string) => boolean, sofar = ''): Promise<string> {
  const decoder = new TextDecoder();
  let text = sofar;
  while (!until(text)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`stream ended before the expected text; got ${JSON.stringify(text)}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

/** Reads a fetch body to its end. */
export async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>, sofar = ''): Promise<string> {
  const decoder = new TextDecoder();
  let text = sofar;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
}
