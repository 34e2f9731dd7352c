/** Turns decisions and graph values into reply text in the customer's language (pure). */
import type { KgQuery } from './follow-up.js';
import type { GraphIndex } from './graph.js';
import type { AttributeScalar, AttributeValue, Language, LocalizedText } from './types.js';

const YES_NO: Readonly<Record<Language, readonly [string, string]>> = { zh: ['是', '否'], en: ['yes', 'no'] };

const DEFAULT_TEMPLATE: LocalizedText = {
  zh: '{entity}的{label}：{value}。',
  en: 'The {label} of the {entity}: {value}.',
};

function scalar(value: AttributeScalar, lang: Language): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return YES_NO[lang][value ? 0 : 1];
  return value[lang];
}

/** Formats an attribute value; lists read naturally ("black and white", "黑色和白色"). */
export function formatValue(value: AttributeValue, lang: Language): string {
  if (!Array.isArray(value)) return scalar(value as AttributeScalar, lang);
  const items = (value as readonly AttributeScalar[]).map((v) => scalar(v, lang));
  return new Intl.ListFormat(lang === 'zh' ? 'zh-CN' : 'en', { style: 'long', type: 'conjunction' }).format(items);
}

/** Fills `{name}` placeholders; unknown ones stay as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** The answer to an attribute question, from the attribute's template. */
export function renderAttributeAnswer(graph: GraphIndex, query: KgQuery, lang: Language): string {
  const attribute = graph.attribute(query.attribute);
  const entity = graph.entity(query.entityId);
  const template = attribute?.template ?? DEFAULT_TEMPLATE;
  return fillTemplate(template[lang], {
    entity: entity?.name[lang] ?? query.entityId,
    label: attribute?.label[lang] ?? query.attribute,
    value: formatValue(query.value, lang),
  });
}

/** A one-line description of an entity: every declared attribute it (or its product) has. */
export function renderSummary(
  graph: GraphIndex,
  entityId: string,
  attributes: readonly string[],
  lang: Language,
): { text: string; attributes: string[] } {
  const name = graph.entity(entityId)?.name[lang] ?? entityId;
  const parts: string[] = [];
  const used: string[] = [];
  for (const key of attributes) {
    const found = graph.valueOf(entityId, key);
    const label = graph.attribute(key)?.label[lang] ?? key;
    if (found === undefined) continue;
    used.push(key);
    parts.push(
      lang === 'zh' ? `${label}：${formatValue(found.value, lang)}` : `${label}: ${formatValue(found.value, lang)}`,
    );
  }
  const text = lang === 'zh' ? `${name} —— ${parts.join('；')}。` : `${name} — ${parts.join('; ')}.`;
  return { text, attributes: used };
}
