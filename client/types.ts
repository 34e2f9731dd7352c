/** Wire types of the Clawbot REST API (snake_case, as the gateway sends them). See docs/api.md. */

export type Scope = 'chat' | 'agent' | 'admin';

/** `POST /api/v1/chat` body. */
export interface ChatRequest {
  readonly query: string;
  /** Continue a session; the gateway creates one when absent. */
  readonly session_id?: string;
  /** The end user (per-user limits, handoff). */
  readonly user_id?: string;
}

/** `POST /api/v1/chat` answer. */
export interface ChatResponse {
  readonly reply: string;
  readonly confidence: number;
  readonly handoff: boolean;
  readonly intent: string | null;
  readonly session_id: string;
  readonly sources: readonly string[];
  readonly message_id?: string;
}

/** One reply inside a session turn. */
export interface SessionReply {
  readonly author: 'bot' | 'agent';
  readonly text: string;
  readonly at: string;
  readonly agent_id?: string;
}

/** `GET /api/v1/sessions/:id` answer. */
export interface Session {
  readonly session_id: string;
  readonly turns: readonly { readonly user: string; readonly replies: readonly SessionReply[]; readonly at: string }[];
}

/** `GET /api/v1/health` answer. */
export interface Health {
  readonly status: 'ok';
  readonly version: string;
  readonly uptime: number;
}

/** `GET /api/v1/ready` answer (200 or 503). */
export interface Readiness {
  readonly status: 'ready' | 'not_ready';
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

/** A pairing request as `POST /api/v1/pair` and `GET /api/v1/pair/:code` answer it. */
export interface Pairing {
  readonly code: string;
  readonly status: 'pending' | 'approved' | 'rejected' | 'expired';
  readonly client_id: string;
  readonly expires_at: string;
  /** Seconds left, while pending. */
  readonly expires_in?: number;
  /** Where to get tokens, once approved. */
  readonly token_endpoint?: string;
}

/** `POST /api/v1/oauth/token` answer (RFC 6749 §5.1). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: 'Bearer';
  readonly expires_in: number;
  readonly scope: string;
}

/** An event from `GET /api/v1/sessions/:id/events`; `data` is parsed JSON when it is JSON, else the text. */
export interface ClawbotEvent {
  readonly event: string;
  readonly data: unknown;
  readonly id?: string;
}
