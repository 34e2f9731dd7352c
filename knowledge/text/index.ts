/** Text processing for retrieval: segmentation, stemming, stopwords and tokens. */
export * from './stem.js';
export * from './stopwords.js';
export * from './segmenter.js';
export * from './tokenizer.js';
