/** Words that shape a question (pure): comparisons, "the other one", procedures, product overviews. */
import { editDistance } from './fuzzy.js';

/** Asks to choose between several things. */
const COMPARE =
  /(哪个|哪一个|哪款|哪一款|哪种|比较|对比|相比|还是|\bvs\.?\b|\bversus\b|\bcompare\b|\bcompared\b|\bwhich\b|\bthan\b|\bor\b)/i;

/** Comparative words meaning "the lower one wins" / "the higher one wins". */
const LOWER =
  /(便宜|实惠|划算|省钱|更轻|轻|更少|少|更小|短|\bcheaper\b|\bcheapest\b|\bless expensive\b|\blighter\b|\bsmaller\b|\bshorter\b|\bfewer\b|\blower\b|\bless\b)/i;
const HIGHER =
  /(贵|更重|重|更多|多|更大|大|更长|长|久|\bmore expensive\b|\bpricier\b|\bdearer\b|\bheavier\b|\bbigger\b|\blarger\b|\blonger\b|\bmore\b|\bhigher\b|\bmost\b)/i;

/** The kind of attribute a comparative word implies when no attribute is named. */
const IMPLIED: readonly { readonly re: RegExp; readonly hint: RegExp }[] = [
  {
    re: /(便宜|贵|实惠|划算|\bcheap(er|est)?\b|\bexpensive\b|\bpricier\b|\bdearer\b)/i,
    hint: /^(price|cost|fee|价格|售价|资费|月费|多少钱)/i,
  },
  { re: /(轻|重|\blighter\b|\bheavier\b)/i, hint: /^(weight|重量)/i },
];

/** "The other one". */
const OTHER = /(另一个|另外一个|另一款|另外那个|另外那款|\bthe other\b|\bother one\b)/i;

/** How-to questions, answered by procedures (FAQ) rather than facts. */
const PROCEDURE = /(怎么|怎样|如何|流程|申请|办理|\bhow (do|can|to|should)\b|\bprocess\b|\bsteps?\b)/i;

/** Asking for an overview of a thing. */
const OVERVIEW = /(介绍|怎么样|如何|详情|参数|信息|\btell me about\b|\bwhat about\b|\binfo\b|\bdetails?\b|\bspecs?\b)/i;

export type Direction = 'lower' | 'higher';

/** Whether the text asks to compare or choose. */
export function asksToCompare(text: string): boolean {
  return COMPARE.test(text);
}

/** Which end wins in a comparison, if the text says (lower wins for "cheaper", higher for "longer"). */
export function comparisonDirection(text: string): Direction | undefined {
  const lower = LOWER.exec(text);
  const higher = HIGHER.exec(text);
  // "more expensive" contains "more": the longest cue decides.
  if (lower !== null && higher !== null) return lower[0].length >= higher[0].length ? 'lower' : 'higher';
  if (lower !== null) return 'lower';
  if (higher !== null) return 'higher';
  return undefined;
}

/** The attribute a comparative word implies (便宜 → the price attribute), among `keys` with their labels. */
export function impliedAttribute(
  text: string,
  attributes: readonly { key: string; words: readonly string[] }[],
): string | undefined {
  for (const { re, hint } of IMPLIED) {
    if (!re.test(text)) continue;
    const found = attributes.find((a) => hint.test(a.key) || a.words.some((w) => hint.test(w)));
    if (found !== undefined) return found.key;
  }
  return undefined;
}

export function asksForOther(text: string): boolean {
  return OTHER.test(text);
}

export function asksHowTo(text: string): boolean {
  return PROCEDURE.test(text);
}

export function asksOverview(text: string): boolean {
  return OVERVIEW.test(text);
}

/** Follow-up filler: what is left of "那黑色的呢?", "how much is it?" once names and attributes are taken out. */
const FILLER_ZH =
  /(另一个|另外一个|另一款|另外|那么|那个|这个|这款|那款|还有|怎么样|如何|请问|一下|知道|哪些|哪种|几种|什么|多少|可以|能不能|是不是|有没有|那|呢|的|它|吗|啊|呀|么|有|是|个|和|跟|还|要|了|吧|嘛|哦|用|能|我|想|问|下|呃|嗯)/g;
const FILLER_EN = new Set(
  (
    'and what whats about how is are it its the does do did have has much many of for then ok okay so a an one ones ' +
    'that this there please tell me with in on come comes get i can could you your which any other another'
  ).split(' '),
);

/** Whether nothing but follow-up filler is left of a text (names and attributes already removed). */
export function onlyFiller(rest: string): boolean {
  const zh = rest.replace(FILLER_ZH, ' ');
  if (/\p{Script=Han}/u.test(zh)) return false;
  return zh
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '')
    .every((w) => FILLER_EN.has(w));
}

/**
 * Words that ask nothing of their own (courtesy, time, hedges) or give a question the shape the graph answers
 * (an overview, a comparison): not follow-up filler, but explained all the same.
 */
const EXPLAINED_ZH = new RegExp(
  [
    '现在|目前|大概|一般|麻烦|你好|您好|想知道|了解一下|了解|告诉我|帮我|查一下|看一下|看看|具体|一共|总共|查询|查|请',
    '介绍|详情|参数|信息|对比|比较|相比|哪一个|哪个|哪款|哪种|还是|更|便宜|实惠|划算|贵',
    '多久|多长|多大|多重|多高|几|情况|方面',
  ].join('|'),
  'g',
);
const EXPLAINED_EN = new Set(
  (
    'to my at by from be was will would should like want need know now currently please hi hello hey just ' +
    'exactly actually roughly approximately right really us we our check tell show find out let ' +
    'details detail info specs spec compare compared versus vs which than or better best cheaper cheapest ' +
    'expensive pricier lighter heavier bigger larger smaller longer shorter more less ' +
    'long big large heavy tall wide if when use using used'
  ).split(' '),
);

/**
 * How much of a residue (the text with names and attributes blanked out) nothing explains: Chinese characters and
 * letters of Latin words that are neither follow-up filler nor explained words. "爪机15现在多少钱" leaves
 * nothing, "爪机15能分期吗" leaves 分期 (2).
 */
export function unexplainedLength(rest: string): number {
  const zh = rest.replace(EXPLAINED_ZH, ' ').replace(FILLER_ZH, ' ');
  let n = (zh.match(/\p{Script=Han}/gu) ?? []).length;
  for (const w of zh.split(/[^a-z0-9]+/)) if (w !== '' && !explainedWord(w)) n += w.length;
  return n;
}

const KNOWN_EN = [...FILLER_EN, ...EXPLAINED_EN].filter((w) => w.length >= 4);

/** A filler or explained English word, also with one typing slip in words of four letters or more ("waht"). */
function explainedWord(w: string): boolean {
  if (FILLER_EN.has(w) || EXPLAINED_EN.has(w)) return true;
  return w.length >= 4 && /^[a-z]+$/.test(w) && KNOWN_EN.some((k) => editDistance(w, k, 1) <= 1);
}

/** Chinese characters and Latin letters and digits of a normalised text. */
export function meaningfulLength(normalized: string): number {
  return (normalized.match(/[\p{Script=Han}a-z0-9]/gu) ?? []).length;
}
