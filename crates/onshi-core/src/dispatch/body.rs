//! Reading requests and writing answers: JSON and official XML bodies, media types, the query
//! string, findings as refusals, and codes with their labels.

use serde::de::DeserializeOwned;

use super::{Fail, Handled};
use crate::{
    codes::CodeTable,
    contract::{self, FieldError, Problem, ProblemCode, Request, Response, groups::Coded},
    validate::Finding,
    wire::{self, Encoding},
};

/// Decodes a JSON body. Unknown fields are ignored; anything else the decoder dislikes is a 400 that
/// names where it stopped.
pub(super) fn json_body<T: DeserializeOwned>(request: &Request) -> Result<T, Fail> {
    require_media_type(request, &[contract::JSON])?;
    let malformed =
        |detail: String| Fail::from(Problem::new(ProblemCode::MalformedBody).with_detail(detail));
    // serde would accept an array for a struct; the contract's bodies are objects.
    if request.body.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(malformed("the body must be a JSON object".to_owned()));
    }
    let mut decoder = serde_json::Deserializer::from_slice(&request.body);
    let value = serde_path_to_error::deserialize(&mut decoder).map_err(|e| {
        let path = e.path().to_string();
        if path == "." {
            malformed(e.into_inner().to_string())
        } else {
            malformed(format!("{path}: {}", e.into_inner()))
        }
    })?;
    decoder
        .end()
        .map_err(|e| malformed(format!("trailing data after the object: {e}")))?;
    Ok(value)
}

/// Decodes an official message from the body, and says which encoding it came in.
pub(super) fn xml_body<H, B>(
    request: &Request,
    limit: usize,
) -> Result<(wire::Message<H, B>, Encoding), Fail>
where
    H: wire::WireElement + Default,
    B: wire::WireElement + Default,
{
    require_media_type(request, &[contract::XML, "text/xml"])?;
    let (message, encoding) = wire::Message::<H, B>::decode_with_encoding(&request.body, limit)
        .map_err(|e| {
            Fail::from(Problem::new(ProblemCode::MalformedBody).with_detail(e.to_string()))
        })?;
    // A character reference can bring into a Shift_JIS message a character Shift_JIS cannot carry.
    // The answer, in the request's encoding, could not echo it, so the request is refused here, naming
    // the element (D6), rather than failing later as the endpoint's fault.
    if encoding == Encoding::ShiftJis
        && let Err(wire::EncodeError::Unrepresentable { element, character }) =
            message.encode(Encoding::ShiftJis)
    {
        let mut problem = Problem::new(ProblemCode::InvalidRequest);
        problem.errors.push(FieldError {
            field: element,
            message: crate::catalogue::not_shift_jis(character),
        });
        return Err(problem.into());
    }
    Ok((message, encoding))
}

pub(super) fn require_media_type(request: &Request, allowed: &[&str]) -> Result<(), Fail> {
    let media_type = request.headers.get("Content-Type").map(|v| {
        v.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    });
    if media_type.as_deref().is_some_and(|m| allowed.contains(&m)) {
        Ok(())
    } else {
        Err(Problem::new(ProblemCode::UnsupportedMediaType)
            .with_detail(format!("expected {}", allowed.join(" or ")))
            .into())
    }
}

/// The endpoint's own failure, with what went wrong as its detail (never the client's mistake).
pub(super) fn internal(error: impl std::fmt::Display) -> Fail {
    Problem::new(ProblemCode::Internal)
        .with_detail(error.to_string())
        .into()
}

/// An official message as UTF-8 text, the form history and bulk jobs keep.
pub(super) fn utf8_message<H, B>(message: &wire::Message<H, B>) -> Result<String, Fail>
where
    H: wire::WireElement + Default,
    B: wire::WireElement + Default,
{
    let bytes = message.encode(Encoding::Utf8).map_err(internal)?;
    String::from_utf8(bytes).map_err(internal)
}

/// An official message as the answer, in `encoding`. A character the encoding cannot carry is the
/// endpoint's own data, so it becomes a 500 naming the element (D6: nothing silently replaced).
pub(super) fn xml_response<H, B>(message: &wire::Message<H, B>, encoding: Encoding) -> Handled
where
    H: wire::WireElement + Default,
    B: wire::WireElement + Default,
{
    let body = message.encode(encoding).map_err(internal)?;
    let mut headers = contract::Headers::new();
    headers.set("Content-Type", contract::XML);
    headers.set("Cache-Control", "no-store");
    Ok(Response {
        status: 200,
        headers,
        body,
    })
}

/// The query string's parameters, decoded.
pub(super) fn query(request: &Request) -> Vec<(String, String)> {
    form_urlencoded::parse(request.query().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

pub(super) fn query_param<'q>(params: &'q [(String, String)], name: &str) -> Option<&'q str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Refuses with every finding when there are any.
pub(super) fn refuse_findings(findings: Vec<Finding>) -> Result<(), Fail> {
    if findings.is_empty() {
        Ok(())
    } else {
        Err(invalid(findings))
    }
}

/// An `invalid_request` refusal carrying every finding.
pub(super) fn invalid(findings: Vec<Finding>) -> Fail {
    let mut problem = Problem::new(ProblemCode::InvalidRequest);
    problem.errors = findings
        .into_iter()
        .map(|f| FieldError {
            field: f.field.to_owned(),
            message: f.message,
        })
        .collect();
    problem.into()
}

/// A code with its label, for JSON answers.
pub(super) fn coded<T: CodeTable>(value: &T) -> Coded {
    Coded {
        code: value.code().to_owned(),
        label: value.label().into_owned(),
    }
}
