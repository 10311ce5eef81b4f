//! The contract's routes, each written once: its path pattern, its method, its feature group, whether
//! its answer is remembered under an `Idempotency-Key`, whether it answers without a session, and its
//! handler. Routing, the `Allow` of a 405, the idempotency rule and anonymous access all read this
//! table, so they cannot disagree; a test holds it against the OpenAPI document's operations.

use crate::{
    account::Action,
    contract::{
        self,
        FeatureGroup::{self, *},
        Method,
    },
    dispatch::{
        Cx, Handled, accounts, bulk, capabilities, card, consents, disaster, events, history,
        medical, qualification, readers, reference, session, training,
    },
    store::journal::Blob,
};

/// One segment of a route's path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Segment {
    /// This text exactly.
    Fixed(&'static str),
    /// Any non-empty segment, handed to the handler percent-decoded; named as the OpenAPI
    /// document names it.
    Param(&'static str),
}

use Segment::{Fixed, Param};

/// Whether a write's answer is remembered under its `Idempotency-Key` (decisions.md D4, D7), and
/// with the permission a replay needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Remembered {
    /// The key is ignored: reads sent as POST (drug, checkup and disaster searches), answers shown
    /// once (initial passwords, passcodes), card challenges (each answer a fresh nonce), sign-in and
    /// its session (never queued), and the training group's rehearsals.
    No,
    /// Remembered; a replay goes only to a caller who may do this now.
    As(Action),
    /// A bulk upload: remembered with the permission of the kind its path names.
    AsBulkKind,
}

/// A handler: the dispatch, the request, and the path's parameters in order.
type Handler = fn(&mut Cx<'_>, &contract::Request, &[String]) -> Handled;

/// One operation of the contract.
pub(super) struct Route {
    pub(super) pattern: &'static [Segment],
    pub(super) method: Method,
    /// The feature group (the OpenAPI tag); a route of a group the dispatcher does not advertise is
    /// not there.
    pub(super) group: FeatureGroup,
    pub(super) remembered: Remembered,
    /// Answered without a session: the capabilities and sign-in. The endpoint reads an anonymous
    /// body only for these.
    pub(super) anonymous: bool,
    pub(super) handler: Handler,
}

impl Route {
    /// The permission a remembered write needs, or `None` where a key is ignored.
    pub(super) fn remembered(&self, params: &[String]) -> Option<Action> {
        match self.remembered {
            Remembered::No => None,
            Remembered::As(action) => Some(action),
            Remembered::AsBulkKind => params.first().and_then(|kind| bulk::action_of(kind)),
        }
    }

    /// The path as the OpenAPI document writes it (without the contract's prefix), e.g.
    /// `/qualifications/{id}`.
    pub(super) fn template(&self) -> String {
        self.pattern
            .iter()
            .map(|segment| match segment {
                Fixed(text) => format!("/{text}"),
                Param(name) => format!("/{{{name}}}"),
            })
            .collect()
    }
}

/// Every route, in the order a path is matched: a fixed segment is listed before a parameter in the
/// same place (`/qualifications/mynumber` before `/qualifications/{id}`).
pub(super) const ROUTES: &[Route] = &[
    route(
        &[Fixed("capabilities")],
        Method::Get,
        Session,
        |cx, _, _| Ok(capabilities(cx)),
    )
    .anonymous(),
    route(&[Fixed("session")], Method::Post, Session, |cx, r, _| {
        session::sign_in(cx, r)
    })
    .anonymous(),
    route(&[Fixed("session")], Method::Delete, Session, |cx, r, _| {
        session::sign_out(cx, r)
    }),
    route(
        &[Fixed("session"), Fixed("activity")],
        Method::Post,
        Session,
        |cx, r, _| session::activity(cx, r),
    ),
    route(
        &[Fixed("session"), Fixed("password")],
        Method::Put,
        Session,
        |cx, r, _| session::change_password(cx, r),
    ),
    route(
        &[Fixed("qualifications")],
        Method::Get,
        Qualification,
        |cx, r, _| history::search(cx, r),
    ),
    route(
        &[Fixed("qualifications")],
        Method::Post,
        Qualification,
        |cx, r, _| qualification::inquire(cx, r),
    )
    .remembered_as(Action::QualificationInquiry),
    route(
        &[Fixed("qualifications"), Fixed("mynumber")],
        Method::Post,
        Card,
        |cx, r, _| card::qualify(cx, r),
    )
    .remembered_as(Action::QualificationInquiry),
    route(
        &[Fixed("qualifications"), Param("id")],
        Method::Get,
        History,
        |cx, r, p| history::detail(cx, r, &p[0]),
    ),
    route(&[Fixed("events")], Method::Get, Events, |cx, r, _| {
        events::backlog(cx, r)
    }),
    route(
        &[Fixed("reference-numbers")],
        Method::Post,
        ReferenceNumbers,
        |cx, r, _| reference::register(cx, r),
    )
    .remembered_as(Action::ReferenceNumbers),
    Route {
        remembered: Remembered::AsBulkKind,
        ..route(
            &[Fixed("bulk"), Param("kind")],
            Method::Post,
            Bulk,
            |cx, r, p| bulk::submit(cx, r, &p[0]),
        )
    },
    route(
        &[Fixed("bulk"), Param("kind"), Param("reception_number")],
        Method::Get,
        Bulk,
        |cx, r, p| bulk::result(cx, r, &p[0], &p[1]),
    ),
    route(&[Fixed("readers")], Method::Get, Readers, |cx, r, _| {
        readers::list(cx, r)
    }),
    route(
        &[Fixed("readers"), Param("id"), Fixed("mode")],
        Method::Put,
        Readers,
        |cx, r, p| readers::set_mode(cx, r, &p[0]),
    )
    .remembered_as(Action::ReaderModes),
    route(
        &[Fixed("readers"), Param("id"), Fixed("visual-checks")],
        Method::Post,
        Readers,
        |cx, r, p| readers::start_visual_check(cx, r, &p[0]),
    )
    .remembered_as(Action::ReaderModes),
    route(
        &[
            Fixed("readers"),
            Param("id"),
            Fixed("visual-checks"),
            Param("check"),
        ],
        Method::Get,
        Readers,
        |cx, r, p| readers::visual_check(cx, r, &p[0], &p[1]),
    ),
    route(
        &[Fixed("visual-check-passcode")],
        Method::Post,
        Passcode,
        |cx, r, _| readers::issue_passcode(cx, r),
    ),
    route(&[Fixed("consents")], Method::Get, Consents, |cx, r, _| {
        consents::list(cx, r)
    }),
    route(
        &[Fixed("consents")],
        Method::Delete,
        Consents,
        |cx, r, _| consents::revoke(cx, r),
    )
    .remembered_as(Action::Consents),
    route(
        &[Fixed("medical-info"), Fixed("patients")],
        Method::Get,
        MedicalInfo,
        |cx, r, _| medical::patients(cx, r),
    ),
    route(
        &[Fixed("medical-info"), Fixed("drugs")],
        Method::Post,
        MedicalInfo,
        |cx, r, _| medical::drugs(cx, r),
    ),
    route(
        &[Fixed("medical-info"), Fixed("checkups")],
        Method::Post,
        MedicalInfo,
        |cx, r, _| medical::checkups(cx, r),
    ),
    route(&[Fixed("disaster")], Method::Get, Disaster, |cx, r, _| {
        disaster::status(cx, r)
    }),
    route(
        &[Fixed("disaster"), Fixed("search")],
        Method::Post,
        Disaster,
        |cx, r, _| disaster::search(cx, r),
    ),
    route(&[Fixed("accounts")], Method::Get, Accounts, |cx, r, _| {
        accounts::list(cx, r)
    }),
    route(&[Fixed("accounts")], Method::Post, Accounts, |cx, r, _| {
        accounts::create(cx, r)
    }),
    route(
        &[Fixed("accounts"), Param("id")],
        Method::Patch,
        Accounts,
        |cx, r, p| accounts::update(cx, r, &p[0]),
    )
    .remembered_as(Action::ManageAccounts),
    route(
        &[Fixed("accounts"), Param("id")],
        Method::Delete,
        Accounts,
        |cx, r, p| accounts::delete(cx, r, &p[0]),
    )
    .remembered_as(Action::ManageAccounts),
    route(
        &[Fixed("accounts"), Param("id"), Fixed("password-reset")],
        Method::Post,
        Accounts,
        |cx, r, p| accounts::reset_password(cx, r, &p[0]),
    ),
    route(
        &[Fixed("training"), Fixed("accounts")],
        Method::Get,
        Training,
        |cx, r, _| training::accounts(cx, r),
    )
    .anonymous(),
    route(
        &[Fixed("training"), Fixed("people")],
        Method::Get,
        Training,
        |cx, r, _| training::people(cx, r),
    ),
    route(
        &[Fixed("training"), Fixed("reader-visits")],
        Method::Post,
        Training,
        |cx, r, _| training::visit(cx, r),
    ),
    route(
        &[Fixed("training"), Fixed("pin-checks")],
        Method::Post,
        Training,
        |cx, r, _| training::pin_check(cx, r),
    ),
    route(
        &[
            Fixed("training"),
            Fixed("readers"),
            Param("id"),
            Fixed("staff-mode"),
        ],
        Method::Post,
        Training,
        |cx, r, p| training::staff_mode(cx, r, &p[0]),
    ),
    route(
        &[
            Fixed("training"),
            Fixed("readers"),
            Param("id"),
            Fixed("cancel"),
        ],
        Method::Post,
        Training,
        |cx, r, p| training::cancel(cx, r, &p[0]),
    ),
    route(
        &[Fixed("training"), Fixed("clock")],
        Method::Put,
        Training,
        |cx, r, _| training::set_clock(cx, r),
    ),
    route(
        &[Fixed("training"), Fixed("requests")],
        Method::Get,
        Training,
        |cx, _, _| Ok(training::requests(cx)),
    )
    .anonymous(),
    route(&[Fixed("challenges")], Method::Post, Card, |cx, r, _| {
        card::challenge(cx, r)
    }),
];

/// A route that needs a session and whose answer is not remembered.
const fn route(
    pattern: &'static [Segment],
    method: Method,
    group: FeatureGroup,
    handler: Handler,
) -> Route {
    Route {
        pattern,
        method,
        group,
        remembered: Remembered::No,
        anonymous: false,
        handler,
    }
}

impl Route {
    const fn anonymous(self) -> Route {
        Route {
            anonymous: true,
            ..self
        }
    }

    const fn remembered_as(self, action: Action) -> Route {
        Route {
            remembered: Remembered::As(action),
            ..self
        }
    }
}

/// What a path names: the routes of its pattern (one per method) and its parameters.
pub(super) struct Matched {
    pub(super) routes: Vec<&'static Route>,
    pub(super) params: Vec<String>,
}

impl Matched {
    /// The route for `method`, if the path has one.
    pub(super) fn route(&self, method: Method) -> Option<&'static Route> {
        self.routes.iter().copied().find(|r| r.method == method)
    }

    /// The group of the path's pattern (every route of a pattern is in one group).
    pub(super) fn group(&self) -> Option<FeatureGroup> {
        self.routes.first().map(|r| r.group)
    }

    /// The methods the path allows, for `Allow`.
    pub(super) fn allowed(&self) -> Vec<&'static str> {
        self.routes.iter().map(|r| r.method.as_str()).collect()
    }
}

/// The first pattern that `path` (with the contract's prefix) matches, with its parameters
/// percent-decoded; `None` for a path the contract does not have. Empty segments name nothing.
pub(super) fn find(path: &str) -> Option<Matched> {
    let rest = path.strip_prefix(contract::PREFIX)?;
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let pattern = ROUTES
        .iter()
        .find(|route| matches(route.pattern, &segments))?
        .pattern;
    let params = pattern
        .iter()
        .zip(&segments)
        .filter(|(segment, _)| matches!(segment, Param(_)))
        .map(|(_, raw)| {
            percent_encoding::percent_decode_str(raw)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let routes = ROUTES.iter().filter(|r| r.pattern == pattern).collect();
    Some(Matched { routes, params })
}

/// The stored parts a request's answer may read that a store may keep unloaded
/// (`store::journal`): a history entry's message (`GET /qualifications/{id}`) and a bulk job's
/// result (`GET /bulk/{kind}/{reception number}`).
pub(super) fn blobs_for(method: Method, path: &str) -> Vec<Blob> {
    const HISTORY_DETAIL: &[Segment] = &[Fixed("qualifications"), Param("id")];
    const BULK_RESULT: &[Segment] = &[Fixed("bulk"), Param("kind"), Param("reception_number")];
    let Some(found) = find(path) else {
        return Vec::new();
    };
    let Some(route) = found.route(method) else {
        return Vec::new();
    };
    if route.pattern == HISTORY_DETAIL {
        // The handler reads a history entry only for an id that is a number.
        found.params[0]
            .parse::<u64>()
            .map(|id| vec![Blob::HistoryMessage(id)])
            .unwrap_or_default()
    } else if route.pattern == BULK_RESULT {
        vec![Blob::BulkResult(found.params[1].clone())]
    } else {
        Vec::new()
    }
}

fn matches(pattern: &[Segment], segments: &[&str]) -> bool {
    pattern.len() == segments.len()
        && pattern.iter().zip(segments).all(|(p, s)| match p {
            Fixed(text) => text == s,
            Param(_) => true,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The operations of `contract/openapi.yaml`: each path under `paths:` with its methods.
    fn documented() -> Vec<(String, String)> {
        let document = include_str!("../../../../contract/openapi.yaml");
        let mut operations = Vec::new();
        let mut path = None;
        let mut in_paths = false;
        for line in document.lines() {
            if line == "paths:" {
                in_paths = true;
                continue;
            }
            if !in_paths {
                continue;
            }
            if !line.starts_with(' ') && !line.is_empty() {
                break;
            }
            if let Some(p) = line.strip_prefix("  /").and_then(|l| l.strip_suffix(':')) {
                // Parameters keep their names: the table names them as the document does.
                path = Some(format!("/{p}"));
            } else if let Some(method) = line
                .strip_prefix("    ")
                .and_then(|l| l.strip_suffix(':'))
                .filter(|m| ["get", "post", "put", "patch", "delete"].contains(m))
                && let Some(path) = &path
            {
                operations.push((path.clone(), method.to_uppercase()));
            }
        }
        operations.sort();
        operations
    }

    #[test]
    fn the_table_and_the_openapi_document_list_the_same_operations() {
        let mut table: Vec<(String, String)> = ROUTES
            .iter()
            .map(|r| (r.template(), r.method.as_str().to_owned()))
            .collect();
        table.sort();
        let documented = documented();
        assert!(documented.len() > 30, "the document's paths were read");
        assert_eq!(table, documented);
    }

    #[test]
    fn each_pattern_is_one_group_and_each_operation_is_listed_once() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                if a.pattern == b.pattern {
                    assert_eq!(a.group, b.group, "{}", a.template());
                    assert_ne!(a.method, b.method, "{} twice", a.template());
                }
            }
        }
    }

    #[test]
    fn paths_find_their_routes_and_parameters() {
        let check = |path: &str, expected: Option<(&str, &[&str])>| {
            let found = find(&format!("{}{path}", contract::PREFIX));
            let found = found
                .as_ref()
                .map(|m| (m.routes[0].template(), m.params.clone()));
            let expected = expected.map(|(template, params)| {
                (
                    template.to_owned(),
                    params.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>(),
                )
            });
            assert_eq!(found, expected, "{path}");
        };
        check("/capabilities", Some(("/capabilities", &[])));
        check(
            "/qualifications/mynumber",
            Some(("/qualifications/mynumber", &[])),
        );
        check(
            "/qualifications/42",
            Some(("/qualifications/{id}", &["42"])),
        );
        check(
            "/readers/reader%2D1/visual-checks/v1",
            Some(("/readers/{id}/visual-checks/{check}", &["reader-1", "v1"])),
        );
        check(
            "/bulk/qualifications/R1",
            Some(("/bulk/{kind}/{reception_number}", &["qualifications", "R1"])),
        );
        check("/readers//mode", None);
        check("/nowhere", None);
        check("/readers/r1/mode/extra", None);
    }
}
