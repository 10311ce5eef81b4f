//! The one boundary where failures become Japanese (src/error.rs): the app's errors reach the core's
//! words (`onshi_core::client::message`, whose every code and case the host tests `tests/it/client.rs`
//! check).

use onshi::error::ApiError;
use onshi_core::{
    contract::{Problem, ProblemCode},
    time::{Rfc3339, Timestamp},
};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
fn lockout_messages_carry_the_attempts_left_and_the_time() {
    let mut p = Problem::new(ProblemCode::InvalidCredentials);
    p.remaining_attempts = Some(2);
    assert_eq!(
        ApiError::Refused(Box::new(p)).message(),
        "ユーザIDまたはパスワードが正しくありません。あと2回間違えると、30分間ログインできなくなります。"
    );
    let mut p = Problem::new(ProblemCode::AccountLocked);
    p.locked_until = Some(Rfc3339(
        Timestamp::parse_rfc3339("2026-11-22T00:30:00Z").expect("time"),
    ));
    // The time (Tokyo's) follows why, and an administrator's reset comes last.
    assert_eq!(
        ApiError::Refused(Box::new(p)).message(),
        "パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。09:30以降に再度ログインしてください。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。"
    );
    // Without the time, the problem's own title says the same.
    assert_eq!(
        ApiError::Refused(Box::new(Problem::new(ProblemCode::AccountLocked))).message(),
        "パスワードを5回間違えたため、ログインができなくなりました。30分お待ちいただき、再度ログインをお願い致します。お急ぎの場合は、管理者にパスワードの初期化を依頼してください。"
    );
}

#[wasm_bindgen_test]
fn unknown_codes_fall_back_to_the_endpoints_own_title() {
    let mut p = Problem::new(ProblemCode::Forbidden);
    p.code = "reader_busy".to_owned();
    p.title = "カードリーダーが使用中です。".to_owned();
    assert_eq!(
        ApiError::Refused(Box::new(p)).message(),
        "カードリーダーが使用中です。"
    );
    assert_eq!(ApiError::NotSignedIn.message(), "ログインしてください。");
}
