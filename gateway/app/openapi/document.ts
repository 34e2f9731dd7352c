/**
 * The OpenAPI 3.1 document of a gateway: its own paths, one entry per configured channel endpoint, and any
 * extra documents (the agent console API in docs/agent-api.openapi.json) merged in. Add a route: describe it in
 * paths.ts (or in the extra document of the module that owns it); a test fails for any route missing here.
 */
import { corePaths } from './paths.js';
import { components } from './schemas.js';
import { HTTP_METHODS, type JsonObject, type OpenApiDocument, type PathItem } from './types.js';

/** A channel endpoint: a webhook (`router.all`) or an SDK receiver mounted with `use`. */
export interface ChannelEndpoint {
  readonly channel: string;
  readonly path: string;
}

/** Options of {@link buildOpenApiDocument}. */
export interface OpenApiOptions {
  readonly version: string;
  readonly channels: readonly ChannelEndpoint[];
  /** Documents merged in, in order (their paths, components and tags). */
  readonly extra?: readonly OpenApiDocument[];
}

const CHANNEL_NOTES: Readonly<Record<string, { summary: string; methods: readonly ('get' | 'post')[] }>> = {
  wechat_official: {
    summary: 'WeChat official account server URL: GET echoes the signature check, POST carries XML messages',
    methods: ['get', 'post'],
  },
  dingtalk: { summary: 'DingTalk robot callbacks (signed JSON)', methods: ['post'] },
  slack: { summary: 'Slack Events API, slash command and interactivity (signed)', methods: ['post'] },
};

function channelPathItem(endpoint: ChannelEndpoint): PathItem {
  const note = CHANNEL_NOTES[endpoint.channel] ?? {
    summary: `Webhook of the ${endpoint.channel} channel`,
    methods: ['post'],
  };
  const item: PathItem = {};
  for (const method of note.methods) {
    item[method] = {
      operationId: `${endpoint.channel}Webhook${method === 'get' ? 'Verify' : ''}`,
      tags: ['channels'],
      summary: note.summary,
      description:
        'Called by the platform, not by API clients: authenticated by the platform signature, answered in the ' +
        "platform's own wire format. See channels/<name>/README.md.",
      security: [],
      responses: { '200': { description: 'Accepted, in the platform format' } },
    };
  }
  return item;
}

/** `/api/v1/sessions/:id` -> `/api/v1/sessions/{id}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

function mergePathItem(into: PathItem | undefined, from: PathItem): PathItem {
  const merged: PathItem = { ...from, ...into };
  for (const method of HTTP_METHODS) {
    const operation = into?.[method] ?? from[method];
    if (operation !== undefined) merged[method] = operation;
  }
  return merged;
}

/**
 * Merges `extra` into `base`: new paths are added, existing paths gain the methods they lack, component
 * entries and tags are added where the name is new. `base` wins every conflict. Returns a new document.
 */
export function mergeOpenApi(base: OpenApiDocument, extra: OpenApiDocument): OpenApiDocument {
  const paths: Record<string, PathItem> = { ...base.paths };
  for (const [path, item] of Object.entries(extra.paths)) paths[path] = mergePathItem(paths[path], item);
  const baseComponents = base.components ?? {};
  const merged: Record<string, Record<string, unknown>> = { ...baseComponents };
  for (const [section, entries] of Object.entries(extra.components ?? {})) {
    merged[section] = { ...entries, ...baseComponents[section] };
  }
  const tags = [...(base.tags ?? [])];
  for (const tag of extra.tags ?? []) if (!tags.some((t) => t.name === tag.name)) tags.push(tag);
  return { ...base, paths, components: merged, tags };
}

/** Builds the document. */
export function buildOpenApiDocument(options: OpenApiOptions): OpenApiDocument {
  const paths = corePaths();
  for (const endpoint of options.channels) paths[toOpenApiPath(endpoint.path)] = channelPathItem(endpoint);
  const info: JsonObject = {
    title: 'Clawbot gateway API',
    version: options.version,
    description:
      'REST API of a Clawbot gateway for custom front ends, plus the channel webhooks. Errors answer ' +
      '`{"error": {"code", "message"}}` (the OAuth token endpoint follows RFC 6749 instead). Guide: docs/api.md.',
    license: { name: 'MIT', identifier: 'MIT' },
  };
  const base: OpenApiDocument = {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info,
    servers: [{ url: '/', description: 'This gateway' }],
    security: [{ bearer: [] }],
    tags: [
      { name: 'status', description: 'Liveness, readiness, this document' },
      { name: 'chat', description: 'The REST channel' },
      { name: 'access', description: 'Tokens and pairing of API clients' },
      { name: 'channels', description: 'Platform webhooks (called by WeChat, DingTalk, Slack)' },
    ],
    paths,
    components: components(),
  };
  return (options.extra ?? []).reduce(mergeOpenApi, base);
}

/** True when `value` looks like an OpenAPI document (an object with `openapi` and `paths`). */
export function isOpenApiDocument(value: unknown): value is OpenApiDocument {
  if (typeof value !== 'object' || value === null) return false;
  const doc = value as Record<string, unknown>;
  return typeof doc['openapi'] === 'string' && typeof doc['paths'] === 'object' && doc['paths'] !== null;
}
