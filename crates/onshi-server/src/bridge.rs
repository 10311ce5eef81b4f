//! The folder bridge: the national system's file interface on a 資格確認端末 share (decisions.md D3,
//! research/oqs-interface.md §1).
//!
//! A request is written to `req/` under an official name (`<prefix>_<YYYYMMDD><4-digit sequence>.xml`)
//! and answered by the file of the same base name with `req` turned into `res` in `res/`: `.xml` for
//! the result, `.err` for an error. A result is taken only when two reads a moment apart agree and
//! it is a whole XML document, since the other side may still be writing it (and may pause while it
//! does). New files in `face/` are results of the face-authentication reader, taken in as they
//! appear.

use std::{
    collections::HashSet,
    io,
    path::{Path, PathBuf},
    time::Duration,
};

use encoding_rs::SHIFT_JIS;
use onshi_core::{dispatch::Exchange, dispatch::NationalAnswer, time::Timestamp};

/// How the bridge waits.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// How long an exchange may wait for its answer.
    pub answer_within: Duration,
    /// How often the folders are looked at.
    pub poll: Duration,
    /// The gap between the two reads that must agree.
    pub settle: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            answer_within: Duration::from_secs(60),
            poll: Duration::from_millis(200),
            settle: Duration::from_millis(150),
        }
    }
}

/// The share's three folders.
#[derive(Clone, Debug)]
pub struct Bridge {
    root: PathBuf,
    timing: Timing,
}

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("{path} is not a folder with req, res and face in it")]
    NotAShare { path: PathBuf },
}

impl Bridge {
    /// The share at `root`, which must hold `req`, `res` and `face`.
    pub fn open(root: &Path, timing: Timing) -> Result<Bridge, BridgeError> {
        let complete = ["req", "res", "face"].iter().all(|d| root.join(d).is_dir());
        if !complete {
            return Err(BridgeError::NotAShare {
                path: root.to_owned(),
            });
        }
        Ok(Bridge {
            root: root.to_owned(),
            timing,
        })
    }

    /// Writes the request file and waits for its answer. Every failure to reach the other side is
    /// an answer too: a file that cannot be written is an error, and silence a timeout.
    pub async fn exchange(&self, exchange: &Exchange, now: Timestamp) -> NationalAnswer {
        let prefix = exchange.kind.request_prefix();
        let base = match self.write_request(prefix, &exchange.message, now).await {
            Ok(base) => base,
            Err(e) => {
                return NationalAnswer::Error(format!(
                    "the request file could not be written: {e}"
                ));
            }
        };
        let answer_base = base.replacen("req", "res", 1);
        let result = self.root.join("res").join(format!("{answer_base}.xml"));
        let error = self.root.join("res").join(format!("{answer_base}.err"));
        let deadline = tokio::time::Instant::now() + self.timing.answer_within;
        let mut partial = None;
        loop {
            if let Some(bytes) = self.settled(&error).await {
                return NationalAnswer::Error(error_text(&bytes));
            }
            if let Some(bytes) = self.settled(&result).await {
                if is_whole(&bytes) {
                    return NationalAnswer::Message(bytes);
                }
                partial = Some(bytes);
            }
            if tokio::time::Instant::now() >= deadline {
                // A file that never became whole is passed on, to be reported as unreadable; no
                // file at all is silence.
                return partial.map_or(NationalAnswer::TimedOut, NationalAnswer::Message);
            }
            tokio::time::sleep(self.timing.poll).await;
        }
    }

    /// Writes `message` under the next free name of the day and returns that name without `.xml`.
    /// The file appears whole: it is written under a hidden name and renamed into place, so the
    /// other side never reads half of it.
    async fn write_request(
        &self,
        prefix: &str,
        message: &[u8],
        now: Timestamp,
    ) -> io::Result<String> {
        let day = now.jst().format("%Y%m%d").to_string();
        let req = self.root.join("req");
        let res = self.root.join("res");
        for sequence in 1..=9999 {
            let base = format!("{prefix}_{day}{sequence:04}");
            let answer_base = base.replacen("req", "res", 1);
            // A name is taken if a request or an answer of it exists, whoever wrote it.
            if exists_with_stem(&req, &base).await? || exists_with_stem(&res, &answer_base).await? {
                continue;
            }
            let hidden = req.join(format!(".{base}.onshi-writing"));
            tokio::fs::write(&hidden, message).await?;
            let target = req.join(format!("{base}.xml"));
            if tokio::fs::try_exists(&target).await? {
                tokio::fs::remove_file(&hidden).await?;
                continue;
            }
            tokio::fs::rename(&hidden, &target).await?;
            return Ok(base);
        }
        Err(io::Error::other(format!(
            "every request name of {day} for {prefix} is taken"
        )))
    }

    /// The file's bytes once two reads `settle` apart agree (and it is not empty), or `None`.
    async fn settled(&self, path: &Path) -> Option<Vec<u8>> {
        let first = tokio::fs::read(path).await.ok()?;
        if first.is_empty() {
            return None;
        }
        tokio::time::sleep(self.timing.settle).await;
        let second = tokio::fs::read(path).await.ok()?;
        (first == second).then_some(second)
    }

    /// The face-reader result files not yet in `seen`, by name: each once two reads agree and it is a
    /// whole XML document, or, if it never becomes one, once it has not changed for a while (so that
    /// a broken file is taken in, as unreadable, rather than looked at forever).
    pub async fn new_face_files(
        &self,
        seen: &HashSet<String>,
    ) -> io::Result<Vec<(String, Vec<u8>)>> {
        let mut names = Vec::new();
        let mut entries = tokio::fs::read_dir(self.root.join("face")).await?;
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".xml") && !name.starts_with('.') && !seen.contains(&name) {
                names.push(name);
            }
        }
        // The names end in the time they were written, so this is the order they came in.
        names.sort();
        let mut files = Vec::new();
        for name in names {
            let path = self.root.join("face").join(&name);
            let Some(bytes) = self.settled(&path).await else {
                continue;
            };
            if is_whole(&bytes) || unchanged_for(&path, STALE_AFTER).await {
                files.push((name, bytes));
            }
        }
        Ok(files)
    }

    pub fn timing(&self) -> Timing {
        self.timing
    }
}

/// How long a face file that is no whole document may stay unchanged before it is taken in anyway.
const STALE_AFTER: Duration = Duration::from_secs(10);

/// Whether the bytes are a whole XML document (a file still being written is not).
fn is_whole(bytes: &[u8]) -> bool {
    onshi_core::wire::xml::parse(bytes, onshi_core::wire::BULK_LIMIT).is_ok()
}

/// Whether the file was last changed at least `age` ago.
async fn unchanged_for(path: &Path, age: Duration) -> bool {
    tokio::fs::metadata(path)
        .await
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|elapsed| elapsed >= age)
}

/// Whether `dir` holds a file named `stem` with any extension.
async fn exists_with_stem(dir: &Path, stem: &str) -> io::Result<bool> {
    let mut entries = tokio::fs::read_dir(dir).await?;
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name
            .strip_prefix(stem)
            .is_some_and(|rest| rest.starts_with('.'))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// An error file's text: UTF-8 when it is, otherwise Shift_JIS as the terminal writes.
fn error_text(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => SHIFT_JIS.decode(bytes).0.into_owned(),
    };
    text.trim().to_owned()
}
