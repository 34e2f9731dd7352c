/** Reads extra OpenAPI documents (e.g. docs/agent-api.openapi.json) at start-up; missing files are skipped. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { isOpenApiDocument } from './document.js';
import type { OpenApiDocument } from './types.js';

/** The agent console API, documented by the handoff module; merged into the served document when present. */
export const AGENT_API_DOCUMENT = fileURLToPath(new URL('../../../docs/agent-api.openapi.json', import.meta.url));

/** Parses each file that exists; a file that is not an OpenAPI document is logged and skipped. */
export function loadOpenApiDocuments(paths: readonly string[], log: Logger): OpenApiDocument[] {
  const documents: OpenApiDocument[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        log.warn({ path, err: describeError(error) }, 'cannot read an OpenAPI document; not served');
      }
      continue;
    }
    try {
      const value: unknown = JSON.parse(text);
      if (isOpenApiDocument(value)) documents.push(value);
      else log.warn({ path }, 'not an OpenAPI document (no openapi/paths); not served');
    } catch (error) {
      log.warn({ path, err: describeError(error) }, 'invalid JSON in an OpenAPI document; not served');
    }
  }
  return documents;
}
