// The published contract (contract/openapi.yaml) as something a test can check answers against: every
// operation with its method, templated path and group (its tag), and `check`, which says what is wrong
// with one answer - a status the operation does not document, a Content-Type not documented for that
// status, or a body that does not validate against the documented schema.
//
// Reusable on its own: `const contract = loadContract(); contract.check({method, path, status,
// contentType, body})` returns the list of violations (empty when the answer conforms).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import YAML from 'yaml';

export const CONTRACT_PATH = fileURLToPath(new URL('../../../contract/openapi.yaml', import.meta.url));

// The base URI the document is registered under in ajv; its internal `#/components/...` references
// resolve against it.
const DOCUMENT_ID = 'https://onshi.invalid/contract/openapi.yaml';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** JSON Pointer escaping of one reference token. */
function escapeToken(token) {
  return String(token).replaceAll('~', '~0').replaceAll('/', '~1');
}

function pointer(tokens) {
  return `#/${tokens.map(escapeToken).join('/')}`;
}

/** The media type of a Content-Type value, without parameters, lower case. */
export function mediaType(contentType) {
  if (!contentType) return '';
  return contentType.split(';')[0].trim().toLowerCase();
}

function isJsonMediaType(type) {
  return type === 'application/json' || type.endsWith('+json');
}

function isXmlMediaType(type) {
  return type === 'application/xml' || type === 'text/xml' || type.endsWith('+xml');
}

export class Contract {
  constructor(document) {
    this.document = document;
    this.prefix = (document.servers?.[0]?.url ?? '').replace(/\/$/, '');
    this.version = document.info?.version;
    this.ajv = new Ajv2020({ strict: false, allErrors: true, verbose: true });
    addFormats(this.ajv);
    this.ajv.addSchema(document, DOCUMENT_ID);
    this.validators = new Map();
    this.operations = [];
    for (const [template, item] of Object.entries(document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = item?.[method];
        if (!operation) continue;
        this.operations.push({
          id: operation.operationId,
          method: method.toUpperCase(),
          template,
          segments: template.split('/').filter(Boolean),
          tags: operation.tags ?? [],
          group: operation.tags?.[0],
          operation,
          pointer: ['paths', template, method],
        });
      }
    }
    this.byId = new Map(this.operations.map((o) => [o.id, o]));
  }

  /** The operation with this operationId, or undefined. */
  operation(id) {
    return this.byId.get(id);
  }

  /** The feature group (the first tag) of an operation. */
  groupOf(id) {
    return this.byId.get(id)?.group;
  }

  /**
   * The documented operation a request goes to: `path` is the request's path (with or without the
   * servers prefix, without the query). Literal segments win over templated ones.
   */
  match(method, path) {
    let rest = path.split('?')[0];
    if (this.prefix && rest.startsWith(`${this.prefix}/`)) rest = rest.slice(this.prefix.length);
    const segments = rest.split('/').filter((s, i, all) => s !== '' || (i > 0 && i < all.length - 1));
    const wanted = method.toUpperCase();
    let best;
    for (const op of this.operations) {
      if (op.method !== wanted || op.segments.length !== segments.length) continue;
      let literal = 0;
      let fits = true;
      for (let i = 0; i < segments.length; i += 1) {
        const part = op.segments[i];
        if (part.startsWith('{') && part.endsWith('}')) {
          if (segments[i] === '') fits = false;
        } else if (part === segments[i]) {
          literal += 1;
        } else {
          fits = false;
        }
        if (!fits) break;
      }
      if (fits && (!best || literal > best.literal)) best = { op, literal };
    }
    return best?.op;
  }

  /** Follows a `$ref` inside the document, returning [object, pointer tokens]. */
  resolve(object, tokens) {
    let current = object;
    let at = tokens;
    const seen = new Set();
    while (current && typeof current === 'object' && typeof current.$ref === 'string') {
      const ref = current.$ref;
      if (!ref.startsWith('#/') || seen.has(ref)) throw new Error(`cannot follow ${ref} in the contract`);
      seen.add(ref);
      at = ref
        .slice(2)
        .split('/')
        .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'));
      current = at.reduce((node, token) => node?.[token], this.document);
    }
    return [current, at];
  }

  /** The documented response of an operation for a status (exact, then 4XX-style, then default). */
  response(op, status) {
    const responses = op.operation.responses ?? {};
    const keys = [String(status), `${String(status)[0]}XX`, 'default'];
    for (const key of keys) {
      if (responses[key] !== undefined) {
        return this.resolve(responses[key], [...op.pointer, 'responses', key]);
      }
    }
    return [undefined, undefined];
  }

  validator(tokens) {
    const key = pointer(tokens);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.getSchema(`${DOCUMENT_ID}${key}`);
      if (!validate) throw new Error(`the contract has no schema at ${key}`);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /**
   * Every way an answer departs from the contract. `body` is the raw body (Buffer or Uint8Array);
   * `text` may be given for an XML body already decoded. Returns { operation, violations }.
   */
  check({ method, path, status, contentType, body, text }) {
    const violations = [];
    const op = this.match(method, path);
    const where = `${method.toUpperCase()} ${path.split('?')[0]}`;
    if (!op) {
      violations.push(`${where}: no documented operation`);
      return { operation: undefined, violations };
    }
    const name = `${op.id} ${status}`;
    const [response, responseTokens] = this.response(op, status);
    if (!response) {
      const documented = Object.keys(op.operation.responses ?? {}).join(', ');
      violations.push(`${name}: status ${status} is not documented for ${op.id} (documented: ${documented})`);
      return { operation: op, violations };
    }
    const bytes = body ?? new Uint8Array();
    const content = response.content ?? {};
    const types = Object.keys(content);
    const type = mediaType(contentType);
    if (types.length === 0) {
      if (bytes.length > 0) {
        violations.push(`${name}: the contract documents no body, but ${bytes.length} bytes (${type || 'no Content-Type'}) came`);
      }
      return { operation: op, violations };
    }
    const documentedType = types.find((t) => t.toLowerCase() === type);
    if (!documentedType) {
      violations.push(`${name}: Content-Type ${type || '(none)'} is not documented (documented: ${types.join(', ')})`);
      return { operation: op, violations };
    }
    const media = content[documentedType];
    if (!media?.schema) return { operation: op, violations };
    const schemaTokens = [...responseTokens, 'content', documentedType, 'schema'];
    let instance;
    if (isJsonMediaType(type)) {
      try {
        instance = JSON.parse(Buffer.from(bytes).toString('utf8'));
      } catch (e) {
        violations.push(`${name} ${type}: the body is not JSON (${e.message})`);
        return { operation: op, violations };
      }
    } else {
      instance = text ?? Buffer.from(bytes).toString('utf8');
      if (isXmlMediaType(type) && !instance.includes('<XmlMsg')) {
        violations.push(`${name} ${type}: the body is not an official XmlMsg document`);
      }
    }
    const validate = this.validator(schemaTokens);
    if (!validate(instance)) {
      for (const error of validate.errors ?? []) {
        const at = error.instancePath || '/';
        const got = error.keyword === 'enum' || error.keyword === 'type' || error.keyword === 'format' || error.keyword === 'pattern'
          ? ` (got ${JSON.stringify(error.data)?.slice(0, 80)})`
          : '';
        violations.push(`${name} ${type}: ${at} ${error.message}${got} [schema ${error.schemaPath}]`);
      }
    }
    return { operation: op, violations };
  }
}

let loaded;

/** The repository's contract, parsed once. */
export function loadContract(path = CONTRACT_PATH) {
  if (path === CONTRACT_PATH && loaded) return loaded;
  const contract = new Contract(YAML.parse(readFileSync(path, 'utf8')));
  if (path === CONTRACT_PATH) loaded = contract;
  return contract;
}
