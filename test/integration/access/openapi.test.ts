import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import type { Logger } from '../../../core/logger.js';
import { silentLogger } from '../../../core/logger.js';
import {
  buildOpenApiDocument,
  mergeOpenApi,
  toOpenApiPath,
  type OpenApiDocument,
} from '../../../gateway/app/openapi/index.js';
import { openapiRoutes } from '../../../gateway/app/routes/openapi.js';
import { getJson, startGateway, type TestGateway } from '../../helpers/gateway.js';
import { expressRoutes } from './support.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/** Every `$ref` in `value`. */
function refsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsIn(item, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') found.push(item);
      else refsIn(item, found);
    }
  }
  return found;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  assert.ok(ref.startsWith('#/'), ref);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>(
      (node, part) => (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')],
      doc,
    );
}

describe('GET /api/v1/openapi.json', () => {
  let gw: TestGateway;
  let doc: OpenApiDocument;
  before(async () => {
    gw = await startGateway({
      channels: {
        wechat_official: { token: 'token123', appId: 'wx0123456789abcdef', appSecret: 'app-secret' },
        dingtalk: { appKey: 'ding-app-key', appSecret: 'ding-app-secret' },
        slack: { signingSecret: 'slack-signing-secret', botToken: 'xoxb-test', botUserId: 'U0BOT' },
      },
    });
    const answer = await getJson<OpenApiDocument>(gw.url, '/api/v1/openapi.json');
    assert.equal(answer.status, 200);
    assert.match(answer.contentType, /application\/json/);
    doc = answer.body;
  });
  after(() => gw.close());

  it('is a public OpenAPI 3.1 document with the gateway version', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.equal(doc.info['version'], '0.0.0-test');
    assert.equal(typeof doc.info['title'], 'string');
  });

  it('documents every route registered on the Express app, with its methods', () => {
    const routes = expressRoutes(gw.gateway.app);
    assert.ok(routes.length >= 10, `found only ${routes.length} routes`);
    const missing: string[] = [];
    for (const route of routes) {
      const item = doc.paths[toOpenApiPath(route.path)] as Record<string, unknown> | undefined;
      if (item === undefined) {
        missing.push(`${route.methods.join(',')} ${route.path}`);
        continue;
      }
      const concrete = route.methods.filter((m) => METHODS.includes(m));
      for (const method of concrete) if (item[method] === undefined) missing.push(`${method} ${route.path}`);
      if (concrete.length === 0 && !METHODS.some((m) => item[m] !== undefined)) missing.push(`any ${route.path}`);
    }
    assert.deepEqual(missing, [], 'routes missing from the OpenAPI document');
  });

  it('has no stale paths: each documented gateway path is a registered route', () => {
    const registered = new Set(expressRoutes(gw.gateway.app).map((r) => toOpenApiPath(r.path)));
    const own = buildOpenApiDocument({ version: 'x', channels: [] });
    for (const path of Object.keys(own.paths)) assert.ok(registered.has(path), `${path} is documented but not served`);
  });

  it('describes the channel webhooks at their configured paths', () => {
    for (const path of ['/wechat', '/dingtalk', '/slack/events']) {
      const item = doc.paths[path];
      assert.ok(item, path);
      assert.deepEqual(item.post?.tags, ['channels']);
    }
    assert.ok(doc.paths['/wechat']?.get, 'WeChat verifies the URL with GET');
  });

  it('resolves every $ref and gives every operation a unique operationId and responses', () => {
    for (const ref of refsIn(doc)) assert.ok(resolvePointer(doc, ref) !== undefined, `unresolved ${ref}`);
    const ids: string[] = [];
    for (const item of Object.values(doc.paths)) {
      for (const method of METHODS) {
        const op = (item as Record<string, { operationId?: string; responses?: object } | undefined>)[method];
        if (op === undefined) continue;
        ids.push(op.operationId ?? '');
        assert.ok(op.responses && Object.keys(op.responses).length > 0);
      }
    }
    assert.equal(new Set(ids).size, ids.length, `duplicate operationIds: ${ids.join(', ')}`);
    assert.ok(!ids.includes(''));
  });

  it('documents the RFC 6749 error shape of the token endpoint and the security schemes', () => {
    const token = doc.paths['/api/v1/oauth/token']?.post as { responses: Record<string, { content: object }> };
    assert.match(JSON.stringify(token.responses['401']), /OAuthError/);
    assert.ok(Object.keys(token).includes('requestBody'));
    const schemes = doc.components?.['securitySchemes'] as Record<string, { type: string }>;
    assert.equal(schemes['bearer']?.type, 'http');
    assert.equal(schemes['oauth2']?.type, 'oauth2');
  });
});

describe('merging the agent API document', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'clawbot-openapi-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const agentDoc: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: 'Agent API', version: '1' },
    tags: [{ name: 'agent', description: 'Agent console' }, { name: 'chat' }],
    paths: {
      '/api/v1/tickets': { get: { operationId: 'listTickets', responses: { '200': { description: 'ok' } } } },
      '/api/v1/chat': { get: { operationId: 'shouldNotReplacePost', responses: { '200': { description: 'x' } } } },
    },
    components: { schemas: { Ticket: { type: 'object' }, Error: { type: 'string' } } },
  };

  it('adds paths, methods, schemas and tags; the gateway wins conflicts', () => {
    const merged = mergeOpenApi(buildOpenApiDocument({ version: '1', channels: [] }), agentDoc);
    assert.ok(merged.paths['/api/v1/tickets']?.get);
    assert.ok(merged.paths['/api/v1/chat']?.post, 'existing operation kept');
    assert.ok(merged.paths['/api/v1/chat']?.get, 'new method added');
    const schemas = merged.components?.['schemas'] as Record<string, { type?: string }>;
    assert.deepEqual(schemas['Ticket'], { type: 'object' });
    assert.equal(schemas['Error']?.type, 'object', 'the gateway Error schema stays');
    assert.equal(merged.tags?.filter((t) => t.name === 'chat').length, 1);
    assert.ok(merged.tags?.some((t) => t.name === 'agent'));
  });

  it('the route serves a merged extra document and skips broken ones with a warning', async () => {
    const good = join(dir, 'agent-api.openapi.json');
    const broken = join(dir, 'broken.json');
    const notOpenApi = join(dir, 'other.json');
    await writeFile(good, JSON.stringify(agentDoc));
    await writeFile(broken, '{"openapi": ');
    await writeFile(notOpenApi, '{"hello": "world"}');
    const warnings: string[] = [];
    const log = { ...silentLogger, warn: (_o: unknown, msg?: string) => warnings.push(msg ?? '') } as Logger;
    const app = express();
    app.use(
      openapiRoutes({
        version: '9',
        channels: [],
        log,
        extraDocuments: [good, broken, notOpenApi, join(dir, 'absent.json')],
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const served = await getJson<OpenApiDocument>(`http://127.0.0.1:${port}`, '/api/v1/openapi.json');
      assert.ok(served.body.paths['/api/v1/tickets']);
      assert.equal(warnings.length, 2, warnings.join('; '));
    } finally {
      server.close();
    }
  });
});
