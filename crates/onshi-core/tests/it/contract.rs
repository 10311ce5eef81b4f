//! The contract document (contract/openapi.yaml) and its clause list (contract/clauses.tsv) stay
//! exact: every documented operation is routed by the dispatcher, has at least one clause, and the
//! documented problem codes are exactly the code's.

use std::collections::BTreeSet;

use onshi_core::contract::{Headers, Method, ProblemCode, Request};

use crate::harness::Harness;

fn contract_file(name: &str) -> String {
    let path = format!("{}/../../contract/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// (method, path, operationId) for every operation of the document.
fn operations() -> Vec<(String, String, String)> {
    let yaml = contract_file("openapi.yaml");
    let mut operations = Vec::new();
    let mut path = None;
    let mut method = None;
    for line in yaml.lines() {
        if line == "components:" {
            break;
        }
        if let Some(p) = line.strip_prefix("  /").and_then(|p| p.strip_suffix(':')) {
            path = Some(format!("/{p}"));
        } else if let Some(m) = line.strip_prefix("    ").and_then(|m| m.strip_suffix(':'))
            && ["get", "post", "put", "patch", "delete"].contains(&m)
        {
            method = Some(m.to_uppercase());
        } else if let Some(id) = line.trim().strip_prefix("operationId: ") {
            operations.push((
                method.clone().expect("a method before its operationId"),
                path.clone().expect("a path before its operations"),
                id.to_owned(),
            ));
        }
    }
    operations
}

fn clauses() -> Vec<(String, String)> {
    contract_file("clauses.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let fields: Vec<&str> = l.split('\t').collect();
            assert_eq!(fields.len(), 3, "{l}");
            (fields[0].to_owned(), fields[1].to_owned())
        })
        .collect()
}

#[test]
fn every_operation_has_a_clause_and_every_clause_an_operation() {
    let operations = operations();
    assert!(operations.len() >= 34, "{}", operations.len());
    let ids: BTreeSet<&str> = operations.iter().map(|(_, _, id)| id.as_str()).collect();
    assert_eq!(ids.len(), operations.len(), "operationIds are unique");
    let clauses = clauses();
    let clause_ids: BTreeSet<&str> = clauses.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(clause_ids.len(), clauses.len(), "clause ids are unique");
    for (_, _, id) in &operations {
        assert!(
            clauses.iter().any(|(_, op)| op == id),
            "no clause exercises {id}"
        );
    }
    for (clause, op) in &clauses {
        assert!(
            ids.contains(op.as_str()),
            "{clause} names unknown operation {op}"
        );
    }
}

#[test]
fn every_documented_operation_is_routed() {
    let mut h = Harness::training();
    let token = h.token("master");
    for (method, path, id) in operations() {
        // The clock belongs to the reference endpoint alone, which handles it before dispatching.
        if id == "setTrainingClock" {
            continue;
        }
        let concrete = path
            .replace("{id}", "reader-1")
            .replace("{check}", "vc-none")
            .replace("{kind}", "qualifications")
            .replace("{reception_number}", "none");
        let mut headers = Headers::new();
        headers.set("Authorization", format!("Bearer {token}"));
        let request = Request {
            method: Method::parse(&method).expect("a contract method"),
            target: format!("/onshi/v1{concrete}"),
            headers,
            body: Vec::new(),
        };
        let response = h.send(&request);
        let body = String::from_utf8_lossy(&response.body);
        assert!(
            !(response.status == 404 && body.contains("no resource at")) && response.status != 405,
            "{method} {path} ({id}) is not routed: {} {body}",
            response.status
        );
    }
}

#[test]
fn the_documented_problem_codes_are_the_codes() {
    let yaml = contract_file("openapi.yaml");
    let start = yaml.find("    Problem:\n").expect("the Problem schema");
    let section = &yaml[start..];
    let list_start = section.find("enum:\n").expect("the code enum") + "enum:\n".len();
    let documented: BTreeSet<String> = section[list_start..]
        .lines()
        .map_while(|l| l.trim().strip_prefix("- ").map(str::to_owned))
        .collect();
    let actual: BTreeSet<String> = ProblemCode::ALL
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(documented, actual);
}

/// Regression (found by schemathesis): removing an operation's last parameter left
/// `parameters:` with nothing under it, which is `null` and no valid OpenAPI.
#[test]
fn no_list_of_the_document_is_left_empty() {
    let yaml = contract_file("openapi.yaml");
    let lines: Vec<&str> = yaml.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let key = line.trim();
        if ["parameters:", "responses:", "tags:", "required:"].contains(&key) {
            let next = lines.get(i + 1).map(|l| l.trim()).unwrap_or_default();
            let indent = line.len() - line.trim_start().len();
            let next_indent = lines
                .get(i + 1)
                .map_or(0, |l| l.len() - l.trim_start().len());
            assert!(
                next_indent > indent && !next.is_empty(),
                "line {}: `{key}` has nothing under it",
                i + 1
            );
        }
    }
}
