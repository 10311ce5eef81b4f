//! ARCHITECTURE.md's invariants that can be checked mechanically, and the rule that the repository
//! cites only its own documents (decisions.md D8). Each check is a table: what is looked at, and
//! what must not appear there.

use std::fs;
use std::path::{Path, PathBuf};

/// The repository's root (this crate lives in `crates/onshi-core`).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every file under `dir` (relative to the root) whose name ends with one of `extensions` (all
/// files when empty), skipping build output, dependencies and version control.
fn files_under(dir: &str, extensions: &[&str]) -> Vec<PathBuf> {
    const SKIPPED: [&str; 6] = [
        "target",
        "node_modules",
        ".git",
        "dist",
        "corpus",
        "artifacts",
    ];
    let mut found = Vec::new();
    let mut pending = vec![root().join(dir)];
    while let Some(dir) = pending.pop() {
        let entries =
            fs::read_dir(&dir).unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()));
        for entry in entries {
            let path = entry.expect("a directory entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                if !SKIPPED.contains(&name) {
                    pending.push(path);
                }
            } else if extensions.is_empty() || extensions.iter().any(|ext| name.ends_with(ext)) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Every line of `files` that contains one of `forbidden`, as `path:line: pattern`. Files that are
/// not UTF-8 (images, binaries) are skipped.
fn offending_lines(files: &[PathBuf], forbidden: &[&str]) -> Vec<String> {
    let mut offences = Vec::new();
    for file in files {
        let Ok(text) = fs::read_to_string(file) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            for pattern in forbidden {
                if line.contains(pattern) {
                    let shown = file.strip_prefix(root()).unwrap_or(file);
                    offences.push(format!("{}:{}: {pattern}", shown.display(), number + 1));
                }
            }
        }
    }
    offences
}

/// The crates the core must never depend on: the browser, the DOM, async runtimes, HTTP servers and
/// databases (the core does no I/O).
const FORBIDDEN_CORE_DEPENDENCIES: [&str; 12] = [
    "leptos",
    "web-sys",
    "wasm-bindgen",
    "js-sys",
    "gloo",
    "tokio",
    "axum",
    "hyper",
    "rusqlite",
    "indexed_db_futures",
    "getrandom",
    "rand",
];

/// The names of the dependencies declared in a Cargo.toml's dependency tables (any section whose
/// name ends with `dependencies`, including target-specific ones).
fn declared_dependencies(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_dependencies = line.trim_matches(['[', ']']).ends_with("dependencies");
            continue;
        }
        if !in_dependencies || line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.split(['=', '.']).next() {
            names.push(name.trim().trim_matches('"').to_string());
        }
    }
    names
}

#[test]
fn the_core_depends_on_nothing_that_does_io_or_knows_the_browser() {
    let manifest = fs::read_to_string(root().join("crates/onshi-core/Cargo.toml"))
        .expect("the core's Cargo.toml");
    let declared = declared_dependencies(&manifest);
    assert!(
        declared.iter().any(|name| name == "quick-xml"),
        "the parser found no dependency: {declared:?}"
    );
    let offending: Vec<&String> = declared
        .iter()
        .filter(|name| {
            FORBIDDEN_CORE_DEPENDENCIES.iter().any(|forbidden| {
                name.as_str() == *forbidden || name.starts_with(&format!("{forbidden}-"))
            })
        })
        .collect();
    assert!(offending.is_empty(), "the core depends on {offending:?}");
}

/// The lines of one `[section]` of a Cargo.toml, trimmed, without blanks and comments.
fn section<'m>(manifest: &'m str, name: &str) -> Vec<&'m str> {
    let header = format!("[{name}]");
    manifest
        .lines()
        .map(str::trim)
        .skip_while(|line| *line != header)
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

/// The crates only the training world and the endpoint need: a client (the app's shell) must build
/// without them, so they are optional and only the `world` feature enables them.
const WORLD_ONLY_DEPENDENCIES: [&str; 3] = ["argon2", "rsa", "x509-cert"];

#[test]
fn the_world_s_crates_are_optional_and_only_the_world_feature_enables_them() {
    let manifest = fs::read_to_string(root().join("crates/onshi-core/Cargo.toml"))
        .expect("the core's Cargo.toml");
    let dependencies = section(&manifest, "dependencies");
    let features = section(&manifest, "features");
    assert!(
        features.len() >= 3,
        "the parser found the features: {features:?}"
    );
    let feature = |name: &str| {
        features
            .iter()
            .find(|line| line.split('=').next().map(str::trim) == Some(name))
            .copied()
            .unwrap_or_else(|| panic!("no feature {name}: {features:?}"))
    };
    assert!(
        feature("default").contains("\"world\""),
        "world is a default"
    );
    assert!(
        feature("test-support").contains("\"world\""),
        "test helpers need the world"
    );
    for name in WORLD_ONLY_DEPENDENCIES {
        let declared: Vec<&&str> = dependencies
            .iter()
            .filter(|line| line.split(['=', '.']).next().map(str::trim) == Some(name))
            .collect();
        assert_eq!(
            declared.len(),
            1,
            "{name} is declared once: {dependencies:?}"
        );
        assert!(
            declared[0].replace(' ', "").contains("optional=true"),
            "{name} must be optional: {}",
            declared[0]
        );
        let enabling: Vec<&str> = features
            .iter()
            .filter(|line| {
                line.contains(&format!("\"dep:{name}\""))
                    || line.contains(&format!("\"{name}/"))
                    || line.contains(&format!("\"{name}\""))
            })
            .filter_map(|line| line.split('=').next().map(str::trim))
            .collect();
        assert_eq!(enabling, ["world"], "{name} is enabled by the world alone");
    }
}

/// The shell (the app the page loads) holds no training-world code: the dispatcher, the simulator,
/// the canned data, passwords, the card proof's verification, the test CA and the virtual cards are
/// the training world's, which runs in its own module in a service worker (crates/onshi-training).
/// The app depends on the core without its `world` feature, and names none of those modules; the
/// test command also checks the resolved tree (`cargo tree`, scripts/test).
#[test]
fn the_shell_builds_without_the_training_world() {
    let manifest = fs::read_to_string(root().join("Cargo.toml")).expect("the root Cargo.toml");
    let core: Vec<&str> = section(&manifest, "dependencies")
        .into_iter()
        .filter(|line| line.split(['=', '.']).next().map(str::trim) == Some("onshi-core"))
        .collect();
    assert_eq!(core.len(), 1, "the app names the core once: {core:?}");
    let line = core[0].replace(' ', "");
    assert!(
        line.contains("default-features=false"),
        "the app takes the core without its default world: {}",
        core[0]
    );
    assert!(
        !line.contains("\"world\"") && !line.contains("workspace=true"),
        "the app never turns the world on: {}",
        core[0]
    );
    for name in WORLD_ONLY_DEPENDENCIES {
        assert!(
            !section(&manifest, "dependencies").iter().any(|line| line
                .split(['=', '.'])
                .next()
                .map(str::trim)
                == Some(name)),
            "the app declares {name}"
        );
    }
    let world_modules = [
        "onshi_core::dispatch",
        "onshi_core::simulator",
        "onshi_core::canned",
        "onshi_core::password",
        "onshi_core::setup",
        "card::pki",
        "card::testpki",
        "card::virtual_card",
        "card::virtual_reader",
        "onshi_training",
    ];
    let offending = offending_lines(&files_under("src", &["rs"]), &world_modules);
    assert!(
        offending.is_empty(),
        "the shell names the world: {offending:#?}"
    );
}

#[test]
fn the_dependency_parser_reads_every_dependency_table() {
    let manifest = "[package]\nname = \"x\"\n\n[dependencies]\nserde.workspace = true\n\
                    \"tokio\" = \"1\"\n# leptos = \"0.8\"\n\n[target.'cfg(unix)'.dev-dependencies]\n\
                    gloo-timers = \"0.3\"\n\n[features]\nweb-sys = []\n";
    assert_eq!(
        declared_dependencies(manifest),
        ["serde", "tokio", "gloo-timers"]
    );
}

/// Where a kind of code must not reach, and the words that would show it does.
const FORBIDDEN_IN_SOURCE: [(&str, &[&str], &str); 5] = [
    (
        "crates/onshi-core/src",
        &[
            "web_sys",
            "wasm_bindgen",
            "js_sys",
            "leptos",
            "gloo",
            "tokio",
            "axum",
            "hyper",
            "rusqlite",
        ],
        "the core knows nothing of the browser, async runtimes, HTTP servers or databases",
    ),
    (
        "crates/onshi-core/src",
        &[
            "std::fs",
            "std::net",
            "std::process",
            "std::env",
            "File::open",
            "TcpStream",
        ],
        "the core does no I/O",
    ),
    (
        "crates/onshi-core/src",
        &[
            "Utc::now",
            "Local::now",
            "SystemTime",
            "Instant::now",
            "OsRng",
            "thread_rng",
            "getrandom",
        ],
        "the core never reads a clock or an entropy source: both are handed in",
    ),
    (
        "src",
        &[
            "local_storage",
            "session_storage",
            "indexed_db",
            "Date::now",
            "performance",
            "get_random_values",
            "fetch_with",
            "XmlHttpRequest",
            "EventSource",
            ".usb()",
        ],
        "pages and components reach storage, time, randomness, the network and USB only through state and platform",
    ),
    (
        "src",
        &["onshi_core::store", " store::", "(store::"],
        "screens speak the contract's shapes and values, never the store's records",
    ),
];

#[test]
fn code_stays_within_its_layer() {
    let mut failures = Vec::new();
    for (dir, forbidden, rule) in FORBIDDEN_IN_SOURCE {
        let files: Vec<PathBuf> = if dir == "src" {
            ["src/pages", "src/components"]
                .iter()
                .flat_map(|dir| files_under(dir, &[".rs"]))
                .collect()
        } else {
            files_under(dir, &[".rs"])
        };
        assert!(!files.is_empty(), "no source files under {dir}");
        for offence in offending_lines(&files, forbidden) {
            failures.push(format!("{offence} ({rule})"));
        }
    }
    assert!(
        failures.is_empty(),
        "layer rules broken:\n{}",
        failures.join("\n")
    );
}

/// The contract's JSON shapes own their types: a public field or item of `contract/` that names a
/// store type, or an import of one by name, would make the storage schema the public contract.
/// Conversions (`impl From`) may name both, through the module: `store::X`.
#[test]
fn the_contracts_shapes_hold_no_store_types() {
    let files = files_under("crates/onshi-core/src/contract", &[".rs"]);
    assert!(files.len() >= 4, "no contract files found");
    let mut offences = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).expect("a contract file");
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_start();
            let public = line.starts_with("pub ") && !line.starts_with("pub fn");
            let imported = line.contains("store::{") || line.starts_with("use crate::store::");
            if (public && line.contains("store::")) || imported {
                offences.push(format!("{}:{}: {line}", file.display(), number + 1));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "store types in the contract:\n{}",
        offences.join("\n")
    );
}

/// Documents a reader of the repository cannot open: design notes kept outside it. Written in two
/// pieces so this file does not match itself.
const OUTSIDE_DOCUMENTS: [(&str, &str); 7] = [
    ("../", "shared"),
    ("/work", "/"),
    ("research", "/"),
    ("screens", ".md"),
    ("endpoint-contract", ".md"),
    ("seeds", "/"),
    ("design", "/decisions.md"),
];

/// The directories and files of the repository whose text may cite documents.
const CITING_PLACES: [&str; 9] = [
    ".", ".cargo", ".ci", "contract", "crates", "docs", "public", "scripts", "src",
];

/// Every file of the repository whose text may cite documents or work items: the root's own files,
/// the places above and the tests, without lockfiles.
fn citing_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for place in CITING_PLACES {
        if place == "." {
            // The root's own files only; its directories are listed above or are build output.
            let entries = fs::read_dir(root()).expect("the repository root");
            files.extend(
                entries
                    .map(|e| e.expect("an entry").path())
                    // A worktree's `.git` is a file naming where the repository lives.
                    .filter(|p| p.is_file() && !p.ends_with(".git")),
            );
        } else {
            files.extend(files_under(place, &[]));
        }
    }
    files.extend(files_under("tests", &[]));
    let lockfiles = ["Cargo.lock", "package-lock.json"];
    files.retain(|file| {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        !lockfiles.contains(&name)
    });
    assert!(
        files.len() > 100,
        "found only {} files to check",
        files.len()
    );
    files
}

#[test]
fn the_repository_cites_only_its_own_documents() {
    let patterns: Vec<String> = OUTSIDE_DOCUMENTS
        .iter()
        .map(|(a, b)| format!("{a}{b}"))
        .collect();
    let patterns: Vec<&str> = patterns.iter().map(String::as_str).collect();
    let offences = offending_lines(&citing_files(), &patterns);
    assert!(
        offences.is_empty(),
        "citations of documents outside the repository:\n{}",
        offences.join("\n")
    );
}

/// Whether `line` names a work item by its number: the word for one (singular or plural, in any
/// case), a space and one or two digits. Three digits are no work item but the verb before an
/// account ID ("Issues 002's passcode").
fn names_a_work_item(line: &str) -> bool {
    let lower = line.to_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("issue") {
        let after = &rest[at + "issue".len()..];
        let after = after.strip_prefix('s').unwrap_or(after);
        if let Some(number) = after.strip_prefix(' ') {
            let digits = number.chars().take_while(char::is_ascii_digit).count();
            if (1..=2).contains(&digits) {
                return true;
            }
        }
        rest = after;
    }
    false
}

/// A line that names a test: a JavaScript `test('…')`, whose title may name the work item a
/// regression test pins. Rust test functions carry it in their names (`regression_issue_14_…`),
/// which the pattern does not match.
fn is_a_test_title(line: &str) -> bool {
    line.trim_start().starts_with("test(")
}

#[test]
fn work_items_are_named_only_by_regression_tests() {
    // The samples are put together here, so that this file does not name work items itself.
    const WORD: &str = "issue";
    for (line, named) in [
        (format!("// The shell ({WORD} 2): start page"), true),
        (format!("/// {}s 4 and 14 found this.", "Issue"), true),
        (format!("# ratio ({} 15)", WORD.to_uppercase()), true),
        ("/** Issues 002's passcode on S8 */".to_owned(), false),
        (
            "async fn regression_issue_14_fifty_concurrent_inquiries() {".to_owned(),
            false,
        ),
        ("// the issue is the clock".to_owned(), false),
    ] {
        assert_eq!(names_a_work_item(&line), named, "{line}");
    }
    let mut offences = Vec::new();
    for file in citing_files() {
        let Ok(text) = fs::read_to_string(&file) else {
            continue;
        };
        for (number, line) in text.lines().enumerate() {
            if names_a_work_item(line) && !is_a_test_title(line) {
                let shown = file.strip_prefix(root()).unwrap_or(&file);
                offences.push(format!(
                    "{}:{}: {}",
                    shown.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    assert!(
        offences.is_empty(),
        "work items named outside regression tests' names (say what and why instead):\n{}",
        offences.join("\n")
    );
}
