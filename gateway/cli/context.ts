/**
 * What every CLI command gets: the environment, working directory, whether it may ask questions, output functions
 * and the exit code to finish with. One context per run; nothing lives at module level.
 */

export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** True when stdin and stdout are terminals, so prompts can be shown. */
  readonly interactive: boolean;
  /** Writes a line to stdout. */
  readonly print: (text: string) => void;
  /** Writes a line to stderr. */
  readonly printError: (text: string) => void;
  /** The process exit code when the command returns normally (commands set 1 for a failed check). */
  exitCode: number;
}

/** The context of a real run: process.env, process.cwd(), console output. */
export function createProcessContext(): CliContext {
  return {
    env: process.env,
    cwd: process.cwd(),
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    print: (text) => console.log(text),
    printError: (text) => console.error(text),
    exitCode: 0,
  };
}

/** Marks for check lines. */
export const MARK = { ok: '✔', warn: '⚠', fail: '✖' } as const;
