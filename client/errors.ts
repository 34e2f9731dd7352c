/** Errors of the client: every non-2xx answer becomes a {@link ClawbotApiError}. */

/** A failed API call. `code` is the gateway's error code (`auth.invalid`, ...) or, from the token endpoint, the
 * RFC 6749 error (`invalid_client`, ...). */
export class ClawbotApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The parsed body (or the text, when it is not JSON). */
  readonly body: unknown;
  /** `Retry-After` in seconds, when the gateway sent one (429, 503). */
  readonly retryAfter: number | undefined;

  constructor(init: { status: number; code: string; message: string; body: unknown; retryAfter?: number }) {
    super(init.message);
    this.name = 'ClawbotApiError';
    this.status = init.status;
    this.code = init.code;
    this.body = init.body;
    this.retryAfter = init.retryAfter;
  }
}

/** A pairing that ended without approval (`rejected` or `expired`). */
export class ClawbotPairingError extends Error {
  readonly status: 'rejected' | 'expired';
  readonly code: string;

  constructor(code: string, status: 'rejected' | 'expired') {
    super(`pairing ${code} was ${status}`);
    this.name = 'ClawbotPairingError';
    this.code = code;
    this.status = status;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Builds the error for a non-2xx response from its status, body and headers. */
export function apiErrorFrom(status: number, body: unknown, headers: Headers): ClawbotApiError {
  const retry = Number(headers.get('retry-after'));
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined;
  let code = `http_${status}`;
  let message = `HTTP ${status}`;
  if (isRecord(body)) {
    const error = body['error'];
    if (isRecord(error)) {
      if (typeof error['code'] === 'string') code = error['code'];
      if (typeof error['message'] === 'string') message = error['message'];
    } else if (typeof error === 'string') {
      code = error;
      message = typeof body['error_description'] === 'string' ? body['error_description'] : error;
    }
  }
  return new ClawbotApiError({ status, code, message, body, ...(retryAfter === undefined ? {} : { retryAfter }) });
}
