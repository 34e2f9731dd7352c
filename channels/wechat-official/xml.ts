/**
 * Safe XML for WeChat pushes and replies, pure. Pushes are tiny flat `<xml>` documents; anything with a
 * DOCTYPE or entity declaration is refused before parsing (XXE / billion-laughs), every value stays a
 * string (the 64-bit MsgId must never become a float), and replies are built with CDATA by a real builder.
 */
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

/** The fields of a push: element name -> text (nested elements kept as objects, e.g. ScanCodeInfo). */
export type XmlFields = Readonly<Record<string, string | XmlNode>>;
export interface XmlNode {
  readonly [name: string]: string | XmlNode | readonly (string | XmlNode)[];
}

/** Why a body was refused. */
export type XmlParseResult =
  | { readonly ok: true; readonly fields: XmlFields }
  | { readonly ok: false; readonly reason: 'declaration' | 'malformed' | 'not_wechat'; readonly detail: string };

const parser = new XMLParser({
  ignoreAttributes: true,
  // Every value stays a string: MsgId is a 64-bit integer and CreateTime must not be reformatted.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Only the five predefined entities can occur (declarations are refused below).
  processEntities: true,
  htmlEntities: false,
});

const builder = new XMLBuilder({ cdataPropName: '__cdata', format: false, suppressEmptyNode: false });

/**
 * Finds a `<!DOCTYPE`, `<!ENTITY` or other markup declaration outside CDATA sections
 * (a user's text may legitimately contain "<!DOCTYPE" inside a CDATA Content). Pure.
 */
export function findDeclaration(xml: string): string | undefined {
  let i = 0;
  for (;;) {
    const at = xml.indexOf('<!', i);
    if (at < 0) return undefined;
    if (xml.startsWith('<![CDATA[', at)) {
      const end = xml.indexOf(']]>', at + 9);
      if (end < 0) return undefined; // unterminated CDATA: the validator reports it as malformed
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<!--', at)) {
      const end = xml.indexOf('-->', at + 4);
      if (end < 0) return undefined;
      i = end + 3;
      continue;
    }
    return xml.slice(at, at + 12).split(/\s/)[0] ?? '<!';
  }
}

/** Parses a push body (outer or decrypted inner XML) into its `<xml>` fields. Pure. */
export function parseWechatXml(xml: string): XmlParseResult {
  const declaration = findDeclaration(xml);
  if (declaration !== undefined) {
    return { ok: false, reason: 'declaration', detail: `XML declarations such as ${declaration} are not accepted` };
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    return { ok: false, reason: 'malformed', detail: `malformed XML: ${valid.err.msg} (line ${valid.err.line})` };
  }
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (error: unknown) {
    return {
      ok: false,
      reason: 'malformed',
      detail: `malformed XML: ${error instanceof Error ? error.message : 'parse error'}`,
    };
  }
  if (typeof doc !== 'object' || doc === null) return { ok: false, reason: 'malformed', detail: 'empty XML' };
  const keys = Object.keys(doc);
  const root = (doc as Record<string, unknown>).xml;
  if (keys.length !== 1 || typeof root !== 'object' || root === null || Array.isArray(root)) {
    return { ok: false, reason: 'not_wechat', detail: 'expected exactly one <xml> root element with child elements' };
  }
  return { ok: true, fields: root as XmlFields };
}

const SAFE_ENVELOPE =
  /^\s*<xml>\s*(?:<ToUserName><!\[CDATA\[[\w-]*\]\]><\/ToUserName>\s*)?<Encrypt><!\[CDATA\[([A-Za-z0-9+/]+={0,2})\]\]><\/Encrypt>\s*(?:<ToUserName><!\[CDATA\[[\w-]*\]\]><\/ToUserName>\s*)?<\/xml>\s*$/;

/**
 * The `<Encrypt>` value of a canonical safe-mode envelope (`<xml><ToUserName/><Encrypt/></xml>`), read
 * without a general XML parse; undefined for any other shape (which then goes through `parseWechatXml`). Pure.
 */
export function matchSafeEnvelope(xml: string): string | undefined {
  return SAFE_ENVELOPE.exec(xml)?.[1];
}

/** A text field of a push, or undefined when absent or not text. */
export function field(fields: XmlFields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}

/** A value for `buildXml`: strings go into CDATA, numbers are written bare (CreateTime, TimeStamp). */
export type XmlValue = string | number | { readonly [name: string]: XmlValue } | readonly XmlValue[];

function toBuilderTree(value: XmlValue): unknown {
  if (typeof value === 'string') return { __cdata: value };
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(toBuilderTree);
  const out: Record<string, unknown> = {};
  for (const [name, child] of Object.entries(value as Record<string, XmlValue>)) out[name] = toBuilderTree(child);
  return out;
}

/** Builds `<xml>…</xml>` with every string in CDATA (a `]]>` inside a value is split safely). Pure. */
export function buildXml(fields: Readonly<Record<string, XmlValue>>): string {
  return builder.build({ xml: toBuilderTree(fields) });
}
