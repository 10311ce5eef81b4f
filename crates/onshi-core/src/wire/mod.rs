//! The official XML messages of the national system (docs/interface.md §2–§9), as wire types.
//!
//! Wire types mirror the messages element by element, every value an optional string exactly as
//! received: they say what arrived, not what it means. Meaning (dates, codes, required fields) is the
//! domain layer's, converted explicitly, with findings for what is missing or malformed.
//!
//! Decoding is tolerant (decisions.md D6): any element order, a byte order mark, UTF-8 or Shift_JIS,
//! missing elements as `None`, unknown elements ignored, 0..n results. The only content error is a
//! present `CharacterCodeIdentifier` that contradicts the declared encoding. Encoding writes the
//! official element order, in UTF-8 or Shift_JIS, and refuses a character Shift_JIS cannot carry.

mod bulk;
mod medical;
mod qualification;
mod reference;
pub mod xml;

pub use bulk::*;
pub use medical::*;
pub use qualification::*;
pub use reference::*;
pub use xml::Encoding;

use xml::{Element, Writer};

/// The default size limit for one message (decisions.md D7: 1 MB outside bulk uploads).
pub const MESSAGE_LIMIT: usize = 1024 * 1024;
/// The size limit for bulk files (decisions.md D7: 64 MB).
pub const BULK_LIMIT: usize = 64 * 1024 * 1024;

/// Why bytes are not a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("{size} bytes is more than the limit of {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("the document is empty")]
    Empty,
    #[error("the encoding {label:?} is not one the interface allows")]
    UnsupportedEncoding { label: String },
    #[error("a UTF-8 byte order mark contradicts the declared encoding {declared:?}")]
    EncodingConflict { declared: Encoding },
    #[error("the bytes are not valid {encoding:?} (at byte {offset})")]
    InvalidBytes { encoding: Encoding, offset: usize },
    #[error("a DOCTYPE is not allowed")]
    DoctypeRefused,
    #[error("the entity &{name}; is not one of the five predefined ones")]
    UndefinedEntity { name: String },
    #[error("elements are nested more than {limit} deep")]
    TooDeep { limit: usize },
    #[error("more than {limit} elements for the document's size")]
    TooManyElements { limit: usize },
    #[error("there is more than one root element")]
    MultipleRoots,
    #[error("malformed XML at byte {position}: {message}")]
    Malformed { position: usize, message: String },
    #[error("the root element is {root:?}, not XmlMsg")]
    NotXmlMsg { root: String },
    #[error(
        "CharacterCodeIdentifier {identifier:?} contradicts the document's {encoding:?} encoding"
    )]
    CharacterCodeMismatch {
        identifier: String,
        encoding: Encoding,
    },
}

/// Why a message cannot be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("Shift_JIS cannot carry {character:?} in {element}")]
    Unrepresentable { element: String, character: char },
    #[error("{character:?} in {element} is not a character XML allows")]
    NotXml { element: String, character: char },
}

/// An element type of a message: read from a tree, written in the official order.
pub trait WireElement: Sized {
    fn decode(element: &Element) -> Self;
    fn encode(&self, tag: &str, writer: &mut Writer) -> Result<(), EncodeError>;
}

/// Fills a wire type's fields for property tests: every text comes from the sampler, every optional
/// element is present or not as it says, every list has as many items as it says.
#[cfg(any(test, feature = "test-support"))]
pub trait Sample: Sized {
    fn sample(sampler: &mut dyn Sampler) -> Self;
}

/// The source of a sample's values.
#[cfg(any(test, feature = "test-support"))]
pub trait Sampler {
    /// The text of a leaf element with this tag, or `None` to leave it out.
    fn text(&mut self, tag: &'static str) -> Option<String>;
    /// Whether an optional nested element is present.
    fn present(&mut self, tag: &'static str) -> bool;
    /// How many items a list holds.
    fn count(&mut self, tag: &'static str) -> usize;
}

#[cfg(any(test, feature = "test-support"))]
impl<H: Sample, B: Sample> Sample for Message<H, B> {
    fn sample(sampler: &mut dyn Sampler) -> Self {
        Message {
            header: H::sample(sampler),
            body: B::sample(sampler),
        }
    }
}

/// An official message: `<XmlMsg><MessageHeader/><MessageBody/></XmlMsg>`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message<H, B> {
    pub header: H,
    pub body: B,
}

impl<H: WireElement + Default, B: WireElement + Default> Message<H, B> {
    /// Decodes a message from bytes of at most `limit`.
    pub fn decode_with_limit(bytes: &[u8], limit: usize) -> Result<Message<H, B>, DecodeError> {
        Message::decode_with_encoding(bytes, limit).map(|(message, _)| message)
    }

    /// Decodes a message and says which encoding it was in (answers are given in the same one).
    pub fn decode_with_encoding(
        bytes: &[u8],
        limit: usize,
    ) -> Result<(Message<H, B>, Encoding), DecodeError> {
        let document = xml::parse(bytes, limit)?;
        let root = &document.root;
        if root.name != "XmlMsg" {
            return Err(DecodeError::NotXmlMsg {
                root: root.name.clone(),
            });
        }
        let header = root.child("MessageHeader");
        // An identifier that names one encoding while the document is in the other is the one content
        // error (D6); an unknown value makes no claim.
        if let Some(identifier) = header.and_then(|h| h.text_of("CharacterCodeIdentifier")) {
            let claimed = match identifier.trim() {
                "0" => Some(Encoding::Utf8),
                "1" => Some(Encoding::ShiftJis),
                _ => None,
            };
            if claimed.is_some_and(|c| c != document.encoding) {
                return Err(DecodeError::CharacterCodeMismatch {
                    identifier,
                    encoding: document.encoding,
                });
            }
        }
        let message = Message {
            header: header.map(H::decode).unwrap_or_default(),
            body: root.child("MessageBody").map(B::decode).unwrap_or_default(),
        };
        Ok((message, document.encoding))
    }

    /// Decodes a single message (at most [`MESSAGE_LIMIT`] bytes).
    pub fn decode(bytes: &[u8]) -> Result<Message<H, B>, DecodeError> {
        Message::decode_with_limit(bytes, MESSAGE_LIMIT)
    }

    /// Encodes the message in the official shape.
    pub fn encode(&self, encoding: Encoding) -> Result<Vec<u8>, EncodeError> {
        let mut writer = Writer::new(encoding);
        writer.open("XmlMsg");
        self.header.encode("MessageHeader", &mut writer)?;
        self.body.encode("MessageBody", &mut writer)?;
        writer.close("XmlMsg");
        Ok(writer.finish())
    }
}

/// The items of a list element: those inside the wrapper (`ResultList/ResultOfQualificationConfirmation`)
/// and, tolerantly, those standing directly where the wrapper would be.
fn list_items<'a>(
    element: &'a Element,
    wrapper: &'a str,
    item: &'a str,
) -> impl Iterator<Item = &'a Element> {
    element
        .children_named(wrapper)
        .flat_map(move |w| w.children_named(item))
        .chain(element.children_named(item))
}

/// Declares a wire element type: a struct of optional texts, nested elements and lists, with its
/// decoder and its encoder in the declared (official) order.
///
/// Field kinds: `text "Tag"` is `Option<String>`; `(one T) "Tag"` is `Option<T>`; `(list T, "Item")
/// "Wrapper"` is `Vec<T>` written as `<Wrapper><Item/>…</Wrapper>`; `(many T) "Tag"` is `Vec<T>`
/// written as repeated `<Tag/>`; `(deep T) "Tag"` is `Vec<T>` read from any depth (where peers have
/// found it in more than one place) and written as repeated `<Tag/>`; `deep_text "Tag"` is an
/// `Option<String>` read from any depth and written in place; `(raw) "Tag"` keeps an element's whole
/// tree unread and writes it back unchanged.
macro_rules! wire_element {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* $field:ident : $kind:tt $tag:literal, )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
        pub struct $name {
            $( $(#[$fmeta])* pub $field: wire_element!(@type $kind), )*
        }

        impl $crate::wire::WireElement for $name {
            fn decode(element: &$crate::wire::xml::Element) -> $name {
                $name {
                    $( $field: wire_element!(@decode element, $kind, $tag), )*
                }
            }

            fn encode(
                &self,
                tag: &str,
                writer: &mut $crate::wire::xml::Writer,
            ) -> Result<(), $crate::wire::EncodeError> {
                writer.open(tag);
                $( wire_element!(@encode self.$field, writer, $kind, $tag); )*
                writer.close(tag);
                Ok(())
            }
        }

        #[cfg(any(test, feature = "test-support"))]
        impl $crate::wire::Sample for $name {
            fn sample(sampler: &mut dyn $crate::wire::Sampler) -> $name {
                $name {
                    $( $field: wire_element!(@sample sampler, $kind, $tag), )*
                }
            }
        }
    };

    (@sample $s:ident, text, $tag:literal) => { $s.text($tag) };
    (@sample $s:ident, deep_text, $tag:literal) => { $s.text($tag) };
    (@sample $s:ident, (one $t:ty), $tag:literal) => {
        $s.present($tag).then(|| <$t as $crate::wire::Sample>::sample($s))
    };
    (@sample $s:ident, (list $t:ty, $item:literal), $tag:literal) => {
        (0..$s.count($tag)).map(|_| <$t as $crate::wire::Sample>::sample($s)).collect()
    };
    (@sample $s:ident, (many $t:ty), $tag:literal) => {
        (0..$s.count($tag)).map(|_| <$t as $crate::wire::Sample>::sample($s)).collect()
    };
    (@sample $s:ident, (deep $t:ty), $tag:literal) => {
        (0..$s.count($tag)).map(|_| <$t as $crate::wire::Sample>::sample($s)).collect()
    };
    (@sample $s:ident, (raw), $tag:literal) => {
        $s.text($tag).map(|text| $crate::wire::xml::Element {
            name: $tag.to_owned(),
            text: String::new(),
            children: vec![$crate::wire::xml::Element {
                name: "Item".to_owned(),
                text,
                children: Vec::new(),
            }],
        })
    };

    (@type text) => { Option<String> };
    (@type deep_text) => { Option<String> };
    (@type (one $t:ty)) => { Option<$t> };
    (@type (list $t:ty, $item:literal)) => { Vec<$t> };
    (@type (many $t:ty)) => { Vec<$t> };
    (@type (deep $t:ty)) => { Vec<$t> };
    (@type (raw)) => { Option<$crate::wire::xml::Element> };

    (@decode $el:ident, text, $tag:literal) => { $el.text_of($tag) };
    (@decode $el:ident, deep_text, $tag:literal) => {
        $el.descendants_named($tag).first().map(|e| e.text.clone())
    };
    (@decode $el:ident, (one $t:ty), $tag:literal) => {
        $el.child($tag).map(<$t as $crate::wire::WireElement>::decode)
    };
    (@decode $el:ident, (list $t:ty, $item:literal), $tag:literal) => {
        $crate::wire::list_items($el, $tag, $item)
            .map(<$t as $crate::wire::WireElement>::decode)
            .collect()
    };
    (@decode $el:ident, (many $t:ty), $tag:literal) => {
        $el.children_named($tag).map(<$t as $crate::wire::WireElement>::decode).collect()
    };
    (@decode $el:ident, (raw), $tag:literal) => { $el.child($tag).cloned() };
    (@decode $el:ident, (deep $t:ty), $tag:literal) => {
        $el.descendants_named($tag)
            .into_iter()
            .map(<$t as $crate::wire::WireElement>::decode)
            .collect()
    };

    (@encode $value:expr, $w:ident, text, $tag:literal) => {
        if let Some(text) = &$value {
            $w.leaf($tag, text)?;
        }
    };
    (@encode $value:expr, $w:ident, deep_text, $tag:literal) => {
        wire_element!(@encode $value, $w, text, $tag)
    };
    (@encode $value:expr, $w:ident, (one $t:ty), $tag:literal) => {
        if let Some(inner) = &$value {
            $crate::wire::WireElement::encode(inner, $tag, $w)?;
        }
    };
    (@encode $value:expr, $w:ident, (list $t:ty, $item:literal), $tag:literal) => {
        if !$value.is_empty() {
            $w.open($tag);
            for inner in &$value {
                $crate::wire::WireElement::encode(inner, $item, $w)?;
            }
            $w.close($tag);
        }
    };
    (@encode $value:expr, $w:ident, (many $t:ty), $tag:literal) => {
        for inner in &$value {
            $crate::wire::WireElement::encode(inner, $tag, $w)?;
        }
    };
    (@encode $value:expr, $w:ident, (raw), $tag:literal) => {
        if let Some(raw) = &$value {
            $w.element(raw)?;
        }
    };
    (@encode $value:expr, $w:ident, (deep $t:ty), $tag:literal) => {
        wire_element!(@encode $value, $w, (many $t), $tag)
    };
}

pub(crate) use wire_element;
