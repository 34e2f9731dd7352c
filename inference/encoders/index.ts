/** Pretrained BERT-family sentence encoders from a local folder, tokenised in-process, served by the runtime. */
export { createPretrainedEncoder } from './encoder.js';
export type { PretrainedEncoder, PretrainedEncoderOptions } from './encoder.js';
export { readEncoderFolder, sha256File } from './folder.js';
export type { EncoderFolder } from './folder.js';
export { l2Normalize, poolTokens } from './pooling.js';
export type { Pooling } from './pooling.js';
export { bertTokenizerFromVocab, parseBertTokenizer } from './tokenizer.js';
export type { BertTokenizer, Encoding } from './tokenizer.js';
