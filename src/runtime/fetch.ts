/** Downloads that report their bytes as they arrive, for the element's progress over the whole load. */

/** `received` bytes of `total` (undefined: the size is not known). */
export type ByteProgress = (received: number, total: number | undefined) => void;

/**
 * Fetches `url` whole, reporting its decoded bytes as they arrive. The size is the Content-Length of an
 * uncompressed response, else `expected` (the shipped file's size): a gzipped response's Content-Length counts
 * compressed bytes, and some servers send none.
 */
export async function fetchBytes(url: string, expected: number | undefined, onBytes: ByteProgress): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const length = Number(response.headers.get('Content-Length'));
  const encoded = !!response.headers.get('Content-Encoding');
  const total = length > 0 && !encoded ? length : expected;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onBytes(received, total === undefined ? undefined : Math.max(total, received));
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  onBytes(received, received);
  return bytes;
}
