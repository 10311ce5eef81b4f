//! The folder bridge: the national system's file interface on a 資格確認端末 share (decisions.md D3,
//! docs/interface.md §1). This module only moves bytes; what they mean, what answers what
//! and when an exchange ends is decided by the core (`onshi_core::exchange`, the dispatcher's
//! exchanges) and driven by the endpoint.
//!
//! - A request file appears whole and is never overwritten: it is written under a hidden name of its
//!   exchange's own (`.onshi-exchange-<id>.writing`, without `.xml`), then published under its
//!   official name by `renameat2(RENAME_NOREPLACE)`, which fails rather than replace a file of that
//!   name; where the share cannot do that, by a hard link (which fails the same way), and where it
//!   cannot link either, the official name is created exclusively and written in place. Just before
//!   it is published, an empty marker `.onshi-exchange-<id>.publishing` is made; both markers stay
//!   until the store knows the file was published. After a crash they tell a request file that may
//!   have been published — and taken by the national side since — from one that never was (see
//!   [`Bridge::may_be_published`]). A name that another writer of the share (the レセコン) has used
//!   for a request or an answer is not taken.
//! - An answer is read only once two reads a moment apart agree, and at most a limit of bytes.
//! - Files this endpoint did not write are never moved or deleted: face results are read in place,
//!   and one that cannot be read is copied aside. Only the request files it wrote and the answers to
//!   them are removed, after the share's retention (or a request file at once, when it is
//!   withdrawn unanswered).

use std::{
    collections::{BTreeMap, HashSet},
    io,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use encoding_rs::SHIFT_JIS;
use onshi_core::exchange;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// How the bridge looks at the share.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    /// How often the folders are looked at.
    pub poll: Duration,
    /// The gap between the two reads that must agree.
    pub settle: Duration,
    /// How often the files of exchanges past the share's retention are looked for.
    pub clean_every: Duration,
}

impl Default for Timing {
    fn default() -> Timing {
        Timing {
            poll: Duration::from_millis(200),
            settle: Duration::from_millis(150),
            clean_every: Duration::from_secs(60),
        }
    }
}

/// How a request file is made to appear under its official name, the best way the share allows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Publish {
    /// `renameat2(RENAME_NOREPLACE)` of the finished file: atomic, it fails if the name exists, and
    /// the file's hidden name is gone exactly when it was published (Linux on local file systems).
    Rename,
    /// A hard link from the finished file: atomic, and it fails if the name exists.
    Link,
    /// The official name created exclusively and written in place, where the share can do neither.
    CreateNew,
}

/// The share's three folders, and the folder beside the database that keeps copies of face files
/// that could not be read.
#[derive(Clone, Debug)]
pub struct Bridge {
    root: PathBuf,
    timing: Timing,
    publish: Publish,
    kept: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error("{path} is not a folder with req, res and face in it")]
    NotAShare { path: PathBuf },
    #[error("cannot try writing into {path}: {source}")]
    Probe { path: PathBuf, source: io::Error },
}

/// Why a request file was not written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// Another writer of the share has used the name (for a request or an answer).
    #[error("the name {name} is used in the share")]
    Taken { name: String },
    #[error("writing {path}: {source}")]
    Io { path: PathBuf, source: io::Error },
}

/// What the answer folder holds for a request, read whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// `.err`: the national side's error, with its text.
    Error(String),
    /// `.pdf`.
    Pdf(Vec<u8>),
    /// `.xml`, as read (perhaps not yet whole; see [`is_whole`]).
    Xml(Vec<u8>),
}

/// What became of a request file when it was taken back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withdrawal {
    /// It was still in `req/` and is removed: the national side never took it.
    Removed,
    /// It was no longer there: the national side had taken it.
    Gone,
}

/// Numbers the probe files of this process, so that no two probes share one.
static PROBES: AtomicU64 = AtomicU64::new(0);

impl Bridge {
    /// The share at `root`, which must hold `req`, `res` and `face`; `kept` is where copies of face
    /// files that cannot be read go (a folder beside the database). Whether the share can link is
    /// tried once, with hidden files of its own.
    pub fn open(root: &Path, timing: Timing, kept: &Path) -> Result<Bridge, BridgeError> {
        let complete = ["req", "res", "face"].iter().all(|d| root.join(d).is_dir());
        if !complete {
            return Err(BridgeError::NotAShare {
                path: root.to_owned(),
            });
        }
        let publish = probe_publish(&root.join("req")).map_err(|source| BridgeError::Probe {
            path: root.join("req"),
            source,
        })?;
        Ok(Bridge {
            root: root.to_owned(),
            timing,
            publish,
            kept: kept.to_owned(),
        })
    }

    /// The same bridge publishing request files another way (for tests of both ways).
    pub fn publishing(mut self, publish: Publish) -> Bridge {
        self.publish = publish;
        self
    }

    pub fn publish(&self) -> Publish {
        self.publish
    }

    pub fn timing(&self) -> Timing {
        self.timing
    }

    /// Where the XML answer to request file `name` is (or will be).
    pub fn answer_xml(&self, name: &str) -> PathBuf {
        self.root
            .join("res")
            .join(format!("{}.xml", exchange::answer_name(name)))
    }

    fn request_path(&self, name: &str) -> PathBuf {
        self.root.join("req").join(format!("{name}.xml"))
    }

    fn answer_paths(&self, name: &str) -> [(PathBuf, &'static str); 3] {
        let answer = exchange::answer_name(name);
        let res = self.root.join("res");
        [
            (res.join(format!("{answer}.err")), "err"),
            (res.join(format!("{answer}.xml")), "xml"),
            (res.join(format!("{answer}.pdf")), "pdf"),
        ]
    }

    /// Writes request file `name` (without `.xml`) of exchange `id` exclusively (see the module
    /// comment), leaving the markers that tell a restart whether it may have been published until the
    /// store knows ([`Bridge::forget_marker`]).
    pub async fn write_request(&self, id: u64, name: &str, bytes: &[u8]) -> Result<(), WriteError> {
        let target = self.request_path(name);
        let io_error = |path: &Path| {
            let path = path.to_owned();
            move |source| WriteError::Io { path, source }
        };
        let mut used = tokio::fs::try_exists(&target)
            .await
            .map_err(io_error(&target))?;
        for (path, _) in self.answer_paths(name) {
            used |= tokio::fs::try_exists(&path)
                .await
                .map_err(io_error(&path))?;
        }
        if used {
            return Err(WriteError::Taken {
                name: name.to_owned(),
            });
        }
        let writing = self.marker_path(id, "writing");
        let publishing = self.marker_path(id, "publishing");
        // Markers left by an attempt that stopped half-way are this exchange's own.
        for marker in [&writing, &publishing] {
            remove_if_there(marker).await.map_err(io_error(marker))?;
        }
        let published = match self.publish {
            Publish::Rename | Publish::Link => {
                write_new(&writing, bytes)
                    .await
                    .map_err(io_error(&writing))?;
                write_new(&publishing, b"")
                    .await
                    .map_err(io_error(&publishing))?;
                if self.publish == Publish::Rename {
                    rename_no_replace(&writing, &target).await
                } else {
                    let linked = tokio::fs::hard_link(&writing, &target).await;
                    if linked.is_ok() {
                        // Published; the file's other name is no longer needed.
                        let _ = tokio::fs::remove_file(&writing).await;
                    }
                    linked
                }
            }
            Publish::CreateNew => {
                write_new(&publishing, b"")
                    .await
                    .map_err(io_error(&publishing))?;
                match write_new(&target, bytes).await {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => {
                        // A file half written under the official name must not be taken for a
                        // request.
                        let _ = tokio::fs::remove_file(&target).await;
                        Err(e)
                    }
                    other => other,
                }
            }
        };
        match published {
            Ok(()) => Ok(()),
            Err(e) => {
                self.forget_marker(id).await;
                if e.kind() == io::ErrorKind::AlreadyExists {
                    Err(WriteError::Taken {
                        name: name.to_owned(),
                    })
                } else {
                    Err(WriteError::Io {
                        path: target,
                        source: e,
                    })
                }
            }
        }
    }

    fn marker_path(&self, id: u64, stage: &str) -> PathBuf {
        self.root
            .join("req")
            .join(format!(".onshi-exchange-{id}.{stage}"))
    }

    /// Whether exchange `id`'s request file may have been published, by its markers: an exchange a
    /// run stopped while writing. `.publishing` is made just before the file is published, so
    /// without it nothing was. Published by rename, the file's `.writing` name is gone exactly when
    /// it was published. Published by a link or in place, a file that is not in `req/` now may have
    /// been published and taken, or never published: that cannot be told, so it counts as published
    /// — waiting for an answer that may not come is safe; sending the write twice is not.
    pub async fn may_be_published(&self, id: u64) -> io::Result<bool> {
        if !tokio::fs::try_exists(self.marker_path(id, "publishing")).await? {
            return Ok(false);
        }
        match self.publish {
            Publish::Rename => Ok(!tokio::fs::try_exists(self.marker_path(id, "writing")).await?),
            Publish::Link | Publish::CreateNew => Ok(true),
        }
    }

    /// Removes exchange `id`'s markers (the store knows what they said).
    pub async fn forget_marker(&self, id: u64) {
        for stage in ["writing", "publishing"] {
            let path = self.marker_path(id, stage);
            if let Err(e) = remove_if_there(&path).await {
                eprintln!("onshi-server: cannot remove {}: {e}", path.display());
            }
        }
    }

    /// What `res/` holds for request `name`, each file read once two reads agree, at most `limit`
    /// bytes and one more (so that a longer file shows as too large). The requests are looked at
    /// together, so that one settling pause serves them all.
    pub async fn answers(&self, names: &[String], limit: usize) -> BTreeMap<String, Found> {
        let mut candidates = Vec::new();
        for name in names {
            for (path, kind) in self.answer_paths(name) {
                if tokio::fs::try_exists(&path).await.unwrap_or(false) {
                    candidates.push((name.clone(), path, kind));
                    // An error file comes first: it is the answer when there is one.
                    break;
                }
            }
        }
        let paths: Vec<PathBuf> = candidates.iter().map(|(_, path, _)| path.clone()).collect();
        let settled = self.settled(&paths, limit).await;
        let mut found = BTreeMap::new();
        for ((name, _, kind), bytes) in candidates.into_iter().zip(settled) {
            let Some(bytes) = bytes else { continue };
            let answer = match kind {
                "err" => Found::Error(error_text(&bytes)),
                "pdf" => Found::Pdf(bytes),
                _ => Found::Xml(bytes),
            };
            found.insert(name, answer);
        }
        found
    }

    /// Takes request file `name` back from `req/`, if it is still there.
    pub async fn withdraw(&self, name: &str) -> io::Result<Withdrawal> {
        match tokio::fs::remove_file(self.request_path(name)).await {
            Ok(()) => Ok(Withdrawal::Removed),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Withdrawal::Gone),
            Err(e) => Err(e),
        }
    }

    /// Removes request file `name` and the answers to it, where they still are (the share's
    /// retention has passed).
    pub async fn clean(&self, name: &str) -> io::Result<()> {
        let mut paths = vec![self.request_path(name)];
        paths.extend(self.answer_paths(name).into_iter().map(|(path, _)| path));
        for path in paths {
            match tokio::fs::remove_file(&path).await {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The face-reader result files not yet in `seen`, by name, with their first bytes (at most
    /// `limit` and one more): each once two reads agree and it is a whole XML document, or, if it
    /// never becomes one, once it has not changed for a while (so that a broken file is taken in, as
    /// unreadable, rather than looked at forever).
    pub async fn new_face_files(
        &self,
        seen: &HashSet<String>,
        limit: usize,
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
        let paths: Vec<PathBuf> = names
            .iter()
            .map(|name| self.root.join("face").join(name))
            .collect();
        let settled = self.settled(&paths, limit).await;
        let mut files = Vec::new();
        for ((name, path), bytes) in names.into_iter().zip(paths).zip(settled) {
            let Some(bytes) = bytes else { continue };
            let final_form = is_final(&bytes)
                || bytes.len() > limit
                || exchange::looks_encrypted(&bytes)
                || unchanged_for(&path, STALE_AFTER).await;
            if final_form {
                files.push((name, bytes));
            }
        }
        Ok(files)
    }

    /// Copies a face file that could not be read into the folder beside the database (readable by
    /// the endpoint's user only: it holds a patient's data), leaving the original in place.
    pub async fn keep_unreadable(&self, name: &str) -> io::Result<PathBuf> {
        create_private_dir(&self.kept).await?;
        let copy = self.kept.join(name);
        tokio::fs::copy(self.root.join("face").join(name), &copy).await?;
        set_private(&copy, 0o600).await?;
        Ok(copy)
    }

    /// The name prefixes of `folder` (`face` or `res`) whose every file looks encrypted
    /// ([`exchange::looks_encrypted`]): the terminal encrypts them, or they are broken. At most
    /// [`SAMPLE`] files of a prefix are read, and of each only its first [`SAMPLE_BYTES`]: enough for
    /// the rule, which looks at how a file begins and whether it is text.
    pub async fn encrypted_prefixes(&self, folder: &str) -> io::Result<Vec<String>> {
        let mut verdicts: BTreeMap<String, (bool, usize)> = BTreeMap::new();
        let mut entries = tokio::fs::read_dir(self.root.join(folder)).await?;
        while let Some(entry) = entries.next_entry().await? {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || !entry.file_type().await?.is_file() {
                continue;
            }
            let prefix = exchange::prefix_of(&name).to_owned();
            if verdicts
                .get(&prefix)
                .is_some_and(|(_, read)| *read >= SAMPLE)
            {
                continue;
            }
            let mut bytes = read_limited(&entry.path(), SAMPLE_BYTES).await?;
            bytes.truncate(SAMPLE_BYTES);
            if bytes.is_empty() {
                continue;
            }
            let encrypted = exchange::looks_encrypted(&bytes);
            let verdict = verdicts.entry(prefix).or_insert((true, 0));
            verdict.0 &= encrypted;
            verdict.1 += 1;
        }
        Ok(verdicts
            .into_iter()
            .filter_map(|(prefix, (all, _))| all.then_some(prefix))
            .collect())
    }

    /// Each file's bytes once two reads `settle` apart agree (and it is not empty), or `None`; one
    /// pause for all of them.
    async fn settled(&self, paths: &[PathBuf], limit: usize) -> Vec<Option<Vec<u8>>> {
        if paths.is_empty() {
            return Vec::new();
        }
        let mut first = Vec::with_capacity(paths.len());
        for path in paths {
            first.push(read_limited(path, limit).await.ok());
        }
        tokio::time::sleep(self.timing.settle).await;
        let mut agreed = Vec::with_capacity(paths.len());
        for (path, first) in paths.iter().zip(first) {
            let second = match first {
                Some(first) if !first.is_empty() => read_limited(path, limit)
                    .await
                    .ok()
                    .filter(|second| *second == first),
                _ => None,
            };
            agreed.push(second);
        }
        agreed
    }
}

/// How many files of a prefix the encryption check reads, and how much of each.
const SAMPLE: usize = 20;
const SAMPLE_BYTES: usize = 4096;

/// How long a file that is no whole document may stay unchanged before it is taken in anyway.
const STALE_AFTER: Duration = Duration::from_secs(10);

/// Whether the bytes are as they will stay: a whole document, or one whose failure more bytes could
/// not mend ([`exchange::cut_short`]), such as text in another encoding than it declares.
pub fn is_final(bytes: &[u8]) -> bool {
    match onshi_core::wire::xml::parse(bytes, onshi_core::wire::BULK_LIMIT) {
        Ok(_) => true,
        Err(error) => !exchange::cut_short(bytes, &error),
    }
}

/// Whether the file was last changed at least `age` ago.
pub async fn unchanged_for(path: &Path, age: Duration) -> bool {
    tokio::fs::metadata(path)
        .await
        .and_then(|m| m.modified())
        .ok()
        .and_then(|modified| modified.elapsed().ok())
        .is_some_and(|elapsed| elapsed >= age)
}

/// At most `limit` bytes of a file and one more, so that a longer file shows as longer.
async fn read_limited(path: &Path, limit: usize) -> io::Result<Vec<u8>> {
    let file = tokio::fs::File::open(path).await?;
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut bytes).await?;
    Ok(bytes)
}

async fn remove_if_there(path: &Path) -> io::Result<()> {
    match tokio::fs::remove_file(path).await {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

/// Creates `path` with `bytes`, failing if it exists, and flushes it to the disk.
async fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .await?;
    file.write_all(bytes).await?;
    file.sync_all().await
}

/// How the folder can publish a file: tried with hidden files of this process, removed again.
fn probe_publish(folder: &Path) -> io::Result<Publish> {
    let probe = PROBES.fetch_add(1, Ordering::Relaxed);
    let source = folder.join(format!(".onshi-probe.{}.{probe}", std::process::id()));
    let moved = folder.join(format!(".onshi-probe.{}.{probe}.moved", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&source)?;
    let publish = if rename_no_replace_now(&source, &moved).is_ok() {
        std::fs::remove_file(&moved)?;
        return Ok(Publish::Rename);
    } else if std::fs::hard_link(&source, &moved).is_ok() {
        let _ = std::fs::remove_file(&moved);
        Publish::Link
    } else {
        Publish::CreateNew
    };
    std::fs::remove_file(&source)?;
    Ok(publish)
}

/// Renames `from` to `to` unless `to` exists (then `AlreadyExists`), in one step.
async fn rename_no_replace(from: &Path, to: &Path) -> io::Result<()> {
    let (from, to) = (from.to_owned(), to.to_owned());
    tokio::task::spawn_blocking(move || rename_no_replace_now(&from, &to))
        .await
        .map_err(io::Error::other)?
}

#[cfg(target_os = "linux")]
fn rename_no_replace_now(from: &Path, to: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE).map_err(io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn rename_no_replace_now(_from: &Path, _to: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

async fn create_private_dir(path: &Path) -> io::Result<()> {
    tokio::fs::create_dir_all(path).await?;
    set_private(path, 0o700).await
}

#[cfg(unix)]
async fn set_private(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    tokio::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).await
}

#[cfg(not(unix))]
async fn set_private(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// An error file's text: UTF-8 when it is, otherwise Shift_JIS as the terminal writes.
fn error_text(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => SHIFT_JIS.decode(bytes).0.into_owned(),
    };
    text.trim().to_owned()
}
