/** Small synthetic Chinese + English intent data shipped with the tests (no datasets needed). */

import type { LabeledText } from '../../../../inference/fasttext/dataset.js';

const RAW: Record<string, string[]> = {
  greeting: [
    'hello',
    'hi there',
    'good morning',
    'hey, how are you',
    'hello bot',
    '你好',
    '您好',
    '早上好',
    '嗨，你好啊',
    '晚上好',
  ],
  weather: [
    'what is the weather today',
    'will it rain tomorrow',
    'how hot is it outside',
    'weather forecast for the weekend',
    'is it going to snow',
    '今天天气怎么样',
    '明天会下雨吗',
    '外面热不热',
    '周末天气预报',
    '今天会下雪吗',
  ],
  order_status: [
    'where is my order',
    'track my package',
    'has my order shipped yet',
    'when will my parcel arrive',
    'order status please',
    '我的订单到哪了',
    '查一下物流',
    '包裹什么时候到',
    '订单发货了吗',
    '帮我查订单状态',
  ],
  refund: [
    'i want a refund',
    'how do i return this item',
    'give me my money back',
    'refund my purchase',
    'can i get a refund for my order',
    '我要退款',
    '怎么退货',
    '退钱给我',
    '申请退款',
    '这个能退吗',
  ],
  opening_hours: [
    'when are you open',
    'what are your opening hours',
    'are you open on sunday',
    'what time do you close',
    'business hours',
    '你们几点开门',
    '营业时间是什么',
    '周日营业吗',
    '几点关门',
    '什么时候上班',
  ],
};

/** 5 intents x 10 examples (5 English + 5 Chinese each). */
export const SYNTHETIC_EXAMPLES: readonly LabeledText[] = Object.entries(RAW).flatMap(([intent, texts]) =>
  texts.map((text) => ({ text, intent })),
);

/** Unseen in-domain queries with their intent. */
export const SYNTHETIC_QUERIES: readonly LabeledText[] = [
  { text: 'hello, good evening', intent: 'greeting' },
  { text: 'is it raining today', intent: 'weather' },
  { text: '后天天气怎么样', intent: 'weather' },
  { text: 'where is my package', intent: 'order_status' },
  { text: '我的包裹到哪了', intent: 'order_status' },
  { text: 'i would like a refund please', intent: 'refund' },
  { text: '我想退款', intent: 'refund' },
  { text: 'what time do you open', intent: 'opening_hours' },
];

/** Out-of-scope gibberish. */
export const GIBBERISH: readonly string[] = [
  'xqzt vlorp gmmf',
  'zzzkq wfp ptt',
  '嗯嗯嗯嗯',
  'qwrtp zxcv bnm',
  '鬣鼩鼯',
];

/** A deterministic shuffle (reversed interleave) used to show order independence. */
export function reorder<T>(items: readonly T[]): T[] {
  const out: T[] = [];
  for (let i = items.length - 1; i >= 0; i -= 2) out.push(items[i] as T);
  for (let i = items.length - 2; i >= 0; i -= 2) out.push(items[i] as T);
  return out;
}
