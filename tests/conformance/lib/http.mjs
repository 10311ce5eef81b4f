// The suite's HTTP client, on Node's built-in fetch. Every answer is checked against the contract
// (lib/contract.mjs) as it arrives: a violation is reported to `onViolation` and thrown, so the clause
// that caused it fails naming the operation, the status and where the body departs from the schema.
import http from 'node:http';
import https from 'node:https';
import { mediaType } from './contract.mjs';
import { decodeXml } from './xml.mjs';

export class ContractViolation extends Error {
  constructor(violations) {
    super(`contract violation: ${violations.join('; ')}`);
    this.violations = violations;
  }
}

/** One answer: status, headers, the raw body and its readings. */
export class Answer {
  constructor({ method, path, status, headers, bytes, operation }) {
    this.method = method;
    this.path = path;
    this.status = status;
    this.headers = headers;
    this.bytes = bytes;
    this.operation = operation;
    this.contentType = mediaType(headers.get('content-type'));
  }

  get isXml() {
    return this.contentType === 'application/xml' || this.contentType === 'text/xml';
  }

  get isJson() {
    return this.contentType === 'application/json' || this.contentType.endsWith('+json');
  }

  /** The body as text: XML as its declaration says, anything else as UTF-8. */
  get text() {
    if (this._text === undefined) {
      this._text = this.isXml ? decodeXml(this.bytes) : Buffer.from(this.bytes).toString('utf8');
    }
    return this._text;
  }

  /** The JSON body (undefined when the body is not JSON). */
  get json() {
    if (!this.isJson) return undefined;
    if (this._json === undefined) {
      try {
        this._json = JSON.parse(Buffer.from(this.bytes).toString('utf8'));
      } catch {
        this._json = null;
      }
    }
    return this._json;
  }

  /** The problem body of an `application/problem+json` answer, or undefined. */
  get problem() {
    return this.contentType === 'application/problem+json' ? this.json ?? undefined : undefined;
  }

  /** A short description for failure messages: `POST /session → 401 invalid_credentials`. */
  describe() {
    let what = `${this.method} ${this.path} → ${this.status}`;
    const problem = this.problem;
    if (problem?.code) {
      what += ` ${problem.code}`;
      if (problem.detail) what += ` (${problem.detail})`;
      if (Array.isArray(problem.errors) && problem.errors.length) {
        what += ` [${problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')}]`;
      }
    } else if (this.bytes.length) {
      what += ` ${this.contentType || '(no Content-Type)'} ${this.text.slice(0, 160).replace(/\s+/g, ' ')}`;
    }
    return what;
  }
}

export class Client {
  /**
   * `baseUrl` is the endpoint's origin (and any path before `/onshi/v1`); `contract` a Contract;
   * `onViolation(violations, answer)` is told of every departure from the contract.
   */
  constructor({ baseUrl, contract, onViolation = () => {}, timeoutMs = 30_000 }) {
    this.root = `${baseUrl.replace(/\/+$/, '')}${contract.prefix}`;
    this.contract = contract;
    this.onViolation = onViolation;
    this.timeoutMs = timeoutMs;
  }

  /**
   * Sends one request. `path` is below the contract's prefix (`/session`), optionally with a query
   * string, or `query` as an object. `json` sends a JSON body; `body` raw bytes with `contentType`.
   */
  async request(method, path, { token, json, body, contentType, headers = {}, query } = {}) {
    let target = path;
    if (query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) params.set(k, String(v));
      const qs = params.toString();
      if (qs) target += `${path.includes('?') ? '&' : '?'}${qs}`;
    }
    const sent = { ...headers };
    if (token) sent.Authorization = `Bearer ${token}`;
    let payload;
    if (json !== undefined) {
      payload = JSON.stringify(json);
      sent['Content-Type'] = contentType ?? 'application/json';
    } else if (body !== undefined) {
      payload = body;
      if (contentType) sent['Content-Type'] = contentType;
    }
    let response;
    try {
      response = await fetch(`${this.root}${target}`, {
        method,
        headers: sent,
        body: payload,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new Error(`${method} ${target}: no answer (${e.cause?.message ?? e.message})`);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    return this.#checked(method, target, response.status, response.headers, bytes);
  }

  /**
   * Sends one request naming `host` in its `Host` field instead of the endpoint's own (fetch always
   * sends the URL's host, so this goes through node:http). `json` sends a JSON body.
   */
  async requestNamingHost(method, path, host, { json } = {}) {
    const url = new URL(`${this.root}${path}`);
    const payload = json === undefined ? undefined : Buffer.from(JSON.stringify(json));
    const headers = { Host: host };
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const { status, headers: received, bytes } = await new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? https.request : http.request;
      const request = send(url, { method, headers, timeout: this.timeoutMs }, (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, bytes: Buffer.concat(chunks) }));
        response.on('error', reject);
      });
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', (e) => reject(new Error(`${method} ${path} (Host: ${host}): no answer (${e.message})`)));
      request.end(payload);
    });
    const flat = new Headers();
    for (const [name, value] of Object.entries(received)) {
      for (const one of [value].flat()) flat.append(name, one);
    }
    return this.#checked(method, path, status, flat, bytes);
  }

  /** An answer, checked against the contract (a violation is reported and thrown). */
  #checked(method, target, status, headers, bytes) {
    const answer = new Answer({ method, path: target, status, headers, bytes });
    const { operation, violations } = this.contract.check({
      method,
      path: `${this.contract.prefix}${target}`,
      status: answer.status,
      contentType: headers.get('content-type'),
      body: bytes,
      text: answer.isXml ? answer.text : undefined,
    });
    answer.operation = operation?.id;
    if (violations.length) {
      this.onViolation(violations, answer);
      throw new ContractViolation(violations);
    }
    return answer;
  }
}
