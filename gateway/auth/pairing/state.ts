/**
 * The pairing state and its transitions, as pure functions of (state, input, now). Both stores (JSON file, Redis)
 * persist the same document and run these functions inside their atomic update, so the gateway and the CLI
 * apply the same rules whichever store they share.
 */
import { z } from 'zod';
import { BotError } from '../../../core/errors.js';
import { scopeSchema, type Scope } from '../../config/schema.js';

/** What a request's status reads as: `expired` is derived from the clock, never stored. */
export type PairingStatus = 'pending' | 'approved' | 'rejected' | 'expired';

const requestSchema = z.object({
  code: z.string(),
  clientId: z.string(),
  secretHash: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  createdAt: z.number(),
  expiresAt: z.number(),
  decidedAt: z.number().optional(),
  remoteAddress: z.string().optional(),
});

const clientSchema = z.object({
  clientId: z.string(),
  secretHash: z.string(),
  scopes: z.array(scopeSchema),
  groups: z.array(z.string()),
  approvedAt: z.number(),
  code: z.string(),
});

/** The stored document. */
export const pairingStateSchema = z.object({
  version: z.literal(1),
  requests: z.array(requestSchema),
  clients: z.array(clientSchema),
});

export type PairingRequestRecord = z.infer<typeof requestSchema>;
export type PairedClientRecord = z.infer<typeof clientSchema>;
export type PairingState = z.infer<typeof pairingStateSchema>;

/** A state with nothing in it. */
export function emptyPairingState(): PairingState {
  return { version: 1, requests: [], clients: [] };
}

/** How a request reads at `now`. */
export function statusOf(request: PairingRequestRecord, now: number): PairingStatus {
  return request.status === 'pending' && now >= request.expiresAt ? 'expired' : request.status;
}

/** Requests still waiting for a decision at `now`, oldest first. */
export function livePending(state: PairingState, now: number): PairingRequestRecord[] {
  return state.requests.filter((r) => statusOf(r, now) === 'pending').sort((a, b) => a.createdAt - b.createdAt);
}

/** Drops requests decided or expired more than `retainMs` ago (they answer 404 from then on). */
export function prune(state: PairingState, now: number, retainMs: number): PairingState {
  const requests = state.requests.filter((r) => (r.decidedAt ?? r.expiresAt) + retainMs > now);
  return requests.length === state.requests.length ? state : { ...state, requests };
}

/** Input of {@link addRequest}. */
export interface NewRequest {
  readonly clientId: string;
  readonly secretHash: string;
  readonly now: number;
  readonly ttlMs: number;
  readonly maxPending: number;
  /** Draws a fresh code; called again while the drawn code is already in the state. */
  readonly nextCode: () => string;
  readonly remoteAddress?: string | undefined;
}

/**
 * Adds a pending request. Throws `pairing.conflict` when the client is already paired or already waiting, and
 * `pairing.too_many_pending` (details: `retryAfterSeconds`) when `maxPending` requests are waiting.
 */
export function addRequest(
  state: PairingState,
  input: NewRequest,
): { state: PairingState; result: PairingRequestRecord } {
  const { clientId, now } = input;
  if (state.clients.some((c) => c.clientId === clientId)) {
    throw new BotError(
      'pairing.conflict',
      `client "${clientId}" is already paired; get tokens from POST /api/v1/oauth/token (an operator can run \`clawbot pairing revoke ${clientId}\`)`,
    );
  }
  const pending = livePending(state, now);
  if (pending.some((r) => r.clientId === clientId)) {
    throw new BotError('pairing.conflict', `client "${clientId}" already has a pending pairing request`);
  }
  if (pending.length >= input.maxPending) {
    const oldest = pending[0]?.expiresAt ?? now;
    throw new BotError(
      'pairing.too_many_pending',
      `${pending.length} pairing requests are already waiting for approval (at most ${input.maxPending}); ` +
        'ask an operator to run `clawbot pairing list`, or try again when one expires',
      { details: { retryAfterSeconds: Math.max(1, Math.ceil((oldest - now) / 1000)) } },
    );
  }
  const taken = new Set(state.requests.map((r) => r.code));
  let code = input.nextCode();
  for (let tries = 0; taken.has(code); tries += 1) {
    if (tries > 100) throw new BotError('internal', 'could not draw an unused pairing code');
    code = input.nextCode();
  }
  const request: PairingRequestRecord = {
    code,
    clientId,
    secretHash: input.secretHash,
    status: 'pending',
    createdAt: now,
    expiresAt: now + input.ttlMs,
    ...(input.remoteAddress === undefined ? {} : { remoteAddress: input.remoteAddress }),
  };
  return { state: { ...state, requests: [...state.requests, request] }, result: request };
}

function pendingRequest(state: PairingState, code: string, now: number): PairingRequestRecord {
  const request = state.requests.find((r) => r.code === code);
  if (request === undefined) throw new BotError('not_found', `no pairing request with code ${code}`);
  const status = statusOf(request, now);
  if (status === 'expired') {
    throw new BotError('pairing.expired', `pairing code ${code} expired; the client must ask for a new one`);
  }
  if (status !== 'pending') throw new BotError('pairing.not_pending', `pairing code ${code} was already ${status}`);
  return request;
}

function decide(state: PairingState, code: string, status: 'approved' | 'rejected', now: number): PairingState {
  return {
    ...state,
    requests: state.requests.map((r) => (r.code === code ? { ...r, status, decidedAt: now } : r)),
  };
}

/** Approves a pending request and registers its client. Throws `not_found`, `pairing.expired`, `pairing.not_pending`. */
export function approveRequest(
  state: PairingState,
  code: string,
  grant: { readonly scopes: readonly Scope[]; readonly groups: readonly string[]; readonly now: number },
): { state: PairingState; result: PairedClientRecord } {
  const request = pendingRequest(state, code, grant.now);
  if (state.clients.some((c) => c.clientId === request.clientId)) {
    throw new BotError('pairing.conflict', `client "${request.clientId}" is already paired`);
  }
  const client: PairedClientRecord = {
    clientId: request.clientId,
    secretHash: request.secretHash,
    scopes: [...grant.scopes],
    groups: [...grant.groups],
    approvedAt: grant.now,
    code,
  };
  const decided = decide(state, code, 'approved', grant.now);
  return { state: { ...decided, clients: [...decided.clients, client] }, result: client };
}

/** Rejects a pending request. Throws `not_found`, `pairing.expired`, `pairing.not_pending`. */
export function rejectRequest(
  state: PairingState,
  code: string,
  now: number,
): { state: PairingState; result: PairingRequestRecord } {
  const request = pendingRequest(state, code, now);
  return { state: decide(state, code, 'rejected', now), result: { ...request, status: 'rejected', decidedAt: now } };
}

/** Removes a paired client (it gets no new tokens; tokens already issued run until they expire). */
export function revokeClient(
  state: PairingState,
  clientId: string,
): { state: PairingState; result: PairedClientRecord } {
  const client = state.clients.find((c) => c.clientId === clientId);
  if (client === undefined) throw new BotError('not_found', `no paired client "${clientId}"`);
  return { state: { ...state, clients: state.clients.filter((c) => c !== client) }, result: client };
}
