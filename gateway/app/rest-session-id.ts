/** Session ids: `[A-Za-z0-9._:-]`, 1..200 chars. REST sessions are `rest:default:{id}`; a full key addresses any channel. */
const SESSION_ID = /^[\w.:@-]{1,200}$/;

export function isValidSessionId(id: string): boolean {
  return SESSION_ID.test(id);
}

/** The memory key of a session id given on the REST API. Pure. */
export function sessionKeyOf(id: string, restTenant: string): string {
  const parts = id.split(':');
  if (parts.length >= 3 && parts[0] !== '' && parts[1] !== '') return id;
  return `rest:${restTenant}:${id}`;
}
