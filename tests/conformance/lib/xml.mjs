// Just enough XML for the official messages: the declared encoding, decoding UTF-8 or Shift_JIS, and
// the text of `<Tag>value</Tag>` found by indexOf. The suite never parses answers with the project's
// own decoders.

/** The encoding named by the XML declaration ('UTF-8', 'Shift_JIS', ...), or null without one. */
export function declaredEncoding(bytes) {
  let head = Buffer.from(bytes.subarray(0, 200)).toString('latin1');
  if (head.startsWith('\u00ef\u00bb\u00bf')) head = head.slice(3);
  if (!head.startsWith('<?xml')) return null;
  const end = head.indexOf('?>');
  const declaration = end < 0 ? head : head.slice(0, end);
  const at = declaration.indexOf('encoding=');
  if (at < 0) return null;
  const quote = declaration[at + 9];
  const close = declaration.indexOf(quote, at + 10);
  return close < 0 ? null : declaration.slice(at + 10, close);
}

/** Whether an encoding name means Shift_JIS (or its Windows form). */
export function isShiftJis(name) {
  return /^(shift[_-]?jis|sjis|windows-31j|cp932|ms932|x-sjis)$/i.test(name ?? '');
}

/** The text of an XML body, decoded as its declaration says (UTF-8 by default). */
export function decodeXml(bytes) {
  const encoding = declaredEncoding(bytes);
  const label = isShiftJis(encoding) ? 'shift_jis' : 'utf-8';
  return new TextDecoder(label).decode(bytes).replace(/^\uFEFF/, '');
}

function unescape(text) {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replace(/&#x([0-9a-fA-F]+);/g, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, dec) => String.fromCodePoint(parseInt(dec, 10)))
    .replaceAll('&amp;', '&');
}

/** Where the next start tag `<tag>` / `<tag ...>` / `<tag/>` begins at or after `from`, or -1. */
function startTag(xml, tag, from) {
  let at = xml.indexOf(`<${tag}`, from);
  while (at >= 0) {
    const next = xml[at + tag.length + 1];
    if (next === '>' || next === '/' || next === ' ' || next === '\t' || next === '\r' || next === '\n') return at;
    at = xml.indexOf(`<${tag}`, at + 1);
  }
  return -1;
}

/**
 * Every element named `tag`, in document order, each as { inner, text }: its raw content and that
 * content unescaped. Elements of the same name are assumed not to nest (true of the official messages).
 */
export function elements(xml, tag) {
  const found = [];
  let from = 0;
  for (;;) {
    const at = startTag(xml, tag, from);
    if (at < 0) break;
    const close = xml.indexOf('>', at);
    if (close < 0) break;
    if (xml[close - 1] === '/') {
      found.push({ inner: '', text: '' });
      from = close + 1;
      continue;
    }
    const end = xml.indexOf(`</${tag}>`, close + 1);
    if (end < 0) break;
    const inner = xml.slice(close + 1, end);
    found.push({ inner, text: unescape(inner) });
    from = end + tag.length + 3;
  }
  return found;
}

/** The text of the first element named `tag`, or null when there is none. */
export function element(xml, tag) {
  const [first] = elements(xml, tag);
  return first === undefined ? null : first.text;
}

/** The raw content of the first element named `tag`, or null. */
export function inner(xml, tag) {
  const [first] = elements(xml, tag);
  return first === undefined ? null : first.inner;
}

/** Escapes text for an element's content. */
export function escapeText(text) {
  return String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
