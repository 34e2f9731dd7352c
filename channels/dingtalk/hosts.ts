/**
 * The outbound host allow-list. DingTalk callbacks carry a `sessionWebhook` URL that we POST the reply to;
 * a forged or tampered callback must never turn the gateway into an open HTTP client (SSRF), so every
 * outbound URL is checked here first. Pure functions.
 */

/** A parsed `allowedHosts` entry. `port` undefined means any port. */
export interface AllowedHost {
  readonly host: string;
  readonly port: number | undefined;
}

/** Why a URL was refused. */
export type HostCheck =
  | { readonly ok: true; readonly url: URL }
  | {
      readonly ok: false;
      readonly reason: 'invalid_url' | 'scheme' | 'plain_http_not_loopback' | 'host';
      readonly host?: string;
    };

/** Parses `host` or `host:port` (`[::1]:8080` for IPv6); undefined when malformed. */
export function parseAllowedHost(entry: string): AllowedHost | undefined {
  const trimmed = entry.trim().toLowerCase();
  if (trimmed === '' || /[/?#@\s]/.test(trimmed)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${trimmed}`);
  } catch {
    return undefined;
  }
  if (url.hostname === '') return undefined;
  const explicitPort = /:(\d+)$/.exec(trimmed);
  return { host: url.hostname, port: explicitPort?.[1] === undefined ? undefined : Number(explicitPort[1]) };
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

function effectivePort(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'http:' ? 80 : 443;
}

/**
 * Checks an outbound URL against the allow-list: https to an allowed host, or plain http to an allowed
 * loopback host. Entries without a port match any port.
 */
export function checkOutboundUrl(raw: string, allowedHosts: readonly string[]): HostCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'invalid_url' };
  }
  const host = url.hostname.toLowerCase();
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'scheme', host };
  if (url.protocol === 'http:' && !isLoopbackHost(host)) return { ok: false, reason: 'plain_http_not_loopback', host };
  if (url.username !== '' || url.password !== '') return { ok: false, reason: 'host', host };
  const port = effectivePort(url);
  for (const entry of allowedHosts) {
    const allowed = parseAllowedHost(entry);
    if (allowed === undefined) continue;
    if (allowed.host === host && (allowed.port === undefined || allowed.port === port)) return { ok: true, url };
  }
  return { ok: false, reason: 'host', host };
}

/** A URL without query and fragment, for logs (sessionWebhook `session=` and robot `access_token=` are secrets). */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '<invalid url>';
  }
}
