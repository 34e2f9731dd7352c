/** Pure helpers for Hugging Face compatible hub addresses and local paths. */
import { BotError } from '../../core/errors.js';

/** The public hub; mirrors are set with `endpoint` (e.g. from HF_ENDPOINT). */
export const DEFAULT_ENDPOINT = 'https://huggingface.co';

const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/;

/** Checks a repository id such as `BAAI/bge-small-zh-v1.5`. */
export function assertRepoId(id: string): void {
  if (!REPO_ID.test(id) || id.includes('..')) {
    throw new BotError('request.invalid', `"${id}" is not a model id (expected owner/name)`);
  }
}

/** Checks a file path inside a repository: relative, no `..`, no backslashes. */
export function assertRepoFile(file: string): void {
  const parts = file.split('/');
  if (
    file === '' ||
    file.startsWith('/') ||
    file.includes('\\') ||
    parts.some((p) => p === '' || p === '.' || p === '..')
  ) {
    throw new BotError('request.invalid', `"${file}" is not a file path inside a model repository`);
  }
}

/** `{endpoint}/{id}/resolve/{revision}/{file}` with each path segment encoded. */
export function resolveUrl(endpoint: string, id: string, revision: string, file: string): string {
  const base = endpoint.replace(/\/+$/, '');
  const enc = (path: string): string => path.split('/').map(encodeURIComponent).join('/');
  return `${base}/${enc(id)}/resolve/${encodeURIComponent(revision)}/${enc(file)}`;
}

/** A sha256 from an ETag-like header value (`"abc…"`, `W/"abc…"`), or undefined when it is not 64 hex digits. */
export function sha256FromEtag(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const bare = value.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(bare) ? bare : undefined;
}

/** Parses `Content-Range: bytes START-END/TOTAL`. */
export function parseContentRange(value: string | null): { start: number; total: number | undefined } | undefined {
  const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(value?.trim() ?? '');
  if (m === null) return undefined;
  return { start: Number(m[1]), total: m[2] === '*' ? undefined : Number(m[2]) };
}
