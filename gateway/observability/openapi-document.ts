/** Where the operations API (metrics, dead letters) is documented; merged into `/api/v1/openapi.json`. */
import { fileURLToPath } from 'node:url';

/** docs/operations.openapi.json */
export const OPERATIONS_API_DOCUMENT = fileURLToPath(new URL('../../docs/operations.openapi.json', import.meta.url));
