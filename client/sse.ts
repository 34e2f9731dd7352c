/**
 * A server-sent events reader over a fetch body (WHATWG EventSource parsing rules: `event`, `data`, `id`,
 * `retry` fields, comments, CR/LF/CRLF line ends, multi-line data joined with "\n").
 */

/** One event from the stream. */
export interface ServerSentEvent {
  /** The `event:` field; `"message"` when absent. */
  readonly event: string;
  /** The `data:` lines joined with newlines. */
  readonly data: string;
  /** The last `id:` seen on the stream, if any. */
  readonly id?: string;
  /** The `retry:` hint in milliseconds, if the event carried one. */
  readonly retry?: number;
}

/**
 * Yields the events of a `text/event-stream` body until it ends. Stops (and cancels the body) when the
 * consumer breaks out of the loop.
 *
 * @example for await (const event of parseServerSentEvents(response.body)) console.log(event.event, event.data);
 */
export async function* parseServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let data: string[] = [];
  let event = '';
  let lastId: string | undefined;
  let retry: number | undefined;
  let first = true;
  const dispatch = (): ServerSentEvent | undefined => {
    const out =
      data.length === 0
        ? undefined
        : {
            event: event === '' ? 'message' : event,
            data: data.join('\n'),
            ...(lastId === undefined ? {} : { id: lastId }),
            ...(retry === undefined ? {} : { retry }),
          };
    data = [];
    event = '';
    retry = undefined;
    return out;
  };
  const line = (text: string): ServerSentEvent | undefined => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) return undefined;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
    return undefined;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      buffer += done ? decoder.decode() : decoder.decode(value, { stream: true });
      if (first && buffer.length > 0) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      let match: RegExpExecArray | null;
      // A lone CR at the very end may be the first half of CRLF: wait for more unless the stream ended.
      const ends = done ? /\r\n|\r|\n/ : /\r\n|\r(?!$)|\n/;
      while ((match = ends.exec(buffer)) !== null) {
        const out = line(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
        if (out !== undefined) yield out;
      }
      if (done) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
    reader.releaseLock();
  }
}
