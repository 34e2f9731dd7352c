/**
 * A loopback Hugging Face compatible hub speaking the real wire format: `/{id}/resolve/{rev}/{file}` answers small
 * files directly (git-blob ETag) and LFS files with a 302 carrying X-Linked-Etag / X-Linked-Size to a blob URL that
 * honours Range requests. Faults: drop the connection mid-file once, ignore Range, serve corrupted bytes.
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubFile {
  content: Uint8Array;
  lfs?: boolean;
}

export interface HubRequest {
  method: string;
  url: string;
  range: string | undefined;
  authorization: string | undefined;
}

export interface FakeHub {
  endpoint: string;
  requests: HubRequest[];
  /** Repository files by `${id}/${file}`. */
  files: Map<string, HubFile>;
  faults: { dropAfterBytes?: number; ignoreRange?: boolean; corrupt?: boolean; prefix?: string; noHead?: boolean };
  close(): Promise<void>;
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

function send(
  res: ServerResponse,
  req: IncomingMessage,
  status: number,
  headers: Record<string, string>,
  body?: Uint8Array,
): void {
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || body === undefined) res.end();
  else res.end(Buffer.from(body));
}

/** Starts the fake hub on 127.0.0.1 (random port). */
export async function startFakeHub(): Promise<FakeHub> {
  const files = new Map<string, HubFile>();
  const requests: HubRequest[] = [];
  const faults: FakeHub['faults'] = {};
  const blobs = new Map<string, Uint8Array>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hub');
    requests.push({
      method: req.method ?? 'GET',
      url: url.pathname,
      range: req.headers.range,
      authorization: req.headers.authorization,
    });
    if (faults.noHead === true && req.method === 'HEAD') return send(res, req, 405, {});
    let path = decodeURIComponent(url.pathname);
    const prefix = faults.prefix ?? '';
    if (!path.startsWith(`${prefix}/`)) return send(res, req, 404, {});
    path = path.slice(prefix.length);
    const blob = /^\/lfs\/([0-9a-f]{64})$/.exec(path);
    if (blob !== null) {
      const real = blobs.get(blob[1]!);
      if (real === undefined) return send(res, req, 404, {});
      const body = faults.corrupt === true ? real.map((b) => b ^ 0xff) : real;
      const etag = `"${blob[1]}"`;
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      if (m !== null && faults.ignoreRange !== true) {
        const start = Number(m[1]);
        if (start >= body.length) return send(res, req, 416, { 'content-range': `bytes */${body.length}` });
        const part = body.subarray(start);
        return send(
          res,
          req,
          206,
          {
            etag,
            'content-length': String(part.length),
            'content-range': `bytes ${start}-${body.length - 1}/${body.length}`,
          },
          part,
        );
      }
      if (req.method === 'GET' && faults.dropAfterBytes !== undefined) {
        const cut = faults.dropAfterBytes;
        delete faults.dropAfterBytes;
        res.writeHead(200, { etag, 'content-length': String(body.length) });
        res.write(Buffer.from(body.subarray(0, cut)), () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      return send(res, req, 200, { etag, 'content-length': String(body.length), 'accept-ranges': 'bytes' }, body);
    }
    const resolved = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec(path);
    if (resolved === null) return send(res, req, 404, {});
    const file = files.get(`${resolved[1]}/${resolved[3]}`);
    if (file === undefined) return send(res, req, 404, { 'x-error-code': 'EntryNotFound' });
    const hash = sha256(file.content);
    if (file.lfs === true) {
      blobs.set(hash, file.content);
      return send(res, req, 302, {
        location: `${prefix}/lfs/${hash}`,
        'x-linked-etag': `"${hash}"`,
        'x-linked-size': String(file.content.length),
        'x-repo-commit': 'a'.repeat(40),
        etag: `"${'b'.repeat(40)}"`,
      });
    }
    const gitBlob = createHash('sha1').update(file.content).digest('hex');
    return send(res, req, 200, { etag: `"${gitBlob}"`, 'content-length': String(file.content.length) }, file.content);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    files,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
