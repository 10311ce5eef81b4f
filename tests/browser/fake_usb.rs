//! A stand-in for `navigator.usb`, written in JavaScript from the WebUSB specification and
//! docs/card-reader.md (§1, §2.1), not from the adapter under test (decisions.md D8).
//!
//! A test installs one scripted device, or a chooser that is closed without one. The device answers
//! as Chrome does: `claimInterface` on a smart-card class (0x0B) interface rejects with a
//! `SecurityError` ("The requested interface implements a protected class."); once unplugged, every
//! call and any `transferIn` still waiting rejects with a `NotFoundError`, and `navigator.usb` fires
//! `disconnect`. Bulk-IN transfers are answered from a queue, one queued transfer each; a device that
//! speaks Port-100 queues an ACK and an answer for each command frame it is sent (a reader with no card
//! on it: InCommRF always reports a receive timeout), enough for a driver to prepare it and poll.

use serde_json::{Value, json};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
let state = null;

function fail(name, message) {
  return new DOMException(message, name);
}

// Port-100 frames (card-reader.md §2.1): 00 00 FF FF FF LEN(LE16) LCS <data> DCS 00, answered by an ACK
// (00 00 FF 00 FF 00) and a frame whose data starts D7 <command + 1>.
const ACK = [0x00, 0x00, 0xff, 0x00, 0xff, 0x00];
function frame(data) {
  const len = data.length;
  const lcs = (256 - ((len & 0xff) + (len >> 8))) & 0xff;
  const dcs = (256 - (data.reduce((a, b) => a + b, 0) & 0xff)) & 0xff;
  return [0x00, 0x00, 0xff, 0xff, 0xff, len & 0xff, len >> 8, lcs, ...data, dcs, 0x00];
}
function port100Answer(bytes) {
  const isCommand = bytes.length >= 10 && bytes[0] === 0x00 && bytes[1] === 0x00 && bytes[2] === 0xff
    && bytes[3] === 0xff && bytes[4] === 0xff && bytes[8] === 0xd6;
  if (!isCommand) return [];
  const command = bytes[9];
  // InCommRF (04): error word 0x80 (RECEIVE_TIMEOUT) and one more byte: no card answered.
  const payload = command === 0x04 ? [0x80, 0x00, 0x00, 0x00, 0x00] : [0x00];
  return [ACK, frame([0xd7, command + 1, ...payload])];
}

class FakeUsb extends EventTarget {
  async requestDevice(options) {
    state.filters = JSON.parse(JSON.stringify(options.filters));
    if (state.device === null) throw fail('NotFoundError', 'No device selected.');
    return state.device;
  }
  async getDevices() {
    return state.device === null ? [] : [state.device];
  }
}

function endpoint(spec) {
  return { endpointNumber: spec.number, direction: spec.direction, type: 'bulk', packetSize: 64 };
}

function makeDevice(spec) {
  const interfaces = spec.interfaces.map((i) => {
    const alternate = {
      alternateSetting: 0,
      interfaceClass: i.class,
      interfaceSubclass: 0,
      interfaceProtocol: 0,
      interfaceName: null,
      endpoints: i.endpoints.map(endpoint),
    };
    return { interfaceNumber: i.number, alternate, alternates: [alternate], claimed: false };
  });
  const configuration = { configurationValue: 1, configurationName: null, interfaces };
  const device = {
    vendorId: spec.vendorId,
    productId: spec.productId,
    productName: spec.productName ?? '',
    configurations: [configuration],
    configuration: null,
    opened: false,
    async open() {
      state.calls.push('open');
      if (state.gone) throw fail('NotFoundError', 'The device was disconnected.');
      if (spec.openError) throw fail(spec.openError, 'Access denied.');
      this.opened = true;
    },
    async selectConfiguration(value) {
      state.calls.push(`selectConfiguration:${value}`);
      if (state.gone) throw fail('NotFoundError', 'The device was disconnected.');
      this.configuration = configuration;
    },
    async claimInterface(number) {
      state.calls.push(`claimInterface:${number}`);
      if (state.gone) throw fail('NotFoundError', 'The device was disconnected.');
      const found = interfaces.find((i) => i.interfaceNumber === number);
      if (!found) throw fail('NotFoundError', 'The interface number provided is not supported.');
      if (found.alternates.some((a) => a.interfaceClass === 0x0b)) {
        throw fail('SecurityError', 'The requested interface implements a protected class.');
      }
      found.claimed = true;
    },
    async releaseInterface(number) {
      state.calls.push(`releaseInterface:${number}`);
      if (state.gone) throw fail('NotFoundError', 'The device was disconnected.');
      for (const waiting of state.waiting.splice(0)) {
        waiting.reject(fail('AbortError', 'The transfer was cancelled.'));
      }
    },
    async close() {
      state.calls.push('close');
      this.opened = false;
    },
    async transferOut(number, data) {
      if (state.gone) throw fail('NotFoundError', 'The device was disconnected.');
      const bytes = Array.from(new Uint8Array(data.buffer ?? data, data.byteOffset ?? 0, data.byteLength));
      state.sent.push({ endpoint: number, bytes });
      if (state.stallOut) return { status: 'stall', bytesWritten: 0 };
      if (spec.port100) for (const answer of port100Answer(bytes)) queue(answer);
      return { status: 'ok', bytesWritten: bytes.length };
    },
    transferIn(number, length) {
      state.transferIns.push({ endpoint: number, length });
      if (state.gone) return Promise.reject(fail('NotFoundError', 'The device was disconnected.'));
      return new Promise((resolve, reject) => {
        state.waiting.push({ resolve, reject });
        deliver();
      });
    },
  };
  return device;
}

function deliver() {
  while (state.waiting.length > 0 && state.queue.length > 0) {
    const waiting = state.waiting.shift();
    const next = state.queue.shift();
    if (next === 'stall') {
      waiting.resolve({ status: 'stall', data: null });
    } else {
      waiting.resolve({ status: 'ok', data: new DataView(new Uint8Array(next).buffer) });
    }
  }
}

function queue(bytes) {
  state.queue.push(bytes);
  deliver();
}

export function install(spec) {
  state = { calls: [], sent: [], transferIns: [], waiting: [], queue: [], gone: false, stallOut: false, filters: null, device: null };
  const usb = new FakeUsb();
  state.usb = usb;
  state.device = spec === null ? null : makeDevice(spec);
  Object.defineProperty(navigator, 'usb', { value: usb, configurable: true });
}

export function remove_usb() {
  Object.defineProperty(navigator, 'usb', { value: undefined, configurable: true });
}

export function queue_in(bytes) {
  queue(Array.from(bytes));
}

export function queue_stall() {
  queue('stall');
}

export function stall_out() {
  state.stallOut = true;
}

export function unplug() {
  state.gone = true;
  for (const waiting of state.waiting.splice(0)) {
    waiting.reject(fail('NotFoundError', 'The device was disconnected.'));
  }
  const event = new Event('disconnect');
  event.device = state.device;
  state.usb.dispatchEvent(event);
}

export function report() {
  return JSON.stringify({
    calls: state.calls,
    sent: state.sent,
    transferIns: state.transferIns,
    filters: state.filters,
  });
}

export function restore() {
  // The page's own `navigator.usb` comes from the prototype again.
  delete navigator.usb;
  state = null;
}
"#)]
extern "C" {
    fn install(spec: JsValue);
    fn remove_usb();
    fn queue_in(bytes: &[u8]);
    fn queue_stall();
    fn stall_out();
    fn unplug();
    fn report() -> String;
    fn restore();
}

/// One scripted device (see the module comment).
pub struct FakeUsb;

/// What the page did with the fake.
#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// `open`, `selectConfiguration:1`, `claimInterface:0`, `releaseInterface:0`, `close`, in order.
    pub calls: Vec<String>,
    pub sent: Vec<Sent>,
    pub transfer_ins: Vec<TransferIn>,
    /// The chooser's filters as the page gave them.
    pub filters: Option<Vec<Value>>,
}

#[derive(Debug, serde::Deserialize)]
pub struct Sent {
    pub endpoint: u8,
    pub bytes: Vec<u8>,
}

#[derive(Debug, serde::Deserialize)]
pub struct TransferIn {
    pub endpoint: u8,
    pub length: u32,
}

impl FakeUsb {
    /// A chooser that offers `device` (JSON: `vendorId`, `productId`, `productName`, `interfaces`
    /// of `{number, class, endpoints: [{number, direction}]}`, and `port100` or `openError`), or is
    /// closed without one (`None`).
    pub fn install(device: Option<Value>) -> FakeUsb {
        let spec = match device {
            Some(device) => js_sys::JSON::parse(&device.to_string()).expect("the device is JSON"),
            None => JsValue::NULL,
        };
        install(spec);
        FakeUsb
    }

    /// A browser without WebUSB.
    pub fn absent() -> FakeUsb {
        remove_usb();
        FakeUsb
    }

    pub fn queue_in(&self, bytes: &[u8]) {
        queue_in(bytes);
    }

    pub fn queue_stall(&self) {
        queue_stall();
    }

    pub fn stall_out(&self) {
        stall_out();
    }

    pub fn unplug(&self) {
        unplug();
    }

    pub fn report(&self) -> Report {
        serde_json::from_str(&report()).expect("the report is JSON")
    }
}

impl Drop for FakeUsb {
    fn drop(&mut self) {
        restore();
    }
}

/// A Sony RC-S380 (054C:06C1): one vendor-class interface with bulk IN 1 and OUT 2, answering
/// Port-100 when `port100`.
pub fn rcs380(port100: bool) -> Value {
    json!({
        "vendorId": 0x054C,
        "productId": 0x06C1,
        "productName": "RC-S380/P",
        "port100": port100,
        "interfaces": [{
            "number": 0,
            "class": 0xFF,
            "endpoints": [{"number": 1, "direction": "in"}, {"number": 2, "direction": "out"}],
        }],
    })
}

/// An Identiv uTrust 3700 F (04E6:5790): a smart-card class interface only.
pub fn ccid_reader() -> Value {
    json!({
        "vendorId": 0x04E6,
        "productId": 0x5790,
        "productName": "uTrust 3700 F CL Reader",
        "interfaces": [{
            "number": 0,
            "class": 0x0B,
            "endpoints": [{"number": 1, "direction": "in"}, {"number": 2, "direction": "out"}],
        }],
    })
}
