import { fileURLToPath } from 'node:url';

/** Absolute path of the bundled demo bot folder (`bots/demo-shop`), resolved from this module's location. */
export const DEMO_BOT_DIR: string = fileURLToPath(new URL('../../bots/demo-shop', import.meta.url));
