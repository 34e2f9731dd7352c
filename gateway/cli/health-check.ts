/** `clawbot gateway --health-check PATH`: probes a running gateway on loopback (Docker HEALTHCHECK). */

export interface HealthProbeResult {
  readonly ok: boolean;
  readonly url: string;
  readonly status?: number;
  /** The start of the response body, or the error. */
  readonly detail: string;
}

/** The address to probe for a gateway bound to `host`: loopback for wildcard binds. */
export function probeHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '' || host === 'localhost') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** GETs `http://host:port/path`; `ok` when the status is 2xx. Never throws. */
export async function probeHealth(options: {
  readonly host: string;
  readonly port: number;
  readonly path: string;
  readonly timeoutMs?: number;
}): Promise<HealthProbeResult> {
  const path = options.path.startsWith('/') ? options.path : `/${options.path}`;
  const url = `http://${probeHost(options.host)}:${options.port}${path}`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
    const body = (await response.text()).slice(0, 500);
    return { ok: response.status >= 200 && response.status < 300, url, status: response.status, detail: body };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { ok: false, url, detail: cause ?? (error as Error).message };
  }
}
