//! Typed calls to the endpoint.
//!
//! Every authenticated call goes through [`Api::send_authed`], which counts the request as activity
//! and ends the session in this tab when the endpoint says it has ended, with the reason for the
//! sign-in page.

use std::collections::BTreeSet;

use leptos::task::spawn_local;
use onshi_core::{
    client::{self, HistorySearch, message::session_end_notice},
    contract::{EventKind, ReaderMode},
    contract::{
        ProblemCode, Request, Response,
        groups::{
            CardQualification, Challenge, Event, EventsPage, HistoryPage, IssuedPasscode, PinCheck,
            Reader, ReaderList, ReaderVisit, StaffMode, TrainingAccounts, TrainingPeople,
            VisitResult, VisualCheck,
        },
        session::SignedIn,
    },
    domain::{Findings, Inquiry, QualificationResult, hand_over::HandOverItem},
    wire::{self, Encoding},
};

use crate::{
    state::{
        Cache, ClockHandle, EndpointChoice, EndpointHandle, SessionContext, use_cache, use_clock,
        use_endpoint, use_session,
    },
    transport::{ApiError, Endpoint},
};

/// The session cache's key for a history search: the search itself (the cache stores only an HMAC
/// of it).
fn history_key(search: &HistorySearch) -> String {
    format!("history/{}", client::history("", search).target)
}

/// The largest history page the session cache keeps (a screen's page; D9 shows 20).
const SCREEN_PAGE: usize = 100;

/// The items handed to the レセコン, per qualification of a result.
pub type HandOverChoices = Vec<BTreeSet<HandOverItem>>;

/// The session cache's key for a history entry's message.
fn history_detail_key(history_id: u64) -> String {
    format!("history-detail/{history_id}")
}

fn hand_over_key(history_id: u64) -> String {
    format!("hand-over/{history_id}")
}

/// One history entry as S4 shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    pub id: u64,
    pub result: QualificationResult,
    /// What staff should be warned about in the message (check digits, missing elements).
    pub findings: Findings,
    /// The result message exactly as the endpoint keeps it, in its own encoding.
    pub message: Vec<u8>,
}

/// Typed calls to the endpoint (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct Api {
    endpoint: EndpointHandle,
    session: SessionContext,
    clock: ClockHandle,
    cache: Cache,
}

pub fn use_api() -> Api {
    Api {
        endpoint: use_endpoint(),
        session: use_session(),
        clock: use_clock(),
        cache: use_cache(),
    }
}

impl Api {
    /// Signs in and, on success, begins the session in this tab.
    pub async fn sign_in(
        &self,
        user_id: &str,
        password: &str,
        force: bool,
    ) -> Result<(), ApiError> {
        let endpoint = self.endpoint.get();
        let response = endpoint
            .send(client::sign_in(user_id, password, force))
            .await?;
        let signed_in: SignedIn = client::expect_json(&response, 201)?;
        self.session
            .begin(signed_in, self.clock.now(), endpoint.id());
        Ok(())
    }

    /// パスワード変更: sends the current and the new password; once the endpoint accepts (204), the
    /// session's must-change state is cleared. The passwords go nowhere else.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), ApiError> {
        let response = self
            .send_authed(|token| client::change_password(token, current, new))
            .await?;
        client::expect_no_content(&response)?;
        self.session.password_changed();
        Ok(())
    }

    /// Makes `endpoint` (staff's `choice` on the settings screen) the one the app talks to, and
    /// remembers the choice. Any session ends: its token belongs to the old endpoint.
    pub fn switch_endpoint(&self, choice: &EndpointChoice, endpoint: Endpoint) {
        if let Some(token) = self.session.token() {
            let old = self.endpoint.get();
            self.session.end(None);
            // Tell the old endpoint without making staff wait: it may be the one that is down, and its
            // copy of the session idles out anyway.
            spawn_local(async move {
                let _ = old.send(client::sign_out(&token)).await;
            });
        }
        choice.save();
        self.endpoint.set(endpoint);
    }

    /// 「ログアウト」: ends the session at the endpoint and in this tab. The tab's session ends even when
    /// the endpoint cannot be reached; the endpoint's copy then idles out.
    pub async fn sign_out(&self) -> Result<(), ApiError> {
        let result = match self.session.token() {
            Some(token) => self
                .endpoint
                .get()
                .send(client::sign_out(&token))
                .await
                .map_err(ApiError::from)
                .and_then(|r| client::expect_no_content(&r).map_err(ApiError::from)),
            None => Ok(()),
        };
        self.session.end(None);
        result
    }

    /// 資格確認 by insurance-card data: sends `inquiry` (as UTF-8) and reads the official result, with
    /// the findings staff should be warned about (check digits, missing elements). A business error
    /// inside the result (ProcessingResultStatus 2) is a result, not an error.
    /// The third value is the history entry the answer was recorded as, when the endpoint names it.
    pub async fn inquire(
        &self,
        inquiry: &Inquiry,
    ) -> Result<(QualificationResult, Findings, Option<u64>), ApiError> {
        let message = inquiry
            .to_wire()
            .encode(Encoding::Utf8)
            .map_err(|e| ApiError::Unencodable(e.to_string()))?;
        let response = self
            .send_authed(|token| client::inquire(token, message))
            .await?;
        let result: wire::QualificationResult = client::expect_xml(&response, 200)?;
        let (result, findings) = QualificationResult::from_wire(&result);
        Ok((result, findings, client::history_id_of(&response)))
    }

    /// A nonce for the patient's My Number card to sign (`POST /challenges`, decisions.md D7).
    pub async fn challenge(&self) -> Result<Challenge, ApiError> {
        let response = self.send_authed(client::challenge).await?;
        client::expect_json(&response, 201).map_err(ApiError::from)
    }

    /// 資格確認 by the My Number card's signature of a challenge. Like [`Api::inquire`] it is sent
    /// once and never queued in the outbox: the answer is needed now, and the nonce is single-use, so
    /// a later replay could only be refused. The answer is the history entry it was recorded as
    /// (its `Content-Location`), kept in the session cache like one opened from the history.
    pub async fn qualify_by_card(
        &self,
        qualification: &CardQualification,
    ) -> Result<HistoryEntry, ApiError> {
        let response = self
            .send_authed(|token| client::qualify_by_card(token, qualification))
            .await?;
        let decoded: wire::QualificationResult = client::expect_xml(&response, 200)?;
        let id = client::history_id_of(&response).ok_or_else(|| {
            ApiError::Unexpected(client::ClientError::Decode {
                status: 200,
                message: "the answer names no history entry (Content-Location)".to_owned(),
            })
        })?;
        self.cache
            .put_bytes(&history_detail_key(id), &response.body)
            .await;
        let (result, findings) = QualificationResult::from_wire(&decoded);
        Ok(HistoryEntry {
            id,
            result,
            findings,
            message: response.body,
        })
    }

    /// What staff chose to hand to the レセコン for a history entry on 資格情報確認, if they chose in
    /// this session (otherwise the defaults apply: items with ● unchecked).
    pub async fn hand_over_choices(&self, history_id: u64) -> Option<HandOverChoices> {
        self.cache.get(&hand_over_key(history_id)).await
    }

    /// Makes staff's newest choices for a history entry what this tab reads at once (the history's
    /// detail may open before they are written); [`Api::keep_hand_over_choices`] writes them.
    pub fn note_hand_over_choices(&self, history_id: u64, choices: &HandOverChoices) {
        self.cache.stage(&hand_over_key(history_id), choices);
    }

    /// Keeps staff's choices for a history entry, for the history's download (S4).
    pub async fn keep_hand_over_choices(&self, history_id: u64, choices: &HandOverChoices) {
        self.cache.put(&hand_over_key(history_id), choices).await;
    }

    /// One page of 資格確認履歴 (S3), filtered by the endpoint. The page is kept in the session cache,
    /// so the same search opens at once next time ([`Api::cached_history`]).
    pub async fn history(&self, search: &HistorySearch) -> Result<HistoryPage, ApiError> {
        let response = self
            .send_authed(|token| client::history(token, search))
            .await?;
        let page: HistoryPage = client::expect_json(&response, 200)?;
        // Screen pages only: a download's pages of a thousand rows would crowd them out.
        if search.per_page.unwrap_or(SCREEN_PAGE) <= SCREEN_PAGE {
            self.cache.put(&history_key(search), &page).await;
        }
        Ok(page)
    }

    /// The page this session last saw for the same search, if any: shown while the endpoint is
    /// asked again (new results may have arrived since).
    pub async fn cached_history(&self, search: &HistorySearch) -> Option<HistoryPage> {
        self.cache.get(&history_key(search)).await
    }

    /// One history entry (S4): the result message exactly as it was given (its bytes, for the
    /// レセコン download), and what it says. An entry never changes, so one seen in this session is
    /// read from the session cache.
    pub async fn history_detail(&self, id: u64) -> Result<HistoryEntry, ApiError> {
        let key = history_detail_key(id);
        let (message, decoded) = match self.cache.get_bytes(&key).await {
            Some(message) => {
                let decoded = wire::QualificationResult::decode(&message).map_err(|e| {
                    ApiError::Unexpected(client::ClientError::Decode {
                        status: 200,
                        message: e.to_string(),
                    })
                })?;
                (message, decoded)
            }
            None => {
                let response = self
                    .send_authed(|token| client::history_detail(token, id))
                    .await?;
                // Only a message the app understands is kept.
                let decoded: wire::QualificationResult = client::expect_xml(&response, 200)?;
                self.cache.put_bytes(&key, &response.body).await;
                (response.body, decoded)
            }
        };
        let (result, findings) = QualificationResult::from_wire(&decoded);
        Ok(HistoryEntry {
            id,
            result,
            findings,
            message,
        })
    }

    /// The id of the newest event there is, so that a screen can follow only what happens from now
    /// on without reading the whole backlog first.
    pub async fn newest_event_id(&self) -> Result<u64, ApiError> {
        let response = self.send_authed(client::events_newest).await?;
        let page: EventsPage = client::expect_json(&response, 200)?;
        // `last_id` is the id of this one-event page's event, the oldest; `newest_id` is the newest.
        Ok(page.newest())
    }

    /// One page of the backlog of one kind of event, after the event `after`.
    pub async fn events_of_kind(
        &self,
        kind: EventKind,
        after: u64,
    ) -> Result<EventsPage, ApiError> {
        let response = self
            .send_authed(|token| client::events_of_kind(token, kind.as_str(), after))
            .await?;
        client::expect_json(&response, 200).map_err(ApiError::from)
    }

    /// The whole backlog of one kind of event, oldest first: page after page, each resuming after
    /// the last one's last event, until a page is empty (decisions.md D7). Events of other kinds are
    /// left out here too, in case an endpoint does not filter.
    pub async fn backlog_of_kind(&self, kind: EventKind) -> Result<Vec<Event>, ApiError> {
        let mut events = Vec::new();
        let mut after = 0;
        loop {
            let page = self.events_of_kind(kind, after).await?;
            // An endpoint whose page does not move forward would otherwise be asked forever.
            if page.events.is_empty() || page.last_id <= after {
                return Ok(events);
            }
            after = page.last_id;
            events.extend(page.events.into_iter().filter(|e| e.kind == kind));
        }
    }

    /// The face readers and their modes.
    pub async fn readers(&self) -> Result<ReaderList, ApiError> {
        let response = self.send_authed(client::readers).await?;
        client::expect_json(&response, 200).map_err(ApiError::from)
    }

    /// Switches a reader's mode, from the state the screen last saw (`etag`, decisions.md D7).
    pub async fn set_reader_mode(
        &self,
        reader: &str,
        etag: &str,
        mode: ReaderMode,
    ) -> Result<Reader, ApiError> {
        let response = self
            .send_authed(|token| client::set_mode(token, reader, etag, mode.as_str()))
            .await?;
        client::expect_json(&response, 200).map_err(ApiError::from)
    }

    /// 目視確認実行: opens a visual check on a reader in 目視確認 for `qualification_date`.
    pub async fn start_visual_check(
        &self,
        reader: &str,
        qualification_date: &str,
    ) -> Result<VisualCheck, ApiError> {
        let response = self
            .send_authed(|token| client::start_visual_check(token, reader, qualification_date))
            .await?;
        client::expect_json(&response, 201).map_err(ApiError::from)
    }

    /// Where a visual check stands (`pending`, `completed` or `cancelled`).
    pub async fn visual_check(&self, reader: &str, check: &str) -> Result<VisualCheck, ApiError> {
        let response = self
            .send_authed(|token| client::visual_check(token, reader, check))
            .await?;
        client::expect_json(&response, 200).map_err(ApiError::from)
    }

    /// Issues (or re-issues) the signed-in user's 目視確認用パスコード; the answer is the only time
    /// the code is seen.
    pub async fn issue_passcode(&self) -> Result<IssuedPasscode, ApiError> {
        let response = self.send_authed(client::issue_passcode).await?;
        client::expect_json(&response, 201).map_err(ApiError::from)
    }

    /// The PIN a patient entered at the reader, checked before the consent screens (training
    /// endpoints only).
    pub async fn pin_check(&self, check: &PinCheck) -> Result<(), ApiError> {
        let response = self
            .send_authed(|token| client::pin_check(token, check))
            .await?;
        client::expect_no_content(&response).map_err(ApiError::from)
    }

    /// The reader's 職員用ボタン with a passcode (training endpoints only).
    pub async fn staff_mode(&self, reader: &str, staff: &StaffMode) -> Result<Reader, ApiError> {
        let response = self
            .send_authed(|token| client::staff_mode(token, reader, staff))
            .await?;
        client::expect_json(&response, 200).map_err(ApiError::from)
    }

    /// The reader's 「中止」 (training endpoints only).
    pub async fn cancel_reader(&self, reader: &str) -> Result<Reader, ApiError> {
        let response = self
            .send_authed(|token| client::cancel_reader(token, reader))
            .await?;
        client::expect_json(&response, 200).map_err(ApiError::from)
    }

    /// The accounts of training data, for the sign-in page (endpoints on training data only).
    pub async fn training_accounts(&self) -> Result<TrainingAccounts, ApiError> {
        let response = self
            .endpoint
            .get()
            .send(client::training_accounts())
            .await?;
        client::expect_json(&response, 200).map_err(ApiError::from)
    }

    /// The canned card holders a trainer may play (training endpoints only).
    pub async fn training_people(&self) -> Result<TrainingPeople, ApiError> {
        let response = self.send_authed(client::training_people).await?;
        client::expect_json(&response, 200).map_err(ApiError::from)
    }

    /// A patient's visit to a reader, as the trainer plays it (training endpoints only).
    pub async fn reader_visit(&self, visit: &ReaderVisit) -> Result<VisitResult, ApiError> {
        let response = self
            .send_authed(|token| client::reader_visit(token, visit))
            .await?;
        client::expect_json(&response, 201).map_err(ApiError::from)
    }

    /// Tells the endpoint the user is working without sending requests (D5).
    pub async fn activity(&self) -> Result<(), ApiError> {
        let response = self.send_authed(client::activity).await?;
        client::expect_no_content(&response).map_err(ApiError::from)
    }

    /// Sends a request built with the session's token.
    pub async fn send_authed(
        &self,
        build: impl FnOnce(&str) -> Request,
    ) -> Result<Response, ApiError> {
        let token = self.session.token().ok_or(ApiError::NotSignedIn)?;
        // The endpoint counts the request as activity when it arrives, so the tab does too.
        let sent = self.clock.now();
        let response = self.endpoint.get().send(build(&token)).await?;
        if response.status == 401 {
            let error = client::expect_no_content(&response)
                .map_err(ApiError::from)
                .err();
            // Only the session that sent the request ends: one already ended in this tab (by the idle
            // guard, say) keeps the reason it gave, and a newer one is not touched.
            if self.session.token().as_deref() == Some(token.as_str()) {
                let notice = session_end_notice(error.as_ref().and_then(ApiError::code));
                self.session.end(Some(notice.to_owned()));
            }
            return Err(error.unwrap_or(ApiError::NotSignedIn));
        }
        // A password the system issued must be changed before anything else: should the session
        // not know yet (an administrator reset it meanwhile), it learns here, and the password
        // gate takes the screen to パスワード変更.
        if response.status == 403 {
            let code = client::expect_no_content(&response)
                .map_err(ApiError::from)
                .err()
                .and_then(|e| e.code());
            if code == Some(ProblemCode::PasswordChangeRequired)
                && self.session.token().as_deref() == Some(token.as_str())
            {
                self.session.password_change_required();
            }
        }
        self.session.touch(sent);
        Ok(response)
    }
}
