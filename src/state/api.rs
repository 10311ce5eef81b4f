//! Typed calls to the endpoint.
//!
//! Every authenticated call goes through [`Api::send_authed`], which counts the request as activity
//! and ends the session in this tab when the endpoint says it has ended, with the reason for the
//! sign-in page.

use leptos::task::spawn_local;
use onshi_core::{
    client,
    contract::{Request, Response, session::SignedIn},
    domain::{Findings, Inquiry, QualificationResult},
    wire::{self, Encoding},
};

use crate::{
    error::{ApiError, session_end_notice},
    state::{
        ClockHandle, EndpointChoice, EndpointHandle, SessionContext, use_clock, use_endpoint,
        use_session,
    },
    transport::Endpoint,
};

/// Typed calls to the endpoint (a `Copy` handle).
#[derive(Clone, Copy)]
pub struct Api {
    endpoint: EndpointHandle,
    session: SessionContext,
    clock: ClockHandle,
}

pub fn use_api() -> Api {
    Api {
        endpoint: use_endpoint(),
        session: use_session(),
        clock: use_clock(),
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
    pub async fn inquire(
        &self,
        inquiry: &Inquiry,
    ) -> Result<(QualificationResult, Findings), ApiError> {
        let message = inquiry
            .to_wire()
            .encode(Encoding::Utf8)
            .map_err(|e| ApiError::Unencodable(e.to_string()))?;
        let response = self
            .send_authed(|token| client::inquire(token, message))
            .await?;
        let result: wire::QualificationResult = client::expect_xml(&response, 200)?;
        Ok(QualificationResult::from_wire(&result))
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
        let response = self.endpoint.get().send(build(&token)).await?;
        if response.status == 401 {
            let error = client::expect_no_content(&response)
                .map_err(ApiError::from)
                .err();
            let notice = session_end_notice(error.as_ref().and_then(ApiError::code));
            self.session.end(Some(notice.to_owned()));
            return Err(error.unwrap_or(ApiError::NotSignedIn));
        }
        self.session.touch(self.clock.now());
        Ok(response)
    }
}
