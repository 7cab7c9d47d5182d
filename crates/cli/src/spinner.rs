//! A spinner on standard error while waiting for the chain, so a pause reads as progress.
//!
//! Only drawn when standard error is a terminal and the output is for people; scripts and logs
//! never see the control characters.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// A running spinner; cleared when dropped.
pub(crate) struct Spinner {
    running: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
}

impl Spinner {
    /// Starts spinning beside `message`, if `enabled` and standard error is a terminal.
    pub(crate) fn start(message: String, enabled: bool) -> Self {
        if !enabled || !std::io::stderr().is_terminal() {
            return Self { running: None };
        }
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut frame = 0usize;
            while !flag.load(Ordering::Relaxed) {
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r{} {message}", FRAMES[frame % FRAMES.len()]);
                let _ = err.flush();
                drop(err);
                frame = frame.wrapping_add(1);
                std::thread::sleep(Duration::from_millis(80));
            }
            // Erase the line so the result starts at the left margin.
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
        });
        Self {
            running: Some((stop, thread)),
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        if let Some((stop, thread)) = self.running.take() {
            stop.store(true, Ordering::Relaxed);
            let _ = thread.join();
        }
    }
}
