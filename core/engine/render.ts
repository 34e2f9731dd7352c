/** Turns knowledge-graph answers into reply text in the customer's language, with their sources (pure). */
import type { FoundValue, GraphIndex } from './graph.js';
import type { AttributeQuestion, CompareQuestion } from './kg-question.js';
import { quantityOf } from './quantity.js';
import type { AttributeScalar, AttributeValue, Language, LocalizedText } from './types.js';

const YES_NO: Readonly<Record<Language, readonly [string, string]>> = { zh: ['是', '否'], en: ['yes', 'no'] };

const DEFAULT_TEMPLATE: LocalizedText = {
  zh: '{entity}的{label}：{value}。',
  en: 'The {label} of the {entity}: {value}.',
};

/** Template of an answer found one relation away (e.g. on the product's warranty policy). */
const HOP_TEMPLATE: LocalizedText = {
  zh: '{entity}（{via}）的{label}：{value}。',
  en: 'The {label} of the {entity} ({via}): {value}.',
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

/** Source id of an attribute triple: `kg:ENTITY:ATTRIBUTE`. */
export function attributeSource(entityId: string, attribute: string): string {
  return `kg:${entityId}:${attribute}`;
}

/** Source ids of a found value: its triple, and the relation followed to reach it. */
export function valueSources(found: FoundValue, attribute: string): string[] {
  const own = attributeSource(found.entityId, attribute);
  return found.via === undefined ? [own] : [`kg:${found.via[0]}:${found.via[1]}:${found.via[2]}`, own];
}

/** A rendered answer and the knowledge it came from. */
export interface RenderedAnswer {
  readonly text: string;
  readonly sources: readonly string[];
}

/** The answer to an attribute question, from the attribute's template. */
export function renderAttributeAnswer(graph: GraphIndex, question: AttributeQuestion, lang: Language): RenderedAnswer {
  const attribute = graph.attribute(question.attribute);
  const entity = graph.entity(question.entityId);
  const { found } = question;
  const values = {
    entity: entity?.name[lang] ?? question.entityId,
    label: attribute?.label[lang] ?? question.attribute,
    value: formatValue(found.value, lang),
    via: found.via === undefined ? '' : (graph.entity(found.entityId)?.name[lang] ?? found.entityId),
  };
  const template = found.via === undefined ? (attribute?.template ?? DEFAULT_TEMPLATE) : HOP_TEMPLATE;
  return { text: fillTemplate(template[lang], values), sources: valueSources(found, question.attribute) };
}

/** The answer to a comparison: each value, and the winner when the values are numbers and a direction is asked. */
export function renderComparison(graph: GraphIndex, question: CompareQuestion, lang: Language): RenderedAnswer {
  const label = graph.attribute(question.attribute)?.label[lang] ?? question.attribute;
  const rows = question.entityIds.map((id, i) => {
    const found = question.found[i];
    const text = found === undefined ? '' : formatValue(found.value, lang);
    return { id, name: graph.entity(id)?.name[lang] ?? id, text, quantity: quantityOf(text) };
  });
  const listed = rows.map((r) => (lang === 'zh' ? `${r.name}：${r.text}` : `${r.name}: ${r.text}`));
  const list = lang === 'zh' ? listed.join('；') : listed.join('; ');
  let verdict = '';
  const numbers = rows.map((r) => r.quantity);
  if (question.direction !== undefined && numbers.every((q): q is number => q !== undefined)) {
    const target = question.direction === 'lower' ? Math.min(...numbers) : Math.max(...numbers);
    const winners = rows.filter((r) => r.quantity === target);
    if (winners.length === 1 && winners[0] !== undefined) {
      const w = winners[0].name;
      const low = question.direction === 'lower';
      verdict =
        lang === 'zh'
          ? `${w}的${label}${low ? '更低' : '更高'}。`
          : `The ${w} has the ${low ? 'lower' : 'higher'} ${label}. `;
    } else if (winners.length > 1) {
      verdict = lang === 'zh' ? `两者的${label}相同。` : `They have the same ${label}. `;
    }
  }
  const text =
    lang === 'zh'
      ? `${verdict}${label}对比——${list}。`
      : `${verdict}${label[0]?.toUpperCase() ?? ''}${label.slice(1)} — ${list}.`;
  return { text, sources: question.found.flatMap((f) => valueSources(f, question.attribute)) };
}

/** A one-line description of an entity: every declared attribute it (or its product) has. */
export function renderSummary(graph: GraphIndex, entityId: string, lang: Language): RenderedAnswer {
  const name = graph.entity(entityId)?.name[lang] ?? entityId;
  const parts: string[] = [];
  const sources: string[] = [];
  for (const key of graph.attributeKeys) {
    const found = graph.valueOf(entityId, key);
    const label = graph.attribute(key)?.label[lang] ?? key;
    if (found === undefined) continue;
    sources.push(attributeSource(found.entityId, key));
    parts.push(
      lang === 'zh' ? `${label}：${formatValue(found.value, lang)}` : `${label}: ${formatValue(found.value, lang)}`,
    );
  }
  const text = lang === 'zh' ? `${name} —— ${parts.join('；')}。` : `${name} — ${parts.join('; ')}.`;
  return { text, sources };
}
