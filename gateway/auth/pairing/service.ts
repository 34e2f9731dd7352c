/**
 * Pairing of new API clients: a client asks with its id and a secret and gets a short code; an operator approves
 * or rejects the code (`clawbot pairing approve CODE`); an approved client then gets tokens with the standard
 * OAuth2 client-credentials grant. Secrets are kept only as scrypt hashes.
 */
import { z } from 'zod';
import type { Clock } from '../../../core/clock.js';
import { BotError } from '../../../core/errors.js';
import type { Scope } from '../../config/schema.js';
import { generatePairingCode, normalisePairingCode } from './codes.js';
import { DECOY_SECRET_HASH, hashSecret, verifySecret } from './secrets.js';
import {
  addRequest,
  approveRequest,
  livePending,
  prune,
  rejectRequest,
  revokeClient,
  statusOf,
  type PairedClientRecord,
  type PairingRequestRecord,
  type PairingState,
  type PairingStatus,
} from './state.js';
import type { PairingChange, PairingStore } from './store.js';

/** A pairing request as shown to clients and operators (no secret hash). */
export interface PairingView {
  readonly code: string;
  readonly clientId: string;
  readonly status: PairingStatus;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly decidedAt?: number;
  readonly remoteAddress?: string;
}

/** A paired client as shown to operators. */
export interface PairedClientView {
  readonly clientId: string;
  readonly scopes: readonly Scope[];
  readonly groups: readonly string[];
  readonly approvedAt: number;
  readonly code: string;
}

/** Options of {@link createPairingService}. */
export interface PairingServiceOptions {
  /** How long a code waits for approval (default one hour). */
  readonly ttlMs?: number;
  /** Requests allowed to wait at once (default 3). */
  readonly maxPending?: number;
  /** Scopes an approval grants unless told otherwise (default `['chat']`). */
  readonly defaultScopes?: readonly Scope[];
  /** How long decided or expired requests still answer status polls (default 24 hours). */
  readonly retainMs?: number;
}

export interface PairingService {
  /** Starts pairing. Asking again with the same id and secret while pending returns the same code. */
  request(input: { clientId: string; secret: string; remoteAddress?: string | undefined }): Promise<PairingView>;
  /** The status of a code; `not_found` for unknown (or long gone) codes. */
  status(code: string): Promise<PairingView>;
  /** Pending and recent requests (newest first) and every paired client. */
  list(): Promise<{ requests: PairingView[]; clients: PairedClientView[] }>;
  approve(code: string, grant?: { scopes?: readonly Scope[]; groups?: readonly string[] }): Promise<PairedClientView>;
  reject(code: string): Promise<PairingView>;
  revoke(clientId: string): Promise<PairedClientView>;
  /** The paired client when id and secret match; `undefined` otherwise (same work either way). */
  authenticateClient(clientId: string, secret: string): Promise<PairedClientView | undefined>;
}

/** `client_id` rules: 3-64 letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
export const clientIdSchema = z
  .string({ error: 'client_id is required' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$/, 'client_id must be 3-64 letters, digits, . _ - (starting alphanumeric)');
/** Client secrets: 16-256 characters. */
export const clientSecretSchema = z
  .string({ error: 'secret is required' })
  .min(16, 'secret must be at least 16 characters (e.g. `openssl rand -base64 32`)')
  .max(256, 'secret must be at most 256 characters');

function viewOf(request: PairingRequestRecord, now: number): PairingView {
  return {
    code: request.code,
    clientId: request.clientId,
    status: statusOf(request, now),
    createdAt: request.createdAt,
    expiresAt: request.expiresAt,
    ...(request.decidedAt === undefined ? {} : { decidedAt: request.decidedAt }),
    ...(request.remoteAddress === undefined ? {} : { remoteAddress: request.remoteAddress }),
  };
}

function clientViewOf(client: PairedClientRecord): PairedClientView {
  return {
    clientId: client.clientId,
    scopes: client.scopes,
    groups: client.groups,
    approvedAt: client.approvedAt,
    code: client.code,
  };
}

function codeOf(input: string): string {
  const code = normalisePairingCode(input);
  if (code === undefined) throw new BotError('not_found', 'no pairing request with that code (8 letters and digits)');
  return code;
}

/**
 * Creates the service over a store.
 *
 * @example
 * const pairing = createPairingService({ ttlMs: 3_600_000, maxPending: 3 }, { store, clock: systemClock });
 * const { code } = await pairing.request({ clientId: 'shop-web', secret });
 */
export function createPairingService(
  options: PairingServiceOptions,
  deps: { store: PairingStore; clock: Clock; random?: (max: number) => number },
): PairingService {
  const { store, clock } = deps;
  const ttlMs = options.ttlMs ?? 3_600_000;
  const maxPending = options.maxPending ?? 3;
  const retainMs = options.retainMs ?? 86_400_000;
  const defaultScopes = options.defaultScopes ?? ['chat'];
  const nextCode = (): string => generatePairingCode(deps.random);

  /** Runs a change on the pruned state. */
  const update = <T>(change: PairingChange<T>): Promise<T> =>
    store.update((state) => change(prune(state, clock.now(), retainMs)));
  const read = async (): Promise<PairingState> => prune(await store.read(), clock.now(), retainMs);

  return {
    async request(input) {
      const clientId = parseField(clientIdSchema, input.clientId);
      const secret = parseField(clientSecretSchema, input.secret);
      const snapshot = await read();
      const waiting = livePending(snapshot, clock.now()).find((r) => r.clientId === clientId);
      if (waiting !== undefined) {
        if (await verifySecret(secret, waiting.secretHash)) return viewOf(waiting, clock.now());
        throw new BotError('pairing.conflict', `client "${clientId}" already has a pending pairing request`);
      }
      // Refuse what the update would refuse before paying for scrypt (this endpoint is public).
      addRequest(snapshot, { clientId, secretHash: '', now: clock.now(), ttlMs, maxPending, nextCode });
      const secretHash = await hashSecret(secret);
      const now = clock.now();
      const created = await update((state) =>
        addRequest(state, {
          clientId,
          secretHash,
          now,
          ttlMs,
          maxPending,
          nextCode,
          remoteAddress: input.remoteAddress,
        }),
      );
      return viewOf(created, now);
    },

    async status(input) {
      const code = codeOf(input);
      const request = (await read()).requests.find((r) => r.code === code);
      if (request === undefined) throw new BotError('not_found', `no pairing request with code ${code}`);
      return viewOf(request, clock.now());
    },

    async list() {
      const state = await read();
      const now = clock.now();
      return {
        requests: [...state.requests].sort((a, b) => b.createdAt - a.createdAt).map((r) => viewOf(r, now)),
        clients: state.clients.map(clientViewOf),
      };
    },

    async approve(input, grant = {}) {
      const code = codeOf(input);
      const scopes = grant.scopes !== undefined && grant.scopes.length > 0 ? grant.scopes : defaultScopes;
      const groups = grant.groups ?? [];
      const now = clock.now();
      return clientViewOf(await update((state) => approveRequest(state, code, { scopes, groups, now })));
    },

    async reject(input) {
      const code = codeOf(input);
      const now = clock.now();
      return viewOf(await update((state) => rejectRequest(state, code, now)), now);
    },

    async revoke(clientId) {
      return clientViewOf(await update((state) => revokeClient(state, clientId)));
    },

    async authenticateClient(clientId, secret) {
      const client = (await store.read()).clients.find((c) => c.clientId === clientId);
      const matches = await verifySecret(secret, client?.secretHash ?? DECOY_SECRET_HASH);
      return client !== undefined && matches ? clientViewOf(client) : undefined;
    },
  };
}

function parseField<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BotError('request.invalid', parsed.error.issues.map((i) => i.message).join('; '));
  return parsed.data;
}
