import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Development convenience: with no API key configured, the gateway makes one and keeps it in
 * `.cache/dev-api-key` so it stays the same across restarts. Never used in production mode.
 */
export async function developmentApiKey(cacheDir: string): Promise<string> {
  const file = path.join(cacheDir, 'dev-api-key');
  try {
    const existing = (await readFile(file, 'utf8')).trim();
    if (/^[\w-]{16,}$/.test(existing)) return existing;
  } catch {
    // first start: create it below
  }
  const key = `dev-${randomBytes(18).toString('base64url')}`;
  await mkdir(cacheDir, { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600 });
  return key;
}
