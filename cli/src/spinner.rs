//! A spinner on stderr while a call has produced nothing yet. It appears only on a terminal
//! and only after a second, so quick calls and pipes never see it.

use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a call may stay silent before the spinner shows.
const DELAY: Duration = Duration::from_secs(1);
/// Time between frames.
const FRAME: Duration = Duration::from_millis(100);
const FRAMES: [char; 4] = ['|', '/', '-', '\\'];

/// A running spinner; stopped by [`Spinner::stop`] or on drop.
#[derive(Debug)]
pub struct Spinner {
    running: Option<(Sender<()>, JoinHandle<()>)>,
}

impl Spinner {
    /// Starts a spinner labelled `label` (a no-op when stderr is not a terminal).
    pub fn start(label: &str) -> Self {
        if !std::io::stderr().is_terminal() {
            return Spinner { running: None };
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let label = label.to_owned();
        let thread = std::thread::spawn(move || {
            match stopped.recv_timeout(DELAY) {
                Err(RecvTimeoutError::Timeout) => {}
                _ => return,
            }
            let mut stderr = std::io::stderr();
            for frame in FRAMES.iter().cycle() {
                // Failing to draw a spinner is not worth reporting.
                let _ = write!(stderr, "\r{frame} {label}");
                let _ = stderr.flush();
                match stopped.recv_timeout(FRAME) {
                    Err(RecvTimeoutError::Timeout) => continue,
                    _ => break,
                }
            }
            let _ = write!(stderr, "\r\x1b[2K");
            let _ = stderr.flush();
        });
        Spinner {
            running: Some((stop, thread)),
        }
    }

    /// Stops the spinner and clears its line (idempotent).
    pub fn stop(&mut self) {
        if let Some((stop, thread)) = self.running.take() {
            // The thread may have ended already; either way it is told to stop.
            let _ = stop.send(());
            drop(thread.join());
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop();
    }
}
