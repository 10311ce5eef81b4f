//! Helpers for the card protocol tests: hex literals, a one-poll executor for the virtual pipes, a
//! tiny APDU card, and a scripted pipe that checks a driver's bytes against ones written by hand.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use onshi_core::card::reader::{PipeError, UsbPipe};
use onshi_core::card::virtual_card::Iso7816Card;

/// Bytes from hex written with spaces, as the research writes them.
pub fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    assert!(
        digits.len().is_multiple_of(2),
        "odd number of hex digits in {text:?}"
    );
    digits
        .chunks(2)
        .map(|pair| {
            let pair = std::str::from_utf8(pair).expect("hex digits are ASCII");
            u8::from_str_radix(pair, 16).expect("hex digits")
        })
        .collect()
}

/// Runs a future that never waits: the virtual pipes answer at once, so one poll finishes it.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("a virtual pipe made the driver wait"),
    }
}

/// What the test card saw, shared with the test after the card is boxed into a reader.
#[derive(Default)]
pub struct CardLog {
    pub commands: Vec<Vec<u8>>,
    pub power_offs: usize,
}

/// A tiny APDU card: SELECT (`A4`) answers `90 00`; READ BINARY (`B0`) answers Le bytes (`00` =
/// 256) counting up from P2, then `90 00`; the private `EC` echoes its data then `90 00`; anything
/// else is `6D 00`.
pub struct TestCard {
    pub log: Rc<RefCell<CardLog>>,
}

impl TestCard {
    pub fn boxed() -> (Box<dyn Iso7816Card>, Rc<RefCell<CardLog>>) {
        let log = Rc::new(RefCell::new(CardLog::default()));
        (Box::new(TestCard { log: log.clone() }), log)
    }
}

impl Iso7816Card for TestCard {
    fn process(&mut self, command: &[u8]) -> Vec<u8> {
        self.log.borrow_mut().commands.push(command.to_vec());
        match command {
            [_, 0xA4, ..] => vec![0x90, 0x00],
            [_, 0xB0, _, p2, le] => {
                let len = if *le == 0 { 256 } else { usize::from(*le) };
                let mut out: Vec<u8> = (0..len).map(|i| p2.wrapping_add(i as u8)).collect();
                out.extend_from_slice(&[0x90, 0x00]);
                out
            }
            [_, 0xEC, _, _, lc, data @ ..] if data.len() >= usize::from(*lc) => {
                let mut out = data[..usize::from(*lc)].to_vec();
                out.extend_from_slice(&[0x90, 0x00]);
                out
            }
            _ => vec![0x6D, 0x00],
        }
    }

    fn power_off(&mut self) {
        self.log.borrow_mut().power_offs += 1;
    }
}

/// One step of a scripted conversation.
pub enum Io {
    /// The driver must send exactly these bytes.
    Out(Vec<u8>),
    /// The driver's next read gets these bytes.
    In(Vec<u8>),
    /// The driver's next read times out.
    Silence,
}

/// A pipe that plays a script written from the research, failing the test on the first byte the
/// driver sends that the script did not expect. Clones share the script, so a test keeps one to
/// check that the driver went through all of it.
#[derive(Clone)]
pub struct ScriptPipe {
    script: Rc<RefCell<VecDeque<Io>>>,
}

impl ScriptPipe {
    pub fn new(script: Vec<Io>) -> ScriptPipe {
        ScriptPipe {
            script: Rc::new(RefCell::new(script.into())),
        }
    }

    /// Whether the driver went through the whole script.
    pub fn finished(&self) -> bool {
        self.script.borrow().is_empty()
    }

    fn next(&self) -> Option<Io> {
        self.script.borrow_mut().pop_front()
    }
}

impl UsbPipe for ScriptPipe {
    async fn send(&mut self, bytes: &[u8]) -> Result<(), PipeError> {
        match self.next() {
            Some(Io::Out(expected)) => {
                assert_eq!(
                    bytes,
                    &expected[..],
                    "the driver sent {bytes:02X?}, the script expects {expected:02X?}"
                );
                Ok(())
            }
            _ => panic!("the driver sent {bytes:02X?} where the script expects a read"),
        }
    }

    async fn receive(&mut self, _max_len: usize, timeout_ms: u32) -> Result<Vec<u8>, PipeError> {
        match self.next() {
            Some(Io::In(bytes)) => Ok(bytes),
            Some(Io::Silence) => Err(PipeError::Timeout(timeout_ms)),
            Some(Io::Out(expected)) => {
                panic!("the driver read where the script expects it to send {expected:02X?}")
            }
            None => panic!("the driver read past the end of the script"),
        }
    }
}
