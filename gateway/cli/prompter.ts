/** The questions `clawbot onboard` asks, behind a small interface so tests can answer them. */

export interface Choice {
  readonly value: string;
  readonly name: string;
}

/** Returns `true` for an acceptable answer, or the message to show. */
export type Validate = (value: string) => true | string;

export interface Prompter {
  select(message: string, choices: readonly Choice[], defaultValue?: string): Promise<string>;
  checkbox(message: string, choices: readonly Choice[]): Promise<string[]>;
  input(message: string, options?: { readonly default?: string; readonly validate?: Validate }): Promise<string>;
  password(message: string, options?: { readonly validate?: Validate }): Promise<string>;
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
}

/** Prompts in the terminal with @inquirer/prompts (loaded on first use). */
export function createInquirerPrompter(): Prompter {
  const load = () => import('@inquirer/prompts');
  return {
    async select(message, choices, defaultValue) {
      const { select } = await load();
      return select({
        message,
        choices: [...choices],
        ...(defaultValue === undefined ? {} : { default: defaultValue }),
      });
    },
    async checkbox(message, choices) {
      const { checkbox } = await load();
      return checkbox({ message, choices: [...choices] });
    },
    async input(message, options = {}) {
      const { input } = await load();
      return input({
        message,
        ...(options.default === undefined ? {} : { default: options.default }),
        ...(options.validate === undefined ? {} : { validate: options.validate }),
      });
    },
    async password(message, options = {}) {
      const { password } = await load();
      return password({
        message,
        mask: '*',
        ...(options.validate === undefined ? {} : { validate: options.validate }),
      });
    },
    async confirm(message, defaultValue) {
      const { confirm } = await load();
      return confirm({ message, default: defaultValue });
    },
  };
}
