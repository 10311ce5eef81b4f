//! The endpoint's side of the card proof (decisions.md D7): the DigestInfo the card signs, and the
//! verification of a 利用者証明用 certificate against a trust anchor and of a signature with it.
