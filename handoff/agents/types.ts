/** Agent accounts: who may log in to the console, with which role and skills. */

/** `agent` answers customers; `supervisor` also sees the dashboard and acts on any ticket; `admin` as supervisor. */
export type AgentRole = 'agent' | 'supervisor' | 'admin';

export const AGENT_ROLES: readonly AgentRole[] = ['agent', 'supervisor', 'admin'];

/** A stored account. The password is kept only as a scrypt hash. */
export interface AgentAccount {
  /** Login name and agent id. */
  readonly username: string;
  /** Shown to customers ("Alice from support has joined"). */
  readonly displayName: string;
  readonly role: AgentRole;
  /** `scrypt$N$r$p$salt$hash` (see `hashPassword`). */
  readonly passwordHash: string;
  /** Customer languages served ("zh", "en"); empty = any. */
  readonly languages: readonly string[];
  /** Channels served ("rest", "wechat_official"...); empty = any. */
  readonly channels: readonly string[];
  /** Groups (skill queues) served; empty = any. */
  readonly groups: readonly string[];
  /** Most open conversations at once. */
  readonly maxConcurrent: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * Where accounts live: a JSON file (default) or Redis (when the gateway uses Redis). The CLI and every gateway
 * replica open the same directory, so an account added with `clawbot agents add` can log in at once.
 */
export interface AgentDirectory {
  get(username: string): Promise<AgentAccount | undefined>;
  /** Every account, sorted by username. */
  list(): Promise<AgentAccount[]>;
  /** Adds or replaces an account. */
  put(account: AgentAccount): Promise<void>;
  /** True when an account was removed. */
  remove(username: string): Promise<boolean>;
  close(): Promise<void>;
}

const USERNAME = /^[a-z0-9][a-z0-9._@-]{0,63}$/i;

/** Usernames: 1-64 letters, digits, `. _ @ -`, starting with a letter or digit. */
export function isValidUsername(username: string): boolean {
  return USERNAME.test(username);
}

/** The account without its password hash, as the API shows it. */
export type PublicAgent = Omit<AgentAccount, 'passwordHash'>;

/** Drops the password hash. */
export function publicAgent(account: AgentAccount): PublicAgent {
  const { passwordHash: _hash, ...rest } = account;
  return rest;
}
