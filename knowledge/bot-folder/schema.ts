/**
 * The bot folder format (a public contract): `bot.yaml`, `intents.yaml`, `faq.yaml`, `graph.yaml`
 * (`.yml` and `.json` work too). Objects are strict, so a misspelt key is reported instead of ignored.
 */
import { z } from 'zod';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

/** An identifier: letters, digits, `_`, `.`, `-`; starts with a letter or digit. */
export const idSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
    'must be an id: letters, digits, "_", "." or "-", starting with a letter or digit',
  );

export const languageSchema = z.enum(['zh', 'en']);

/** `{zh, en}`: a text in both languages. */
export const localizedSchema = z.strictObject({ zh: nonEmpty, en: nonEmpty });

/** TEXT: one string for every language, or `{zh, en}`. */
export const textSchema = z.union([nonEmpty, localizedSchema], { error: 'must be a text or {zh, en}' });

const threshold = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');

/** `bot.yaml`. */
export const botFileSchema = z.strictObject({
  name: nonEmpty,
  languages: z.array(languageSchema).min(1, 'needs at least one language'),
  handoff: z.strictObject({
    threshold,
    perIntent: z.record(z.string(), threshold).optional(),
  }),
  messages: z.strictObject({
    welcome: textSchema,
    fallback: textSchema,
    handoff: textSchema,
    apology: textSchema,
    unsupported: textSchema,
  }),
});

export const intentActionSchema = z.enum(['faq', 'kg', 'handoff', 'smalltalk']);

/** `intents.yaml`: a list of intents. */
export const intentsFileSchema = z.array(
  z.strictObject({
    intent: idSchema,
    examples: z.array(nonEmpty).min(1, 'needs at least one example'),
    answer: textSchema.optional(),
    action: intentActionSchema.optional(),
  }),
);

/** `faq.yaml`: a list of FAQ entries. */
export const faqFileSchema = z.array(
  z.strictObject({
    id: idSchema,
    questions: z.array(nonEmpty).min(1, 'needs at least one question'),
    answer: textSchema,
    tags: z.array(nonEmpty).optional(),
  }),
);

const scalarSchema = z.union([z.string(), z.number(), z.boolean(), localizedSchema], {
  error: 'must be a string, number, boolean or {zh, en}',
});

/** `graph.yaml`: entities, `[subject, predicate, object]` relations and attribute definitions. */
export const graphFileSchema = z.strictObject({
  attributes: z
    .record(
      idSchema,
      z.strictObject({
        label: textSchema,
        synonyms: z.array(nonEmpty),
        template: textSchema.optional(),
      }),
    )
    .optional(),
  entities: z
    .array(
      z.strictObject({
        id: idSchema,
        type: nonEmpty,
        name: textSchema,
        aliases: z.array(nonEmpty).optional(),
        attributes: z
          .record(
            z.string(),
            z.union([scalarSchema, z.array(scalarSchema)], {
              error: 'must be a string, number, boolean, {zh, en} or a list of those',
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  relations: z.array(z.tuple([nonEmpty, nonEmpty, nonEmpty])).optional(),
});

export type BotFile = z.infer<typeof botFileSchema>;
export type IntentsFile = z.infer<typeof intentsFileSchema>;
export type FaqFile = z.infer<typeof faqFileSchema>;
export type GraphFile = z.infer<typeof graphFileSchema>;
export type TextInput = z.infer<typeof textSchema>;
