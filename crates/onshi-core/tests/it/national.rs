//! The tests' national side: answers made from the hand-written templates of
//! `tests/fixtures/national/`, filled from a request file read as plain text (decisions.md D8: never
//! the core's own decoder or encoder answering itself). The server's bridge tests include this file
//! too.

use std::collections::BTreeMap;

/// A template of `tests/fixtures/national/`.
pub fn template(name: &str) -> String {
    let path = format!(
        "{}/../onshi-core/tests/fixtures/national/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The text of the first `<element>…</element>` in a request file, found by searching its bytes
/// (the tags are ASCII in UTF-8 and Shift_JIS alike); the value itself is decoded as Shift_JIS when
/// it is not UTF-8, as the terminal writes. `None` when the element is absent.
pub fn value_of(request: &[u8], element: &str) -> Option<String> {
    let open = format!("<{element}>");
    let close = format!("</{element}>");
    let start = find(request, open.as_bytes())? + open.len();
    let length = find(&request[start..], close.as_bytes())?;
    let raw = &request[start..start + length];
    Some(match std::str::from_utf8(raw) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::SHIFT_JIS.decode(raw).0.into_owned(),
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The elements a template may take from its request.
const FROM_REQUEST: [&str; 9] = [
    "ArbitraryFileIdentifier",
    "MedicalInstitutionCode",
    "QualificationConfirmationDate",
    "InsurerNumber",
    "InsuredCardSymbol",
    "InsuredIdentificationNumber",
    "InsuredBranchNumber",
    "Birthdate",
    "ReferenceNumber",
];

/// Fills `template` from `request` (each `{Element}` with the request's value, empty when the
/// request has none) and from `given` (values the national side chooses, e.g. `ReceptionNumber`).
pub fn answer(template: &str, request: &[u8], given: &[(&str, &str)]) -> Vec<u8> {
    // A request's values are copied as they stand between their tags (already XML text); the
    // national side's own are escaped.
    let mut values: BTreeMap<&str, String> = BTreeMap::new();
    for element in FROM_REQUEST {
        values.insert(element, value_of(request, element).unwrap_or_default());
    }
    for (element, value) in given {
        values.insert(element, value.replace('&', "&amp;").replace('<', "&lt;"));
    }
    let mut filled = template.to_owned();
    for (element, value) in values {
        filled = filled.replace(&format!("{{{element}}}"), &value);
    }
    for unfilled in ["{Name}", "{Birth}", "{ReceptionNumber}"] {
        assert!(!filled.contains(unfilled), "{unfilled} was not given");
    }
    filled.into_bytes()
}
