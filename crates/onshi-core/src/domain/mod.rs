//! Domain types: what the messages mean, apart from how they are written.
//!
//! Wire types (`crate::wire`) say what arrived; these types say what it means, with typed dates,
//! codes and identifiers. Every conversion is explicit (`from_wire` / `to_wire`), and reading a
//! received message reports findings instead of failing, so staff always see what came.

pub mod convert;
pub mod hand_over;
pub mod identifiers;
pub mod medical;
pub mod qualification;

pub use convert::{DecodeFinding, DecodeProblem, Findings};
pub use identifiers::{InstitutionCode, InsurerNumber};
pub use qualification::{
    Answer, Card, ConsentItem, ContributionRatio, DiseaseCertificate, DiseaseSection,
    ElderlyCertificate, Inquiry, LimitCertificate, LimitSection, MedicalConsents, Qualification,
    QualificationResult, Registration, RegistrationAnswer, ResultInfo, Search,
    registration_request,
};
