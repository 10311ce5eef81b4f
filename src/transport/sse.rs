//! Server-Sent Events framing (the HTML standard's "event stream interpretation"), fed with the bytes
//! of a streamed `fetch` body as they arrive.
//!
//! The app reads the stream with `fetch` rather than `EventSource` because `EventSource` cannot send
//! the `Authorization` header and tokens never go into URLs (decisions.md D5). Chunks end anywhere: in
//! the middle of a line, between the CR and LF of one line break, or inside a multi-byte character, so
//! the parser keeps the unfinished line as bytes and decodes only complete lines.

/// One dispatched event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SseFrame {
    /// The `event:` field, `message` when the frame has none.
    pub event: String,
    /// The `data:` lines joined with line feeds.
    pub data: String,
    /// The last event id at the time of dispatch (the `id:` field of this or an earlier frame).
    pub id: Option<String>,
}

/// The parser's state across chunks.
#[derive(Debug, Default)]
pub struct SseParser {
    /// The bytes of the line not yet ended.
    line: Vec<u8>,
    /// The previous chunk ended with a CR, so a LF at the start of this one ends nothing.
    after_cr: bool,
    /// A line has been completed, so a byte-order mark can no longer appear.
    started: bool,
    event: String,
    data: String,
    has_data: bool,
    last_id: Option<String>,
    retry_ms: Option<u32>,
}

impl SseParser {
    pub fn new() -> SseParser {
        SseParser::default()
    }

    /// Takes the next chunk of the stream and returns the frames it completes.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<SseFrame> {
        let mut frames = Vec::new();
        for &byte in bytes {
            match byte {
                b'\n' if self.after_cr => self.after_cr = false,
                b'\n' | b'\r' => {
                    self.after_cr = byte == b'\r';
                    let line = std::mem::take(&mut self.line);
                    if let Some(frame) = self.line_ended(&line) {
                        frames.push(frame);
                    }
                }
                _ => {
                    self.after_cr = false;
                    self.line.push(byte);
                }
            }
        }
        frames
    }

    /// The last event id seen, to send as `Last-Event-ID` when reconnecting.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    /// The reconnection time the stream asked for (`retry:`), in milliseconds.
    pub fn retry_ms(&self) -> Option<u32> {
        self.retry_ms
    }

    fn line_ended(&mut self, bytes: &[u8]) -> Option<SseFrame> {
        let decoded = String::from_utf8_lossy(bytes);
        let mut line: &str = &decoded;
        if !self.started {
            self.started = true;
            line = line.strip_prefix('\u{feff}').unwrap_or(line);
        }
        if line.is_empty() {
            return self.dispatch();
        }
        if line.starts_with(':') {
            // A comment: the endpoint's keep-alive.
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match field {
            "event" => self.event = value.to_owned(),
            "data" => {
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            // An id with a NUL is ignored, as the standard says; an empty one resets it.
            "id" if !value.contains('\0') => {
                self.last_id = (!value.is_empty()).then(|| value.to_owned());
            }
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry_ms = value.parse().ok();
            }
            _ => {}
        }
        None
    }

    /// An empty line: dispatches the frame collected so far, unless it has no data.
    fn dispatch(&mut self) -> Option<SseFrame> {
        let event = std::mem::take(&mut self.event);
        let data = std::mem::take(&mut self.data);
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(SseFrame {
            event: if event.is_empty() {
                "message".to_owned()
            } else {
                event
            },
            data,
            id: self.last_id.clone(),
        })
    }
}
