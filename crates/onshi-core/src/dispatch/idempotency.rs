//! `Idempotency-Key` (decisions.md D4, D7): a remembered write runs at most once, and its answer is
//! replayed to the same request under the same key.

use crate::contract::header;
use base64::{Engine, engine::general_purpose::STANDARD};
use sha2::{Digest, Sha256};

use super::{Cx, Fail, Handled, caller, exchange, route, routes};
use crate::{
    contract::{self, FieldError, Problem, ProblemCode, Request, Response},
    store::{Change, IdempotencyRecord},
};

/// The headers a remembered answer keeps for its replays.
pub(super) const REPLAYED_HEADERS: [&str; 4] = [
    header::CONTENT_TYPE,
    header::ETAG,
    "Location",
    "Content-Location",
];

/// Runs a write sent with an `Idempotency-Key` at most once (D7): the same key with the same request
/// replays the first successful answer; with another request it is refused. Only the writes of
/// [`routes::Route::remembered`] are remembered, and a replay goes only to a caller who may make that write
/// now. Only successful answers are remembered, so a refused write can be sent again once the reason
/// is gone.
pub(super) fn with_idempotency(cx: &mut Cx<'_>, request: &Request) -> Handled {
    let key = request.headers.get(header::IDEMPOTENCY_KEY).map(str::trim);
    let action = routes::find(request.path()).and_then(|found| {
        found
            .route(request.method)
            .and_then(|route| route.remembered(&found.params))
    });
    let (Some(key), Some(action)) = (key, action) else {
        return route(cx, request);
    };
    if key.is_empty() || key.len() > 255 || !key.chars().all(|c| c.is_ascii_graphic()) {
        let mut problem = Problem::new(ProblemCode::InvalidRequest);
        problem.errors.push(FieldError {
            field: header::IDEMPOTENCY_KEY.to_owned(),
            message: crate::catalogue::IDEMPOTENCY_KEY_FORMAT.to_owned(),
        });
        return Err(problem.into());
    }
    // Who may not make the write now learns nothing of an earlier one, not even that the key exists.
    caller(cx, request, action)?;
    let mut hasher = Sha256::new();
    hasher.update(request.method.as_str());
    hasher.update(b" ");
    hasher.update(request.target.as_bytes());
    hasher.update(b"\n");
    hasher.update(&request.body);
    let fingerprint: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    if let Some(record) = cx.read.idempotency(key)?
        && cx.now < record.created_at + cx.config.idempotency_ttl
    {
        if record.fingerprint != fingerprint {
            return Err(ProblemCode::IdempotencyKeyReused.into());
        }
        let stored = match record.exchange {
            None => Some(Response {
                status: record.status,
                headers: contract::Headers::new(),
                body: STANDARD.decode(&record.body_base64).unwrap_or_default(),
            }),
            // The write is with the national side: never a second request file for it.
            Some(id) => match exchange::in_progress(cx, id)? {
                exchange::InProgress::Open => return Err(Fail::InProgress(id)),
                exchange::InProgress::Ended(response) => Some(response),
                exchange::InProgress::Free => {
                    cx.change(Change::DeleteIdempotency {
                        key: key.to_owned(),
                    });
                    None
                }
            },
        };
        if let Some(mut replay) = stored {
            for (name, value) in &record.headers {
                replay.headers.set(name, value.clone());
            }
            replay.headers.set("Cache-Control", "no-store");
            replay.headers.set(header::IDEMPOTENT_REPLAYED, "true");
            return Ok(replay);
        }
    }
    cx.idempotency = Some((key.to_owned(), fingerprint.clone()));
    let response = route(cx, request)?;
    if (200..300).contains(&response.status) {
        // Forget what has outlived its seven days while remembering this one.
        for old in cx
            .read
            .idempotency_before(cx.now + -cx.config.idempotency_ttl)?
            .into_iter()
            .take(100)
        {
            cx.change(Change::DeleteIdempotency { key: old });
        }
        let headers = REPLAYED_HEADERS
            .iter()
            .filter_map(|name| {
                let value = response.headers.get(name)?;
                Some(((*name).to_owned(), value.to_owned()))
            })
            .collect();
        cx.change(Change::PutIdempotency(IdempotencyRecord {
            key: key.to_owned(),
            fingerprint,
            created_at: cx.now,
            status: response.status,
            headers,
            body_base64: STANDARD.encode(&response.body),
            exchange: None,
        }));
    }
    Ok(response)
}
