//! A small, tolerant XML layer for the official messages: bytes to an element tree and back.
//!
//! The national system's messages are plain trees of named elements with text leaves and no
//! attributes or namespaces (docs/interface.md §1). Decoding to a generic tree first, and only
//! then picking fields by name, is what makes the decoders tolerant (decisions.md D6): any element
//! order, missing elements, unknown elements, and results found wherever a peer has seen them.
//!
//! Guarantees that matter at a trust boundary: the input size is capped before anything is read, a
//! DOCTYPE (and with it every entity definition) is refused, only the five predefined entities and
//! character references are expanded, nesting is capped so a hostile file cannot exhaust the stack,
//! and bytes that are not valid in the declared encoding are an error rather than replaced.

use std::borrow::Cow;

use encoding_rs::{DecoderResult, SHIFT_JIS};
use quick_xml::{Reader, events::Event};

use crate::wire::{DecodeError, EncodeError};

/// The deepest nesting accepted. The official messages nest about seven deep.
pub const MAX_DEPTH: usize = 32;

/// Input bytes per element at the least: the official messages spend 29 bytes or more on each element
/// (research fixtures), so a document denser than this is no message, and refusing it bounds the
/// tree's memory to a small multiple of the input however it is built.
pub const BYTES_PER_ELEMENT: usize = 16;

/// A text encoding the interface allows (`CharacterCodeIdentifier`, OQSCD005).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    Utf8,
    /// Shift_JIS as Windows writes it (CP932 / Windows-31J), which is what encoding_rs decodes.
    ShiftJis,
}

impl Encoding {
    /// The name written in the XML declaration.
    pub fn declaration_name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::ShiftJis => "Shift_JIS",
        }
    }

    /// The `CharacterCodeIdentifier` value (OQSCD005) that names this encoding.
    pub fn identifier(self) -> &'static str {
        match self {
            Encoding::Utf8 => "0",
            Encoding::ShiftJis => "1",
        }
    }

    /// The encoding a declaration's label names, if it is one the interface allows.
    pub fn from_label(label: &str) -> Option<Encoding> {
        match label.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "shift_jis" | "shift-jis" | "sjis" | "x-sjis" | "windows-31j" | "cp932" | "ms932"
            | "ms_kanji" | "csshiftjis" | "cswindows31j" => Some(Encoding::ShiftJis),
            _ => None,
        }
    }
}

/// One element: its name, its own text, and its child elements in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Element {
    pub name: String,
    /// The element's text with entities expanded. For an element with children, whitespace between
    /// them is dropped.
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn new(name: &str) -> Element {
        Element {
            name: name.to_owned(),
            ..Element::default()
        }
    }

    /// The first child with this name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child with this name, in order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child with this name.
    pub fn text_of(&self, name: &str) -> Option<String> {
        self.child(name).map(|c| c.text.clone())
    }

    /// Every element with this name below this one, outermost first, without looking inside a match
    /// (a match nested in a match is part of the outer one).
    pub fn descendants_named<'a>(&'a self, name: &str) -> Vec<&'a Element> {
        let mut found = Vec::new();
        let mut stack: Vec<&Element> = self.children.iter().rev().collect();
        while let Some(element) = stack.pop() {
            if element.name == name {
                found.push(element);
            } else {
                stack.extend(element.children.iter().rev());
            }
        }
        found
    }
}

/// A decoded document: its encoding and its root element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub encoding: Encoding,
    pub root: Element,
}

/// Decodes `bytes` (at most `limit` of them) into a tree.
pub fn parse(bytes: &[u8], limit: usize) -> Result<Document, DecodeError> {
    if bytes.len() > limit {
        return Err(DecodeError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let (encoding, text) = decode_text(bytes)?;
    let root = build_tree(&text, (bytes.len() / BYTES_PER_ELEMENT).max(64))?;
    Ok(Document { encoding, root })
}

/// Finds the encoding (byte order mark, then declaration, then UTF-8) and decodes strictly.
fn decode_text(bytes: &[u8]) -> Result<(Encoding, Cow<'_, str>), DecodeError> {
    if bytes.starts_with(&[0xFE, 0xFF]) || bytes.starts_with(&[0xFF, 0xFE]) {
        return Err(DecodeError::UnsupportedEncoding {
            label: "UTF-16".to_owned(),
        });
    }
    let (bom, body) = match bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let declared = match declared_label(body) {
        Some(label) => {
            Some(Encoding::from_label(&label).ok_or(DecodeError::UnsupportedEncoding { label })?)
        }
        None => None,
    };
    let encoding = match (bom, declared) {
        (true, Some(Encoding::ShiftJis)) => {
            return Err(DecodeError::EncodingConflict {
                declared: Encoding::ShiftJis,
            });
        }
        (_, Some(encoding)) => encoding,
        (_, None) => Encoding::Utf8,
    };
    let text =
        match encoding {
            Encoding::Utf8 => std::str::from_utf8(body).map(Cow::Borrowed).map_err(|e| {
                DecodeError::InvalidBytes {
                    encoding,
                    offset: e.valid_up_to() + usize::from(bom) * 3,
                }
            })?,
            Encoding::ShiftJis => Cow::Owned(decode_shift_jis(body)?),
        };
    Ok((encoding, text))
}

/// Shift_JIS (CP932) to text, strictly: the first invalid sequence is an error naming its offset.
fn decode_shift_jis(body: &[u8]) -> Result<String, DecodeError> {
    let mut decoder = SHIFT_JIS.new_decoder_without_bom_handling();
    // Every Shift_JIS byte becomes at most three UTF-8 bytes.
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut text = String::with_capacity(capacity);
    let (result, read) = decoder.decode_to_string_without_replacement(body, &mut text, true);
    match result {
        DecoderResult::InputEmpty => Ok(text),
        DecoderResult::Malformed(bad, after) => Err(DecodeError::InvalidBytes {
            encoding: Encoding::ShiftJis,
            offset: read
                .saturating_sub(usize::from(bad))
                .saturating_sub(usize::from(after)),
        }),
        // The buffer was sized for the whole input, so this cannot happen; say so if it does.
        DecoderResult::OutputFull => Err(DecodeError::InvalidBytes {
            encoding: Encoding::ShiftJis,
            offset: read,
        }),
    }
}

/// The `encoding` label of the XML declaration, read as ASCII (every allowed encoding agrees on it).
fn declared_label(bytes: &[u8]) -> Option<String> {
    // Strictly the declaration comes first; a stray line break before it is common and harmless.
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace())?;
    let bytes = &bytes[start..];
    let head = bytes.get(..bytes.len().min(256))?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let end = head.windows(2).position(|w| w == b"?>")?;
    let declaration = String::from_utf8_lossy(&head[..end]);
    let at = declaration.find("encoding")?;
    let rest = declaration[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let value = &rest[1..];
    Some(value[..value.find(quote)?].to_owned())
}

fn build_tree(text: &str, max_elements: usize) -> Result<Element, DecodeError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut elements = 0usize;
    let mut count = || {
        elements += 1;
        if elements > max_elements {
            Err(DecodeError::TooManyElements {
                limit: max_elements,
            })
        } else {
            Ok(())
        }
    };
    loop {
        let position = reader.buffer_position();
        let event = reader.read_event().map_err(|e| DecodeError::Malformed {
            position: usize::try_from(position).unwrap_or(usize::MAX),
            message: e.to_string(),
        })?;
        match event {
            Event::DocType(_) => return Err(DecodeError::DoctypeRefused),
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(DecodeError::TooDeep { limit: MAX_DEPTH });
                }
                count()?;
                stack.push(Element::new(local_name(start.name().as_ref())));
            }
            Event::Empty(start) => {
                count()?;
                let element = Element::new(local_name(start.name().as_ref()));
                attach(&mut stack, &mut root, element)?;
            }
            Event::End(_) => {
                let mut element = stack
                    .pop()
                    .ok_or_else(|| malformed(&reader, "an end tag without a start"))?;
                if !element.children.is_empty() && element.text.trim().is_empty() {
                    element.text.clear();
                }
                attach(&mut stack, &mut root, element)?;
            }
            Event::Text(text) => append_text(&reader, &mut stack, &text.xml10_content())?,
            Event::CData(data) => append_text(&reader, &mut stack, &data.xml10_content())?,
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => predefined_entity(&reference).ok_or_else(|| {
                        DecodeError::UndefinedEntity {
                            name: reference.to_string(),
                        }
                    })?,
                    Err(e) => return Err(malformed(&reader, &e.to_string())),
                };
                append_text(&reader, &mut stack, resolved.encode_utf8(&mut [0; 4]))?;
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(malformed(&reader, "the document ends inside an element"));
    }
    root.ok_or(DecodeError::Empty)
}

fn malformed(reader: &Reader<&[u8]>, message: &str) -> DecodeError {
    DecodeError::Malformed {
        position: usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX),
        message: message.to_owned(),
    }
}

/// The name without any namespace prefix (the interface uses none, but a peer might add one).
fn local_name(name: &str) -> &str {
    name.rsplit(':').next().unwrap_or(name)
}

fn predefined_entity(name: &str) -> Option<char> {
    match name {
        "lt" => Some('<'),
        "gt" => Some('>'),
        "amp" => Some('&'),
        "apos" => Some('\''),
        "quot" => Some('"'),
        _ => None,
    }
}

fn attach(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), DecodeError> {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None if root.is_none() => *root = Some(element),
        None => return Err(DecodeError::MultipleRoots),
    }
    Ok(())
}

fn append_text(
    reader: &Reader<&[u8]>,
    stack: &mut [Element],
    text: &str,
) -> Result<(), DecodeError> {
    if let Some(c) = text.chars().find(|c| !is_xml_char(*c)) {
        return Err(malformed(
            reader,
            &format!("U+{:04X} is not a character XML allows", u32::from(c)),
        ));
    }
    match stack.last_mut() {
        Some(element) => element.text.push_str(text),
        // Whitespace around the root is allowed; anything else there is not XML.
        None if text.trim().is_empty() => {}
        None => return Err(malformed(reader, "text outside the root element")),
    }
    Ok(())
}

/// Writes a message in the official shape: an XML declaration, then elements indented by two
/// spaces, text escaped, and every text checked against the target encoding as it is written.
pub struct Writer {
    out: String,
    encoding: Encoding,
    depth: usize,
}

impl Writer {
    pub fn new(encoding: Encoding) -> Writer {
        let mut out = String::with_capacity(4096);
        out.push_str("<?xml version=\"1.0\" encoding=\"");
        out.push_str(encoding.declaration_name());
        out.push_str("\" standalone=\"no\"?>\n");
        Writer {
            out,
            encoding,
            depth: 0,
        }
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    pub fn open(&mut self, name: &str) {
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push_str(">\n");
        self.depth += 1;
    }

    pub fn close(&mut self, name: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.indent();
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// A text-only element. Shift_JIS output refuses a character it cannot carry, naming the element
    /// and the character (decisions.md D6: nothing is silently replaced).
    ///
    /// `CharacterCodeIdentifier` describes the bytes being written, which only the writer knows, so
    /// whatever value the message holds is replaced by the writer's own encoding.
    pub fn leaf(&mut self, name: &str, text: &str) -> Result<(), EncodeError> {
        let text = if name == "CharacterCodeIdentifier" {
            self.encoding.identifier()
        } else {
            text
        };
        if let Some(character) = text.chars().find(|c| !is_xml_char(*c)) {
            return Err(EncodeError::NotXml {
                element: name.to_owned(),
                character,
            });
        }
        let text = match self.encoding {
            Encoding::Utf8 => Cow::Borrowed(text),
            Encoding::ShiftJis => {
                for_shift_jis(text).map_err(|character| EncodeError::Unrepresentable {
                    element: name.to_owned(),
                    character,
                })?
            }
        };
        self.indent();
        self.out.push('<');
        self.out.push_str(name);
        self.out.push('>');
        self.out.push_str(&quick_xml::escape::escape(text.as_ref()));
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
        Ok(())
    }

    /// A whole tree as it was read: leaves as text, containers with their children.
    pub fn element(&mut self, element: &Element) -> Result<(), EncodeError> {
        // Names come from the message types, which are ASCII, except in trees kept as read.
        if self.encoding == Encoding::ShiftJis
            && let Err(character) = for_shift_jis(&element.name)
        {
            return Err(EncodeError::Unrepresentable {
                element: element.name.clone(),
                character,
            });
        }
        if element.children.is_empty() {
            return self.leaf(&element.name, &element.text);
        }
        self.open(&element.name);
        for child in &element.children {
            self.element(child)?;
        }
        self.close(&element.name);
        Ok(())
    }

    /// The finished document in its encoding.
    pub fn finish(self) -> Vec<u8> {
        match self.encoding {
            Encoding::Utf8 => self.out.into_bytes(),
            // Every text was checked as it was written and the markup is ASCII, so nothing is replaced.
            Encoding::ShiftJis => SHIFT_JIS.encode(&self.out).0.into_owned(),
        }
    }

    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
}

/// The characters of JIS X 0208 that Unicode spells two ways: as the JIS mapping has them (what macOS
/// and JIS-based software type) and as Windows' CP932 has them. They are the same characters in the
/// same Shift_JIS bytes, so the JIS forms are written as those bytes rather than refused.
const JIS_FORMS: [(char, char); 7] = [
    ('\u{301C}', '\u{FF5E}'), // 〜 WAVE DASH → ～
    ('\u{2016}', '\u{2225}'), // ‖ → ∥
    ('\u{2212}', '\u{FF0D}'), // − MINUS SIGN → －
    ('\u{2014}', '\u{2015}'), // — EM DASH → ―
    ('\u{00A2}', '\u{FFE0}'), // ¢ → ￠
    ('\u{00A3}', '\u{FFE1}'), // £ → ￡
    ('\u{00AC}', '\u{FFE2}'), // ¬ → ￢
];

/// Characters encoding_rs writes as bytes that read back as other characters: ¥ as 0x5C (read back as
/// a backslash) and ‾ as 0x7E (read back as a tilde). Writing them would silently change the text.
const READ_BACK_OTHERWISE: [char; 2] = ['\u{00A5}', '\u{203E}'];

/// `text` as Shift_JIS (CP932) carries it, with the JIS forms in their CP932 spelling, or the first
/// character it cannot carry.
pub fn for_shift_jis(text: &str) -> Result<Cow<'_, str>, char> {
    let text = if text
        .chars()
        .any(|c| JIS_FORMS.iter().any(|(jis, _)| *jis == c))
    {
        Cow::Owned(
            text.chars()
                .map(|c| {
                    JIS_FORMS
                        .iter()
                        .find(|(jis, _)| *jis == c)
                        .map_or(c, |(_, cp932)| *cp932)
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    };
    if let Some(c) = text.chars().find(|c| READ_BACK_OTHERWISE.contains(c)) {
        return Err(c);
    }
    if !SHIFT_JIS.encode(&text).2 {
        return Ok(text);
    }
    // encoding_rs would have written a numeric character reference in its place; find which one.
    match text
        .chars()
        .find(|c| SHIFT_JIS.encode(c.encode_utf8(&mut [0; 4])).2)
    {
        Some(c) => Err(c),
        None => Ok(text),
    }
}

/// The first character of `text` that Shift_JIS (CP932) cannot carry, if any.
pub fn first_unencodable(text: &str) -> Option<char> {
    for_shift_jis(text).err()
}

/// Whether XML 1.0 allows the character in a document (its `Char` production).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(text: &str) -> Result<Document, DecodeError> {
        parse(text.as_bytes(), 1 << 20)
    }

    #[test]
    fn builds_a_tree_in_any_order_with_text_and_entities() {
        let doc = parse_str(
            "<?xml version=\"1.0\"?>\n<XmlMsg>\n  <B>x &amp; y &#x41;&#66;</B>\n  <A/>\n  <C><![CDATA[<raw>]]></C>\n</XmlMsg>",
        )
        .expect("parses");
        assert_eq!(doc.encoding, Encoding::Utf8);
        let names: Vec<&str> = doc.root.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["B", "A", "C"]);
        assert_eq!(doc.root.text_of("B").as_deref(), Some("x & y AB"));
        assert_eq!(doc.root.text_of("A").as_deref(), Some(""));
        assert_eq!(doc.root.text_of("C").as_deref(), Some("<raw>"));
        assert_eq!(doc.root.text, "", "whitespace between children is dropped");
    }

    #[test]
    fn leaf_text_is_kept_exactly() {
        let doc =
            parse_str("<X><InsurerNumber>  123456</InsurerNumber><Name>新橋　太郎</Name></X>")
                .expect("parses");
        assert_eq!(
            doc.root.text_of("InsurerNumber").as_deref(),
            Some("  123456")
        );
        assert_eq!(doc.root.text_of("Name").as_deref(), Some("新橋　太郎"));
    }

    #[test]
    fn encodings_are_found_by_bom_declaration_or_default() {
        let sjis = SHIFT_JIS
            .encode("<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><X><N>新橋</N></X>")
            .0;
        let doc = parse(&sjis, 1 << 20).expect("Shift_JIS");
        assert_eq!(doc.encoding, Encoding::ShiftJis);
        assert_eq!(doc.root.text_of("N").as_deref(), Some("新橋"));
        let with_bom = [&[0xEF, 0xBB, 0xBF][..], "<X><N>新橋</N></X>".as_bytes()].concat();
        assert_eq!(
            parse(&with_bom, 1 << 20).expect("bom").encoding,
            Encoding::Utf8
        );
        let single_quotes = b"<?xml version='1.0' encoding='windows-31j'?><X/>";
        assert_eq!(
            parse(single_quotes, 1 << 20).expect("cp932").encoding,
            Encoding::ShiftJis
        );
    }

    #[test]
    fn refusals() {
        let check =
            |input: &[u8], expected: DecodeError| assert_eq!(parse(input, 1 << 10), Err(expected));
        check(
            &[b' '; 1025],
            DecodeError::TooLarge {
                size: 1025,
                limit: 1024,
            },
        );
        check(b"", DecodeError::Empty);
        check(b"   ", DecodeError::Empty);
        check(
            b"<?xml version=\"1.0\" encoding=\"EUC-JP\"?><X/>",
            DecodeError::UnsupportedEncoding {
                label: "EUC-JP".to_owned(),
            },
        );
        check(
            &[0xFF, 0xFE, b'<', 0],
            DecodeError::UnsupportedEncoding {
                label: "UTF-16".to_owned(),
            },
        );
        check(
            &[
                &[0xEF, 0xBB, 0xBF][..],
                b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><X/>",
            ]
            .concat(),
            DecodeError::EncodingConflict {
                declared: Encoding::ShiftJis,
            },
        );
        check(
            b"<X>\xff</X>",
            DecodeError::InvalidBytes {
                encoding: Encoding::Utf8,
                offset: 3,
            },
        );
        check(
            b"<?xml version=\"1.0\"?><!DOCTYPE X [<!ENTITY e \"boom\">]><X>&e;</X>",
            DecodeError::DoctypeRefused,
        );
        check(
            b"<X>&nbsp;</X>",
            DecodeError::UndefinedEntity {
                name: "nbsp".to_owned(),
            },
        );
        check(b"<X/><Y/>", DecodeError::MultipleRoots);
        let deep = format!("{}{}", "<a>".repeat(33), "</a>".repeat(33));
        check(deep.as_bytes(), DecodeError::TooDeep { limit: 32 });
        assert!(matches!(
            parse(b"<X><Y></X>", 1 << 10),
            Err(DecodeError::Malformed { .. })
        ));
        assert!(matches!(
            parse(b"<X>", 1 << 10),
            Err(DecodeError::Malformed { .. })
        ));
        assert!(matches!(
            parse(b"oops<X/>", 1 << 10),
            Err(DecodeError::Malformed { .. })
        ));
    }

    #[test]
    fn descendants_are_found_at_any_depth_but_not_inside_a_match() {
        let doc = parse_str("<R><U><A><T>1</T></A></U><T>2<T>inner</T></T></R>").expect("parses");
        let found: Vec<String> = doc
            .root
            .descendants_named("T")
            .iter()
            .map(|e| e.text.clone())
            .collect();
        assert_eq!(found, ["1", "2"]);
    }

    #[test]
    fn the_writer_escapes_and_refuses_what_shift_jis_cannot_carry() {
        let mut w = Writer::new(Encoding::ShiftJis);
        w.open("XmlMsg");
        w.leaf("Name", "髙橋 <&> 太郎").expect("cp932 has 髙");
        assert_eq!(
            w.leaf("Name", "𠮷田"),
            Err(EncodeError::Unrepresentable {
                element: "Name".to_owned(),
                character: '𠮷'
            })
        );
        w.close("XmlMsg");
        let bytes = w.finish();
        let doc = parse(&bytes, 1 << 20).expect("reads back");
        assert_eq!(doc.encoding, Encoding::ShiftJis);
        assert_eq!(doc.root.text_of("Name").as_deref(), Some("髙橋 <&> 太郎"));
        assert!(bytes.starts_with(
            b"<?xml version=\"1.0\" encoding=\"Shift_JIS\" standalone=\"no\"?>\n<XmlMsg>\n  <Name>"
        ));
    }

    #[test]
    fn first_unencodable_finds_the_character() {
        assert_eq!(first_unencodable("新橋 太郎 ①～"), None);
        assert_eq!(first_unencodable("吉田 𠮷田"), Some('𠮷'));
        assert_eq!(first_unencodable("emoji 😀"), Some('😀'));
    }

    /// Regression (found in review): the JIS spellings of CP932 characters were refused, and ¥ and
    /// ‾ were written as bytes that read back as other characters.
    #[test]
    fn shift_jis_takes_the_jis_spellings_and_refuses_what_would_read_back_otherwise() {
        let check = |input: &str, expected: Result<&str, char>| {
            let mut writer = Writer::new(Encoding::ShiftJis);
            let written = writer.leaf("N", input).map(|()| writer.finish());
            match (written, expected) {
                (Ok(bytes), Ok(read_back)) => {
                    let doc = parse(&bytes, 1 << 20).expect("reads back");
                    assert_eq!(doc.root.text, read_back, "{input}");
                }
                (Err(EncodeError::Unrepresentable { character, .. }), Err(expected)) => {
                    assert_eq!(character, expected, "{input}");
                }
                (other, _) => panic!("{input}: {other:?}"),
            }
        };
        check("10時〜12時", Ok("10時～12時"));
        check("A‖B", Ok("A∥B"));
        check("−5", Ok("－5"));
        check("A—B", Ok("A―B"));
        check("¢£¬", Ok("￠￡￢"));
        check("￥1000", Ok("￥1000"));
        check("¥1000", Err('¥'));
        check("a‾b", Err('‾'));
    }

    #[test]
    fn characters_xml_does_not_allow_are_refused_both_ways() {
        assert!(matches!(
            parse_str("<X><N>a&#1;b</N></X>"),
            Err(DecodeError::Malformed { .. })
        ));
        assert!(matches!(
            parse_str("<X><N>a\u{1}b</N></X>"),
            Err(DecodeError::Malformed { .. })
        ));
        let mut writer = Writer::new(Encoding::Utf8);
        assert!(matches!(
            writer.leaf("N", "a\u{1}b"),
            Err(EncodeError::NotXml {
                character: '\u{1}',
                ..
            })
        ));
        assert_eq!(
            parse_str("<X><N>a&#9;b</N></X>").map(|d| d.root.children[0].text.clone()),
            Ok("a\tb".to_owned())
        );
    }

    /// Regression (found in review): a document of nothing but empty elements made a tree some
    /// twenty-six times its size.
    #[test]
    fn a_document_denser_than_any_message_is_refused() {
        let dense = format!("<XmlMsg>{}</XmlMsg>", "<a/>".repeat(10_000));
        assert!(matches!(
            parse(dense.as_bytes(), 1 << 20),
            Err(DecodeError::TooManyElements { .. })
        ));
        let plain = format!(
            "<XmlMsg>{}</XmlMsg>",
            "<Birthdate>19540326</Birthdate>".repeat(10_000)
        );
        assert_eq!(
            parse(plain.as_bytes(), 1 << 20).map(|d| d.root.children.len()),
            Ok(10_000)
        );
    }

    #[test]
    fn a_line_break_before_the_declaration_still_names_the_encoding() {
        let sjis = SHIFT_JIS
            .encode("\r\n<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><X><N>新橋</N></X>")
            .0;
        let doc = parse(&sjis, 1 << 20).expect("Shift_JIS");
        assert_eq!(doc.encoding, Encoding::ShiftJis);
        assert_eq!(doc.root.text_of("N").as_deref(), Some("新橋"));
    }

    #[test]
    fn invalid_shift_jis_names_its_offset() {
        let mut bytes = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><X>".to_vec();
        let at = bytes.len();
        bytes.extend_from_slice(&[0x81, 0x20, b'<', b'/', b'X', b'>']);
        assert_eq!(
            parse(&bytes, 1 << 20),
            Err(DecodeError::InvalidBytes {
                encoding: Encoding::ShiftJis,
                offset: at
            })
        );
    }
}
