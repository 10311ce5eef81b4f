//! Opening an endpoint from the command line's choices: training or the national side's files, a
//! store in memory or in a SQLite file, and a real database's first run.

use std::{path::PathBuf, time::Duration};

use chrono::TimeDelta;

use onshi_core::{
    canned,
    dispatch::{Config, Dispatcher},
    password::HashCost,
    setup,
    store::{Change, MemoryStore, Store, StoreError},
};

use crate::{
    bridge::{Bridge, BridgeError, Timing},
    endpoint::{Endpoint, OsRandom},
    sqlite::SqliteStore,
};

/// What the endpoint serves.
#[derive(Clone, Debug)]
pub enum Mode {
    /// Training data, the simulated national side and the training group (decisions.md D3).
    Training,
    /// Real data, answered through the national system's file interface at this share.
    Bridge {
        share: PathBuf,
        timing: Timing,
        /// How long the national side's answer is waited for (then 504, and an untaken request
        /// file is withdrawn).
        national_timeout: Duration,
        /// How long the files this endpoint exchanged stay in the share, and how long an answer to
        /// a taken request is still waited for.
        retention: Duration,
    },
}

impl Mode {
    /// The folder bridge at `share` with the standard timing: a 60-second national timeout and a
    /// day's retention.
    pub fn bridge(share: PathBuf) -> Mode {
        Mode::Bridge {
            share,
            timing: Timing::default(),
            national_timeout: Duration::from_secs(60),
            retention: Duration::from_secs(24 * 60 * 60),
        }
    }
}

/// The choices that make an endpoint.
#[derive(Clone, Debug)]
pub struct Options {
    pub mode: Mode,
    /// The SQLite file; `None` keeps a training endpoint's data in memory.
    pub database: Option<PathBuf>,
    /// A real database's institution, needed on its first run only.
    pub institution: Option<(String, String)>,
    pub password_cost: HashCost,
    /// The deliberately broken dispatcher of decisions.md D7 (test builds only).
    #[cfg(feature = "conformance-broken")]
    pub broken: bool,
}

impl Options {
    /// The choices for `mode` with everything else at its default: data in memory, no first-run
    /// institution, the standard password cost.
    pub fn new(mode: Mode) -> Options {
        Options {
            mode,
            database: None,
            institution: None,
            password_cost: HashCost::STANDARD,
            #[cfg(feature = "conformance-broken")]
            broken: false,
        }
    }
}

/// An opened endpoint, and the master account's initial password when this was a first run (to be
/// shown to whoever set it up, once).
pub struct Opened {
    pub endpoint: Endpoint,
    pub master_password: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("a real endpoint keeps its data: give --database FILE")]
    NoDatabase,
    #[error("{database} is new: give --institution-code and --institution-name for its first run")]
    NoInstitution { database: PathBuf },
    #[error("{database} holds training data; real data must stay apart from it")]
    TrainingDatabase { database: PathBuf },
    #[error("{database} holds real data; training must not touch it")]
    RealDatabase { database: PathBuf },
    #[error("the store failed: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Bridge(#[from] BridgeError),
    #[error(transparent)]
    Setup(#[from] setup::SetupError),
    #[error("{what} of {value:?} is out of range")]
    OutOfRange { what: &'static str, value: Duration },
}

pub fn open(options: Options) -> Result<Opened, StartError> {
    let mut store: Box<dyn Store + Send> = match &options.database {
        Some(path) => Box::new(SqliteStore::open(path)?),
        None => Box::new(MemoryStore::new()),
    };
    let institution = institution_of(store.as_mut())?;
    let holds_training = institution.as_ref().is_some_and(|(code, name)| {
        code == canned::INSTITUTION_CODE && name == canned::INSTITUTION_NAME
    });
    let database = options.database.clone().unwrap_or_default();
    let mut master_password = None;
    let dispatcher = match &options.mode {
        Mode::Training => {
            if institution.is_some() && !holds_training {
                return Err(StartError::RealDatabase { database });
            }
            if institution.is_none() {
                apply(store.as_mut(), canned::training_changes())?;
            }
            Dispatcher::new(Config {
                password_cost: options.password_cost,
                #[cfg(feature = "conformance-broken")]
                broken: options.broken,
                ..Config::training()
            })
        }
        Mode::Bridge {
            national_timeout,
            retention,
            ..
        } => {
            if options.database.is_none() {
                return Err(StartError::NoDatabase);
            }
            if holds_training {
                return Err(StartError::TrainingDatabase { database });
            }
            if institution.is_none() {
                let Some((code, name)) = &options.institution else {
                    return Err(StartError::NoInstitution { database });
                };
                let run = setup::first_run(code, name, options.password_cost, &mut OsRandom)?;
                apply(store.as_mut(), run.changes)?;
                master_password = Some(run.master_password);
            }
            Dispatcher::new(Config {
                password_cost: options.password_cost,
                national_timeout: delta("the national timeout", *national_timeout)?,
                share_retention: delta("the share's retention", *retention)?,
                #[cfg(feature = "conformance-broken")]
                broken: options.broken,
                ..Config::standard()
            })
            .with_files()
        }
    };
    let mut endpoint = Endpoint::new(dispatcher, store)?;
    if let Mode::Bridge { share, timing, .. } = options.mode {
        endpoint = endpoint.with_bridge(Bridge::open(&share, timing, &kept_beside(&database))?);
    }
    Ok(Opened {
        endpoint,
        master_password,
    })
}

/// A duration as the dispatcher's time delta.
fn delta(what: &'static str, value: Duration) -> Result<TimeDelta, StartError> {
    TimeDelta::from_std(value)
        .ok()
        .filter(|d| *d > TimeDelta::zero())
        .ok_or(StartError::OutOfRange { what, value })
}

/// The folder beside the database where copies of face files that cannot be read are kept:
/// `clinic.db` → `clinic.unreadable-face/`.
pub fn kept_beside(database: &std::path::Path) -> PathBuf {
    let stem = database
        .file_stem()
        .map_or_else(|| "onshi".into(), |s| s.to_string_lossy().into_owned());
    database.with_file_name(format!("{stem}.unreadable-face"))
}

fn institution_of(store: &mut dyn Store) -> Result<Option<(String, String)>, StoreError> {
    let mut found = None;
    store.transaction(&mut |read| {
        found = read.institution()?.map(|i| (i.code, i.name));
        Ok(Vec::new())
    })?;
    Ok(found)
}

fn apply(store: &mut dyn Store, changes: Vec<Change>) -> Result<(), StoreError> {
    let mut pending = Some(changes);
    store.transaction(&mut |_| Ok(pending.take().unwrap_or_default()))
}
