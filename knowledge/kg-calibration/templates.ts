/**
 * Question templates for generating knowledge-graph calibration cases, in Chinese and English: `{e}` an entity
 * name, `{a}` an attribute word, `{v}` a variant word, `{u}` a word for something the graph does not hold.
 * They are deliberately plain: what the calibration learns from is how names and attributes are linked and how
 * much of a message they explain, not the phrasing.
 */

/** An attribute of a named entity. */
export const NAMED = {
  zh: [
    '{e}{a}',
    '{e}的{a}',
    '{e}{a}是多少',
    '请问{e}的{a}',
    '{e}的{a}是什么',
    '想问一下{e}{a}',
    '{e}{a}呢',
    '我想知道{e}的{a}',
    '{e}现在{a}',
    '麻烦告诉我{e}的{a}',
    '我想买{e}，{a}多少',
    '打算入手{e}，它的{a}呢',
    '给家里人买{e}的话{a}怎么样',
  ],
  en: [
    '{a} of the {e}',
    'what is the {a} of the {e}',
    '{e} {a}',
    'whats the {e} {a}',
    'tell me the {a} of the {e}',
    'the {e} {a}?',
    '{a} {e}',
    'could you tell me the {a} for the {e}',
    'i want to know the {e} {a}',
    'please check the {a} of {e}',
    'thinking of buying the {e}, whats the {a}',
    'for my son: {e} {a}?',
    'planning to get the {e} - {a}?',
  ],
} as const;

/** An attribute asked of the entity in focus. */
export const ATTRIBUTE_FOLLOW_UP = {
  zh: ['那{a}呢', '{a}呢', '它的{a}', '{a}是多少', '那它的{a}呢', '{a}怎么样'],
  en: ['what about the {a}', 'and the {a}?', 'whats its {a}', '{a}?', 'how about its {a}', 'what is its {a}'],
} as const;

/** The attribute in focus asked of another named entity. */
export const ENTITY_FOLLOW_UP = {
  zh: ['那{e}呢', '{e}呢', '{e}的呢', '那{e}的呢'],
  en: ['and the {e}?', 'what about the {e}', 'how about {e}', 'and {e}'],
} as const;

/** The attribute in focus asked of a variant of the product in focus. */
export const VARIANT_FOLLOW_UP = {
  zh: ['那{v}的呢', '{v}的呢', '{v}呢'],
  en: ['and the {v} one?', 'what about {v}', 'the {v} one?'],
} as const;

/** The attribute in focus asked of the other entity of the conversation. */
export const OTHER_FOLLOW_UP = {
  zh: ['另一个呢', '那另外一个呢', '另一款呢'],
  en: ['and the other one?', 'what about the other one', 'the other one?'],
} as const;

/** An overview of an entity. */
export const OVERVIEW = {
  zh: ['介绍一下{e}', '{e}怎么样', '{e}', '{e}的详情', '{e}参数'],
  en: ['tell me about the {e}', '{e} details', '{e}', 'info on the {e}', 'specs of the {e}'],
} as const;

/** An attribute of two entities. */
export const COMPARE = {
  zh: ['{e}和{f}的{a}对比', '{e}跟{f}{a}比较', '{e}和{f}哪个{a}好', '比较一下{e}和{f}的{a}'],
  en: [
    'compare the {a} of the {e} and the {f}',
    '{e} vs {f} {a}',
    '{a}: {e} or {f}?',
    'which is better in {a}, {e} or {f}',
  ],
} as const;

/** Something the graph does not hold, asked of a named entity. */
export const UNKNOWN = {
  zh: ['{e}{u}', '{e}的{u}', '请问{e}{u}'],
  en: ['{e} {u}', '{u} - {e}', 'about the {e}: {u}'],
} as const;

/**
 * Things customers ask about products that a graph may not hold. Those a bot's graph does link to one of its
 * attributes are dropped: for that bot they are known.
 */
export const UNKNOWN_ASPECTS = {
  zh: [
    '产地',
    '是哪里生产的',
    '什么材质',
    '能分期吗',
    '支持无线充电吗',
    '包装里有什么',
    '有说明书吗',
    '适合老人用吗',
    '能用多少年',
    '怎么安装',
    '能退吗',
    '为什么这么贵',
    '和别家比怎么样',
    '有优惠吗',
    '什么时候上市的',
    '能开发票吗',
  ],
  en: [
    'where is it made',
    'what is it made of',
    'can I pay in installments',
    'does it support wireless charging',
    'whats in the box',
    'is there a manual',
    'is it good for older people',
    'how do I set it up',
    'can I return it',
    'why is it so expensive',
    'is there a discount',
    'when was it released',
    'is it better than the competition',
    'can I get an invoice',
  ],
} as const;

/** Words that make a name another model ("claw phone 15 pro"). */
export const MODEL_SUFFIXES = ['pro', 'max', 'plus', 'mini', 'ultra', '2'] as const;
