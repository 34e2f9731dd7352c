/** Function words that carry no topic, dropped from retrieval tokens (Chinese and English). */

/** English function words (already lowercased, apostrophes removed). */
export const ENGLISH_STOPWORDS: ReadonlySet<string> = new Set(
  (
    'a an the is are am was were be been being do does did doing i me my mine myself we us our ours you your yours ' +
    'it its itself he she him her they them their this that these those to of in on at for with by from as into ' +
    'about and or but so if then than there here any some just please pls plz can could would will shall should ' +
    'may might must im ive id ill youre its dont doesnt didnt cant wont isnt arent wasnt have has had get got ' +
    'also too very really ok okay um uh oh hey well yet still'
  ).split(' '),
);

/** Chinese function words and particles (single tokens after segmentation). */
export const CHINESE_STOPWORDS: ReadonlySet<string> = new Set(
  (
    '的 了 吗 呢 吧 啊 呀 哦 哈 嘛 么 啦 喔 哇 嗯 我 你 您 他 她 它 我们 你们 他们 是 在 就 都 也 还 和 跟 与 及 ' +
    '请问 请 一下 这个 那个 这 那 这款 那款 个 把 被 给 让 对 又 很 挺 太 吧 呗 哎 诶 想 要 能 可以 会 得 地 着 过'
  ).split(' '),
);
