/**
 * Groups (`auth.groups`): a ceiling shared by every credential in the group. A principal gets at most the
 * group's scopes and is accepted only from the group's addresses; each group a principal belongs to applies.
 * Groups that are not configured (e.g. from an identity provider's `groups` claim) only label the principal.
 */
import type { Scope } from '../config/schema.js';
import { createIpAllowList } from './ip-allow-list.js';

/** One group as configured. */
export interface GroupConfig {
  readonly scopes?: readonly Scope[] | undefined;
  readonly allowIps?: readonly string[] | undefined;
}

/** The outcome of applying the groups to a principal. */
export interface GroupDecision {
  /** The principal's scopes, narrowed by every configured group it belongs to. */
  readonly scopes: readonly Scope[];
  /** The first group whose allow-list refuses the address, if any. */
  readonly refusedBy: string | undefined;
}

/** Applies configured groups to principals. */
export interface GroupPolicies {
  /** True when `name` is configured under `auth.groups`. */
  has(name: string): boolean;
  apply(scopes: readonly Scope[], groups: readonly string[], ip: string | undefined): GroupDecision;
}

/** Builds the policies once at start-up. */
export function createGroupPolicies(groups: Readonly<Record<string, GroupConfig>> = {}): GroupPolicies {
  const compiled = new Map(
    Object.entries(groups).map(([name, group]) => [
      name,
      {
        scopes: group.scopes,
        allowed:
          group.allowIps === undefined || group.allowIps.length === 0 ? undefined : createIpAllowList(group.allowIps),
      },
    ]),
  );
  return {
    has: (name) => compiled.has(name),
    apply(scopes, names, ip) {
      let narrowed = [...scopes];
      let refusedBy: string | undefined;
      for (const name of names) {
        const group = compiled.get(name);
        if (group === undefined) continue;
        if (group.scopes !== undefined) narrowed = narrowScopes(narrowed, group.scopes);
        if (refusedBy === undefined && group.allowed !== undefined && !group.allowed(ip)) refusedBy = name;
      }
      return { scopes: narrowed, refusedBy };
    },
  };
}

/**
 * The scopes of `held` that `ceiling` permits. `admin` in the ceiling permits everything; `admin` held under a
 * narrower ceiling becomes the ceiling's scopes.
 */
export function narrowScopes(held: readonly Scope[], ceiling: readonly Scope[]): Scope[] {
  if (ceiling.includes('admin')) return [...held];
  const expanded: readonly Scope[] = held.includes('admin') ? ['chat', 'agent'] : held;
  return expanded.filter((scope) => ceiling.includes(scope));
}
