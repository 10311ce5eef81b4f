//! What keeps sign-in from being a way to stall the endpoint (decisions.md D3): the password checks
//! run on a small pool of their own, outside the store's lock, with a bounded queue; and each
//! client's failed sign-ins are counted per minute, so that one client cannot try passwords (or
//! invent user IDs) faster than staff could type them.
//!
//! A password check is Argon2id at the standard cost: tens of milliseconds of one core and about
//! 19 MiB of memory, on purpose. Run inside the store's lock, a flood of wrong guesses held every
//! signed-in terminal's requests behind it; run on a thread each, it took gigabytes. Here at most
//! [`VERIFIERS`] checks run at once, on threads that live as long as the endpoint, each keeping one
//! working memory for all its checks, at the lowest CPU priority; at most [`VERIFY_QUEUE`] wait, and
//! beyond that a sign-in is answered 503 `sign_in_busy` with `Retry-After`, after a pause.

use onshi_core::contract::header;
use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, PoisonError},
};

use onshi_core::{
    contract::{Problem, ProblemCode, Response},
    dispatch::{PasswordCheck, VerifiedPassword},
    password,
    time::Timestamp,
};
use tokio::sync::{mpsc, oneshot};

/// How many password checks run at once: the machine's two cores stay shared with the requests of
/// signed-in terminals.
pub const VERIFIERS: usize = 2;
/// How many password checks may wait for a verifier. A sign-in waits at most this many checks'
/// time (well under a second) before its own.
pub const VERIFY_QUEUE: usize = 16;
/// Failed sign-ins one client may have in a minute before it is refused for the rest of it: more
/// than a person mistyping at a reception desk (five wrong passwords lock an ID), far fewer than a
/// guessing program.
pub const FAILURES_PER_MINUTE: u32 = 30;
/// How many clients' counts are kept within a minute; beyond it, new clients share one count, so
/// that a flood from many addresses cannot grow the table either.
const CLIENTS_KEPT: usize = 4096;

/// A job and where its outcome goes.
struct Job<J, R> {
    input: J,
    outcome: oneshot::Sender<R>,
}

/// A few threads of their own that run one kind of slow job, with a bounded queue in front.
pub struct Pool<J, R> {
    jobs: mpsc::Sender<Job<J, R>>,
}

/// A pool's work: a job done with the state its thread keeps.
pub type Work<S, J, R> = Arc<dyn Fn(&mut S, J) -> R + Send + Sync>;

/// The password checks' pool.
pub type Verifier = Pool<PasswordCheck, VerifiedPassword>;

/// Starts [`VERIFIERS`] threads that check passwords, with [`VERIFY_QUEUE`] places to wait. Each
/// keeps its Argon2 working memory from check to check, and runs at the lowest CPU priority: a flood
/// of guesses gets only what signed-in terminals leave of the processor.
pub fn verifier() -> Verifier {
    Pool::start(
        VERIFIERS,
        VERIFY_QUEUE,
        Arc::new(|verifier: &mut password::Verifier, check: PasswordCheck| {
            check.verify_with(verifier)
        }),
    )
}

/// Lowers the calling thread's CPU priority to the least (nice 19). On Linux a thread has a
/// priority of its own; elsewhere this would lower the whole process, so it is left alone there.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19) {
        eprintln!("onshi-server: cannot lower a password verifier's priority: {e}");
    }
}

impl<J: Send + 'static, R: Send + 'static> Pool<J, R> {
    /// Starts `threads` threads that run `work` on a state of their own until the pool is dropped,
    /// with `queue` places for jobs waiting for one.
    pub fn start<S: Default + 'static>(threads: usize, queue: usize, work: Work<S, J, R>) -> Self {
        let (jobs, waiting) = mpsc::channel::<Job<J, R>>(queue);
        let waiting = Arc::new(Mutex::new(waiting));
        for n in 0..threads {
            let waiting = Arc::clone(&waiting);
            let work = Arc::clone(&work);
            let spawned = std::thread::Builder::new()
                .name(format!("onshi-verify-{n}"))
                .spawn(move || {
                    lowest_priority();
                    let mut state = S::default();
                    loop {
                        // One thread waits on the queue at a time; the others are working or
                        // waiting for their turn to wait.
                        let job = waiting
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .blocking_recv();
                        let Some(job) = job else { break };
                        // A sign-in whose client went away no longer wants the outcome.
                        let _ = job.outcome.send(work(&mut state, job.input));
                    }
                });
            if let Err(e) = spawned {
                // Fewer threads only make the jobs slower; with none, every job is answered busy
                // rather than never.
                eprintln!("onshi-server: cannot start a password verifier: {e}");
            }
        }
        Pool { jobs }
    }

    /// Runs a job on the pool: `None` at once when the queue is full (answer 503), or when the pool
    /// has stopped.
    pub async fn run(&self, input: J) -> Option<R> {
        let (outcome, done) = oneshot::channel();
        self.jobs.try_send(Job { input, outcome }).ok()?;
        done.await.ok()
    }

    /// How many more jobs the queue takes now.
    pub fn places_left(&self) -> usize {
        self.jobs.capacity()
    }
}

/// How long a refused sign-in (busy, or too many failures) waits before it is answered. A refusal
/// costs the endpoint next to nothing, but a client that sends again the moment it is refused turns
/// refusals into a flood of their own, which took the processor from signed-in terminals (the flood
/// benchmark). Held for a second, each flooding connection sends one request a second, and a person
/// signing in waits no longer than `Retry-After` would have them wait anyway.
pub const REFUSAL_PAUSE: std::time::Duration = std::time::Duration::from_secs(1);

/// A refusal, answered after [`REFUSAL_PAUSE`] (a timer: no thread or processor is held meanwhile).
pub async fn after_a_pause(refusal: Response) -> Response {
    tokio::time::sleep(REFUSAL_PAUSE).await;
    refusal
}

/// 503 `sign_in_busy`: the password checks' queue is full.
pub fn busy() -> Response {
    let mut response = Problem::new(ProblemCode::SignInBusy).into_response();
    response.headers.set(header::RETRY_AFTER, "1");
    response
}

/// Failed sign-ins per client within the current minute.
#[derive(Default)]
pub struct Throttle {
    counts: Mutex<Counts>,
    /// The per-minute limit; `None` counts nothing (a benchmark measuring the pool alone).
    limit: Option<u32>,
}

#[derive(Default)]
struct Counts {
    /// The minute (milliseconds since the epoch / 60,000) the counts are for.
    minute: i64,
    by_client: HashMap<Client, u32>,
}

/// Whom a count is for: a client's address, or every client past [`CLIENTS_KEPT`] (and requests
/// that came without an address, in tests that call the router directly).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Client {
    Address(IpAddr),
    Others,
}

impl Throttle {
    pub fn new(limit: Option<u32>) -> Throttle {
        Throttle {
            counts: Mutex::default(),
            limit,
        }
    }

    /// 429 `too_many_sign_ins` with `Retry-After` (the seconds left in the minute) when `client` has
    /// used up its failures for this minute.
    pub fn refusal(&self, client: Option<IpAddr>, now: Timestamp) -> Option<Response> {
        let limit = self.limit?;
        let counts = self.counts(now);
        let client = counts.client(client);
        if counts.by_client.get(&client).copied().unwrap_or(0) < limit {
            return None;
        }
        let left_ms = 60_000 - now.millis().rem_euclid(60_000);
        let mut response = Problem::new(ProblemCode::TooManySignIns).into_response();
        response
            .headers
            .set(header::RETRY_AFTER, (left_ms / 1000 + 1).to_string());
        Some(response)
    }

    /// Counts one failed sign-in of `client`.
    pub fn failed(&self, client: Option<IpAddr>, now: Timestamp) {
        if self.limit.is_none() {
            return;
        }
        let mut counts = self.counts(now);
        let client = counts.client(client);
        *counts.by_client.entry(client).or_insert(0) += 1;
    }

    /// The counts, emptied when a new minute has begun: a minute's counts are all there is to keep.
    fn counts(&self, now: Timestamp) -> std::sync::MutexGuard<'_, Counts> {
        let mut counts = self.counts.lock().unwrap_or_else(PoisonError::into_inner);
        let minute = now.millis().div_euclid(60_000);
        if counts.minute != minute {
            counts.minute = minute;
            counts.by_client.clear();
        }
        counts
    }

    /// How many clients have a count this minute (for tests of the bound).
    pub fn clients(&self, now: Timestamp) -> usize {
        self.counts(now).by_client.len()
    }
}

impl Counts {
    fn client(&self, address: Option<IpAddr>) -> Client {
        match address {
            Some(address)
                if self.by_client.contains_key(&Client::Address(address))
                    || self.by_client.len() < CLIENTS_KEPT =>
            {
                Client::Address(address)
            }
            _ => Client::Others,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_pool_takes_its_threads_and_queue_and_refuses_the_next_at_once() {
        // Each job says it started and then waits for the gate, so the pool fills up and stays full
        // until the test opens it.
        let (started, mut starts) = tokio::sync::mpsc::unbounded_channel::<u32>();
        let (open, gate) = std::sync::mpsc::channel::<()>();
        let gate = Mutex::new(gate);
        let pool: Arc<Pool<u32, u32>> = Arc::new(Pool::start(
            2,
            3,
            Arc::new(move |_: &mut (), n| {
                let _ = started.send(n);
                let _ = gate.lock().expect("gate").recv();
                n * 10
            }),
        ));
        let send = |n: u32| {
            let pool = Arc::clone(&pool);
            tokio::spawn(async move { pool.run(n).await })
        };
        let mut jobs = Vec::new();
        // Two jobs run, one on each thread.
        for n in 0..2 {
            jobs.push(send(n));
            assert!(starts.recv().await.is_some());
        }
        // Three wait in the queue.
        for n in 2..5 {
            jobs.push(send(n));
            let left = 3 - (n as usize - 1);
            while pool.places_left() != left {
                tokio::task::yield_now().await;
            }
        }
        assert_eq!(pool.run(99).await, None, "a sixth job is refused at once");
        for _ in 0..5 {
            open.send(()).expect("the gate is open");
        }
        let mut outcomes = Vec::new();
        for job in jobs {
            outcomes.push(job.await.expect("joined").expect("ran"));
        }
        outcomes.sort_unstable();
        assert_eq!(outcomes, [0, 10, 20, 30, 40]);
    }

    fn at(millis: i64) -> Timestamp {
        Timestamp::from_millis(millis)
    }

    #[test]
    fn a_client_is_refused_after_its_minutes_failures_and_again_welcome_the_next_minute() {
        let throttle = Throttle::new(Some(3));
        let client = Some(IpAddr::from([192, 168, 1, 20]));
        let other = Some(IpAddr::from([192, 168, 1, 21]));
        for _ in 0..3 {
            assert!(throttle.refusal(client, at(60_000)).is_none());
            throttle.failed(client, at(60_000));
        }
        let refused = throttle.refusal(client, at(90_000)).expect("refused");
        assert_eq!(refused.status, 429);
        assert_eq!(refused.headers.get("Retry-After"), Some("31"));
        // Another terminal is not held back by this one's failures.
        assert!(throttle.refusal(other, at(90_000)).is_none());
        // A new minute starts every count again.
        assert!(throttle.refusal(client, at(120_000)).is_none());
        assert_eq!(throttle.clients(at(120_000)), 0);
    }

    #[test]
    fn the_table_stays_bounded_however_many_addresses_fail() {
        let throttle = Throttle::new(Some(1));
        for n in 0..(CLIENTS_KEPT as u32 + 500) {
            throttle.failed(Some(IpAddr::from(n.to_be_bytes())), at(0));
        }
        assert_eq!(throttle.clients(at(0)), CLIENTS_KEPT + 1);
        // Addresses past the bound share one count, which is used up.
        assert!(
            throttle
                .refusal(Some(IpAddr::from([10, 9, 9, 9])), at(0))
                .is_some()
        );
    }
}
