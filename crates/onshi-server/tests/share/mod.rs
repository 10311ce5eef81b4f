//! A temporary 資格確認端末 share and a fake national side that plays on it (decisions.md D8): it takes
//! request files from `req/` as the terminal's 連携アプリ does, reads each as plain text (picking its
//! values out with string search), and answers from the hand-written templates of
//! `onshi-core/tests/fixtures/national/` — late, torn, twice, with an error file, or not at all, as
//! each test plans.

// Each test file uses a part of this module; what one leaves unused is not dead for the others.
#![allow(dead_code)]

use std::{
    collections::{BTreeMap, HashSet},
    path::{Path, PathBuf},
    sync::{Arc, Mutex},
    time::Duration,
};

#[path = "../../../onshi-core/tests/it/national.rs"]
pub mod national;

/// A temporary share with req, res and face, and a database beside it; removed afterwards.
pub struct Share {
    pub root: PathBuf,
}

impl Share {
    pub fn new(name: &str) -> Share {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_nanos();
        let root = std::env::temp_dir().join(format!(
            "onshi-bridge-{name}-{}-{nanos}",
            std::process::id()
        ));
        for dir in ["req", "res", "face"] {
            std::fs::create_dir_all(root.join(dir)).expect("a temporary folder");
        }
        Share { root }
    }

    pub fn database(&self) -> PathBuf {
        self.root.join("onshi.db")
    }

    pub fn dir(&self, folder: &str) -> PathBuf {
        self.root.join(folder)
    }

    /// The names of the files in `folder` (hidden ones too), sorted.
    pub fn files(&self, folder: &str) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir(folder))
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// A wire fixture of the core.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../onshi-core/tests/fixtures/wire")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the national side does with one request file.
#[derive(Clone, Debug)]
pub enum Plan {
    /// Takes it, and after `delay` writes the answer made from `template` (with `given` values).
    /// `torn`: the answer is written in two parts, the second a little later. `twice`: a second
    /// answer file (another patient's, to be sure it is not taken) is written later under the same
    /// name.
    Answer {
        template: String,
        given: Vec<(String, String)>,
        delay: Duration,
        torn: bool,
        twice: bool,
    },
    /// Takes it, and answers from `template` once the test releases it (a late answer, as late as the
    /// test needs).
    Held {
        template: String,
        given: Vec<(String, String)>,
        release: Arc<tokio::sync::Notify>,
    },
    /// Takes it and writes an error file (Shift_JIS, as the terminal does).
    Error { text: String, delay: Duration },
    /// Takes it and never answers.
    Silent,
    /// Never takes it: it stays in `req/` until the endpoint withdraws it.
    Ignore,
}

impl Plan {
    pub fn answer(template: &str, given: &[(&str, &str)]) -> Plan {
        Plan::Answer {
            template: national::template(template),
            given: given
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            delay: Duration::ZERO,
            torn: false,
            twice: false,
        }
    }

    /// The same answer, held until `release` is notified.
    pub fn held(self, release: &Arc<tokio::sync::Notify>) -> Plan {
        match self {
            Plan::Answer {
                template, given, ..
            } => Plan::Held {
                template,
                given,
                release: Arc::clone(release),
            },
            other => other,
        }
    }

    pub fn after(self, wait: Duration) -> Plan {
        match self {
            Plan::Answer {
                template,
                given,
                torn,
                twice,
                ..
            } => Plan::Answer {
                template,
                given,
                delay: wait,
                torn,
                twice,
            },
            Plan::Error { text, .. } => Plan::Error { text, delay: wait },
            other => other,
        }
    }
}

/// One request file the national side took.
#[derive(Clone, Debug)]
pub struct Taken {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What the fake saw: the request files it took, and those it left alone.
#[derive(Default)]
pub struct Ledger {
    pub taken: Vec<Taken>,
    pub ignored: HashSet<String>,
}

pub type Planner = Arc<dyn Fn(&str, &[u8]) -> Plan + Send + Sync>;

/// The fake national side playing on `root` until the test ends; `plan` decides per request file
/// (its name and bytes).
pub fn national_side(root: &Path, plan: Planner) -> Arc<Mutex<Ledger>> {
    let ledger: Arc<Mutex<Ledger>> = Arc::default();
    let root = root.to_owned();
    let log = Arc::clone(&ledger);
    tokio::spawn(async move {
        loop {
            let Ok(mut entries) = tokio::fs::read_dir(root.join("req")).await else {
                return;
            };
            while let Ok(Some(entry)) = entries.next_entry().await {
                let name = entry.file_name().to_string_lossy().into_owned();
                // Only whole request files: the endpoint's temporary files are hidden.
                if name.starts_with('.') || !name.ends_with(".xml") {
                    continue;
                }
                if log.lock().expect("the ledger").ignored.contains(&name) {
                    continue;
                }
                let Ok(bytes) = tokio::fs::read(entry.path()).await else {
                    continue;
                };
                let decided = plan(&name, &bytes);
                if matches!(decided, Plan::Ignore) {
                    log.lock().expect("the ledger").ignored.insert(name);
                    continue;
                }
                // Taken: the 連携アプリ moves the request away.
                if tokio::fs::remove_file(entry.path()).await.is_err() {
                    // Withdrawn by the endpoint meanwhile: never taken.
                    continue;
                }
                log.lock().expect("the ledger").taken.push(Taken {
                    name: name.clone(),
                    bytes: bytes.clone(),
                });
                let root = root.clone();
                tokio::spawn(async move { answer(&root, &name, &bytes, decided).await });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    ledger
}

async fn answer(root: &Path, name: &str, request: &[u8], plan: Plan) {
    let stem = name.trim_end_matches(".xml").replacen("req", "res", 1);
    match plan {
        Plan::Answer {
            template,
            given,
            delay,
            torn,
            twice,
        } => {
            tokio::time::sleep(delay).await;
            let given: Vec<(&str, &str)> = given
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let bytes = national::answer(&template, request, &given);
            let path = root.join("res").join(format!("{stem}.xml"));
            if torn {
                let half = bytes.len() / 2;
                let _ = tokio::fs::write(&path, &bytes[..half]).await;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            let _ = tokio::fs::write(&path, &bytes).await;
            if twice {
                tokio::time::sleep(Duration::from_millis(400)).await;
                let mut other = national::answer(&template, request, &given);
                let text = String::from_utf8_lossy(&other).replace("<Birthdate>", "<Birthdate>1");
                other = text.into_bytes();
                let _ = tokio::fs::write(&path, &other).await;
            }
        }
        Plan::Held {
            template,
            given,
            release,
        } => {
            release.notified().await;
            let given: Vec<(&str, &str)> = given
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let bytes = national::answer(&template, request, &given);
            let _ = tokio::fs::write(root.join("res").join(format!("{stem}.xml")), bytes).await;
        }
        Plan::Error { text, delay } => {
            tokio::time::sleep(delay).await;
            let bytes = encoding_rs::SHIFT_JIS.encode(&text).0.into_owned();
            let _ = tokio::fs::write(root.join("res").join(format!("{stem}.err")), bytes).await;
        }
        Plan::Silent | Plan::Ignore => {}
    }
}

/// The request files taken, by the value of `element` in them (for counting per patient or key).
pub fn taken_by(ledger: &Mutex<Ledger>, element: &str) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for taken in &ledger.lock().expect("the ledger").taken {
        let value = national::value_of(&taken.bytes, element).unwrap_or_default();
        *counts.entry(value).or_insert(0) += 1;
    }
    counts
}
