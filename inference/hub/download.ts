/**
 * Downloads one file with resume: bytes go to `<file>.part`, a retry after a dropped connection asks for the rest
 * with an HTTP Range request, the finished file is checked against its sha256 and only then renamed into place.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat, truncate } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Clock } from '../../core/clock.js';
import { BotError, describeError } from '../../core/errors.js';
import { parseContentRange, sha256FromEtag } from './paths.js';

export type FetchFn = typeof fetch;

export interface DownloadProgress {
  file: string;
  receivedBytes: number;
  totalBytes: number | undefined;
}

export interface DownloadRequest {
  /** Repository path, for messages and progress. */
  file: string;
  url: string;
  dest: string;
  /** Pinned sha256; otherwise the hub's X-Linked-Etag / ETag when it is a sha256. */
  sha256?: string;
  headers: Record<string, string>;
  retries: number;
  onProgress?: (p: DownloadProgress) => void;
  signal?: AbortSignal;
}

export interface DownloadResult {
  bytes: number;
  sha256: string;
  verified: 'pinned' | 'hub' | 'none';
  resumed: boolean;
  skipped: boolean;
}

/** What a HEAD request says about a file (following relative redirects, reading LFS headers before the CDN hop). */
interface HeadInfo {
  status: number;
  url: string;
  size: number | undefined;
  sha256: string | undefined;
}

async function head(
  url: string,
  headers: Record<string, string>,
  fetchFn: FetchFn,
  signal?: AbortSignal,
): Promise<HeadInfo> {
  let current = url;
  let size: number | undefined;
  let sha: string | undefined;
  for (let hop = 0; hop < 5; hop++) {
    const res = await fetchFn(current, { method: 'HEAD', headers, redirect: 'manual', ...(signal ? { signal } : {}) });
    if (res.status === 405 || res.status === 501) {
      // A mirror without HEAD: download anyway (no size or hash from headers; a pinned sha256 still applies).
      return { status: 200, url: current, size, sha256: sha };
    }
    sha ??= sha256FromEtag(res.headers.get('x-linked-etag')) ?? sha256FromEtag(res.headers.get('etag'));
    const linkedSize = res.headers.get('x-linked-size') ?? undefined;
    if (linkedSize !== undefined) size ??= Number(linkedSize);
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location !== null) {
      current = new URL(location, current).toString();
      continue;
    }
    const length = res.headers.get('content-length');
    if (res.ok && length !== null) size ??= Number(length);
    return { status: res.status, url: current, size, sha256: sha };
  }
  throw new BotError('inference.unavailable', `too many redirects for ${url}`);
}

/** sha256 (hex) of a file. */
export function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function sizeOf(path: string): Promise<number> {
  return existsSync(path) ? (await stat(path)).size : 0;
}

/** Appends the response body to `part`; resolves with bytes written, rejects (keeping the bytes) on a drop. */
async function appendBody(res: Response, part: string, onChunk: (n: number) => void): Promise<void> {
  if (res.body === null) return;
  const out = createWriteStream(part, { flags: 'a' });
  const closed = new Promise<void>((resolve, reject) => {
    out.on('close', resolve);
    out.on('error', reject);
  });
  try {
    for await (const chunk of res.body) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      onChunk((chunk as Uint8Array).byteLength);
    }
  } finally {
    out.end();
    await closed;
  }
}

/**
 * Downloads `req.url` to `req.dest` (resuming `dest.part` if present). Missing file: `not_found`; HTTP or network
 * failure after the retries: `inference.unavailable`; hash mismatch: `inference.model_invalid` (the part is removed).
 */
export async function downloadFile(
  req: DownloadRequest,
  deps: { fetch: FetchFn; clock: Clock },
): Promise<DownloadResult> {
  const signalOpt = req.signal ? { signal: req.signal } : {};
  const info = await head(req.url, req.headers, deps.fetch, req.signal);
  if (info.status === 404) throw new BotError('not_found', `${req.file} is not in the repository (${req.url})`);
  if (info.status === 401 || info.status === 403) {
    throw new BotError(
      'auth.forbidden',
      `the hub refused ${req.file} (HTTP ${info.status}); a gated model needs HF_TOKEN`,
    );
  }
  if (info.status >= 400)
    throw new BotError('inference.unavailable', `the hub answered HTTP ${info.status} for ${req.file}`);
  const expected = req.sha256?.toLowerCase() ?? info.sha256;
  const verified = req.sha256 !== undefined ? 'pinned' : info.sha256 !== undefined ? 'hub' : 'none';

  if (existsSync(req.dest)) {
    const size = await sizeOf(req.dest);
    const upToDate =
      expected !== undefined ? (await hashFile(req.dest)) === expected : info.size !== undefined && size === info.size;
    if (upToDate)
      return { bytes: size, sha256: expected ?? (await hashFile(req.dest)), verified, resumed: false, skipped: true };
  }

  await mkdir(dirname(req.dest), { recursive: true });
  const part = `${req.dest}.part`;
  let resumed = false;
  let lastError: unknown;
  for (let attempt = 0; attempt <= req.retries; attempt++) {
    if (attempt > 0) await deps.clock.sleep(Math.min(200 * 2 ** (attempt - 1), 5000), req.signal);
    let have = await sizeOf(part);
    if (info.size !== undefined && have > info.size) {
      await truncate(part, 0);
      have = 0;
    }
    if (info.size !== undefined && have === info.size) break;
    const headers = { ...req.headers, ...(have > 0 ? { Range: `bytes=${have}-` } : {}) };
    try {
      const res = await deps.fetch(info.url, { headers, ...signalOpt });
      if (res.status === 416) {
        await truncate(part, 0);
        throw new BotError('inference.unavailable', `the hub refused the range of ${req.file}; restarting`);
      }
      if (!res.ok) throw new BotError('inference.unavailable', `the hub answered HTTP ${res.status} for ${req.file}`);
      let received = have;
      if (res.status === 206) {
        const range = parseContentRange(res.headers.get('content-range'));
        if (range?.start !== have) {
          await truncate(part, 0);
          throw new BotError('inference.unavailable', `the hub sent an unexpected range for ${req.file}`);
        }
        resumed = resumed || have > 0;
      } else if (have > 0) {
        await truncate(part, 0); // the server ignored the Range header: start over
        received = 0;
      }
      const length = res.headers.get('content-length');
      const total = info.size ?? (length === null ? undefined : received + Number(length));
      await appendBody(res, part, (n) => {
        received += n;
        req.onProgress?.({ file: req.file, receivedBytes: received, totalBytes: total });
      });
      if (info.size !== undefined && received < info.size) {
        throw new BotError(
          'inference.unavailable',
          `connection closed after ${received} of ${info.size} bytes of ${req.file}`,
        );
      }
      lastError = undefined;
      break;
    } catch (error) {
      if (req.signal?.aborted === true) throw error;
      lastError = error;
    }
  }
  if (lastError !== undefined) {
    throw new BotError('inference.unavailable', `downloading ${req.file} failed: ${describeError(lastError)}`, {
      cause: lastError,
    });
  }
  const actual = await hashFile(part);
  if (expected !== undefined && actual !== expected) {
    await rm(part, { force: true });
    throw new BotError(
      'inference.model_invalid',
      `sha256 of ${req.file} is ${actual}, expected ${expected} (${verified === 'pinned' ? 'pinned' : 'from the hub'}); the download was discarded`,
    );
  }
  await rename(part, req.dest);
  return { bytes: await sizeOf(req.dest), sha256: actual, verified, resumed, skipped: false };
}
