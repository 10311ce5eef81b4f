// The in-page side of `scripts/bench history` and `scripts/bench decode`. Each function
// times one run with the page's own clock and answers what it found, so that the driver
// (scripts/bench-web.mjs) can check every contender found the same thing before it prints a ratio.
// Nothing here keeps what a run made, so each run's garbage is its own.
import init, { History, bulkMessage, decodeWire, decodeWireAndDomain } from './pkg/onshi_web_bench.js';

const wasm = await init();
const state = { history: undefined, rows: undefined, bytes: undefined };

/** The codes the contract's search words stand for (OQSCD002 照会区分, OQSCD006 資格有効性; D9). */
const KIND_CODE = { my_number_card: '1', insurance_card: '2' };
const NARROW_CODES = { valid: ['1', '6'], invalid: ['2', '3'], not_found_or_multiple: ['4', '5'] };

/** fast-xml-parser's bundle sets a global whose shape differs between its module systems. */
const XMLParser = globalThis.XMLParser?.XMLParser ?? globalThis.XMLParser?.default ?? globalThis.XMLParser;

function timed(run) {
  const start = performance.now();
  const found = run();
  return { ms: performance.now() - start, found };
}

window.bench = {
  wasmMemoryBytes: () => wasm.memory.buffer.byteLength,

  /** The training dispatcher with `count` synthetic records (see crates/onshi-web-bench). */
  buildHistory(count) {
    const { ms } = timed(() => {
      state.history = new History(count);
    });
    return {
      ms,
      recordBytes: state.history.recordBytes(),
      messageBytes: state.history.messageBytes(),
    };
  },

  /**
   * The peer's records: every row the dispatcher would list, as the app receives it (the JSON of the
   * contract's history page), plus the instant as a number so the filter compares numbers, as any
   * JavaScript implementation would.
   */
  buildPeerRows() {
    const rows = [];
    for (let page = 1; ; page++) {
      const answer = JSON.parse(state.history.rowsJson(page));
      for (const item of answer.items) {
        item.at = Date.parse(item.confirmed_at);
        rows.push(item);
      }
      if (page * answer.per_page >= answer.total) break;
    }
    state.rows = rows;
    return rows.length;
  },

  /** One search through the dispatcher, read back by the client, as training mode runs it. */
  historyOurs(q) {
    const { ms, found } = timed(() => state.history.query(q.from, q.to, q.kind, q.narrow, q.page, q.perPage));
    return { ms, total: found[0], ids: Array.from(found.slice(1)) };
  },

  /** The same search as a plain filter and slice over the peer's rows (held newest first). */
  historyPeer(q) {
    const from = Date.parse(q.from);
    const to = Date.parse(q.to);
    const kind = KIND_CODE[q.kind];
    const narrow = NARROW_CODES[q.narrow];
    const { ms, found } = timed(() => {
      const hits = state.rows.filter(
        (r) =>
          r.at >= from &&
          r.at <= to &&
          (kind === undefined || r.classification.code === kind) &&
          (narrow === undefined || (r.validity !== null && narrow.includes(r.validity.code))),
      );
      return { total: hits.length, page: hits.slice((q.page - 1) * q.perPage, q.page * q.perPage) };
    });
    return { ms, total: found.total, ids: found.page.map((r) => r.id) };
  },

  /** The host benchmark's bulk result, in UTF-8, copied out of the wasm as a fetched body would be. */
  buildBulk(units) {
    state.bytes = bulkMessage(units);
    return state.bytes.length;
  },

  decodeWire() {
    const { ms, found } = timed(() => decodeWire(state.bytes));
    return { ms, units: found };
  },

  decodeWireAndDomain() {
    const { ms, found } = timed(() => decodeWireAndDomain(state.bytes));
    return { ms, qualifications: found };
  },

  /**
   * fast-xml-parser from the same bytes: UTF-8 to text, then its object tree. Values stay strings as
   * sent (`parseTagValue: false`), as ours do: its default would turn 保険者番号 06139000 into 6139000.
   */
  decodeFastXmlParser() {
    const { ms, found } = timed(() => {
      const text = new TextDecoder('utf-8').decode(state.bytes);
      return new XMLParser({ parseTagValue: false }).parse(text);
    });
    const units = found?.XmlMsg?.MessageBody?.BulkConfirmUnit;
    return { ms, units: Array.isArray(units) ? units.length : 0 };
  },

  /** DOMParser from the same bytes, without the walk: what the browser's own parser alone costs. */
  decodeDomParserOnly() {
    const { ms, found } = timed(() => {
      const text = new TextDecoder('utf-8').decode(state.bytes);
      return new DOMParser().parseFromString(text, 'application/xml');
    });
    return { ms, units: found.getElementsByTagName('BulkConfirmUnit').length };
  },

  /** DOMParser from the same bytes, then a walk that visits every element and text node. */
  decodeDomParser() {
    const { ms, found } = timed(() => {
      const text = new TextDecoder('utf-8').decode(state.bytes);
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const walker = doc.createTreeWalker(doc, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
      let units = 0;
      let elements = 0;
      let characters = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (node.nodeType === Node.TEXT_NODE) {
          characters += node.data.length;
        } else {
          elements += 1;
          if (node.localName === 'BulkConfirmUnit') units += 1;
          if (node.localName === 'parsererror') return { units: -1, elements, characters };
        }
      }
      return { units, elements, characters };
    });
    return { ms, ...found };
  },
};

document.getElementById('status').textContent = 'ready';
