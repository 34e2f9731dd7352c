/** Server-sent events over an Express response: headers, events with ids, keep-alive comments. */
import type { Request, Response } from 'express';

export interface SseStream {
  send(event: string, data: unknown): void;
  /** Runs `fn` when the client goes away. */
  onClose(fn: () => void): void;
}

/** Open streams, so a shutting-down gateway can end them (they would otherwise hold the server open). */
export type SseRegistry = Set<() => void>;

/** Ends every open stream of a registry. */
export function endStreams(registry: SseRegistry): void {
  for (const end of [...registry]) end();
}

/** Opens an event stream on `res` and pings every `pingMs` so proxies keep it open. */
export function openSse(req: Request, res: Response, registry?: SseRegistry, pingMs = 20_000): SseStream {
  res.status(200).set({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  res.write('retry: 3000\n\n');
  let seq = 0;
  const closers: (() => void)[] = [];
  const ping = setInterval(() => res.write(': ping\n\n'), pingMs);
  ping.unref();
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(ping);
    registry?.delete(end);
    for (const fn of closers) fn();
  };
  const end = (): void => {
    close();
    res.end();
  };
  registry?.add(end);
  req.on('close', close);
  res.on('close', close);
  return {
    send(event, data) {
      if (closed) return;
      seq += 1;
      res.write(`id: ${seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    onClose(fn) {
      closers.push(fn);
    },
  };
}
