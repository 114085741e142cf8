//! The one background worker that processes submitted batches in order, on its own thread
//! (never a tokio worker). Stopping lets the batch in progress finish; a batch interrupted by
//! a crash is queued again when the library next opens.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::metrics::Metrics;
use crate::engine::Library;
use crate::progress::Silent;

/// The batch worker.
pub struct BatchWorker {
    wake: Arc<(Mutex<bool>, Condvar)>,
    stop: Arc<AtomicBool>,
    handle: Mutex<Option<JoinHandle<()>>>,
}

impl BatchWorker {
    /// Starts the worker thread.
    pub fn start(library: Arc<Library>, metrics: Arc<Metrics>) -> Arc<BatchWorker> {
        let wake = Arc::new((Mutex::new(true), Condvar::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handle = {
            let (wake, stop) = (wake.clone(), stop.clone());
            std::thread::Builder::new()
                .name("batch-worker".into())
                .spawn(move || run(&library, &metrics, &wake, &stop))
                .ok()
        };
        if handle.is_none() {
            tracing::error!("could not start the batch worker thread");
        }
        Arc::new(BatchWorker {
            wake,
            stop,
            handle: Mutex::new(handle),
        })
    }

    /// Tells the worker a batch is waiting.
    pub fn notify(&self) {
        let (flag, condvar) = &*self.wake;
        if let Ok(mut pending) = flag.lock() {
            *pending = true;
            condvar.notify_one();
        }
    }

    /// Whether the worker thread is running.
    pub fn is_alive(&self) -> bool {
        self.handle
            .lock()
            .is_ok_and(|h| h.as_ref().is_some_and(|h| !h.is_finished()))
    }

    /// Finishes the batch in progress and stops.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        self.notify();
        if let Ok(mut handle) = self.handle.lock()
            && let Some(handle) = handle.take()
            && handle.join().is_err()
        {
            tracing::error!("the batch worker panicked");
        }
    }
}

fn run(library: &Library, metrics: &Metrics, wake: &(Mutex<bool>, Condvar), stop: &AtomicBool) {
    let (flag, condvar) = wake;
    while !stop.load(Ordering::SeqCst) {
        // Processing catches its own panics (`Library::submit`); this keeps the worker alive
        // through one anywhere else, so the queue never stops for every institution.
        let next = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            library.process_next(&Silent)
        }))
        .unwrap_or_else(|_| {
            Err(crate::Error::Corrupt(
                "taking the next batch from the queue panicked".into(),
            ))
        });
        match next {
            Ok(Some((id, outcome))) => match outcome {
                Ok(o) => {
                    tracing::info!(
                        batch = id,
                        rows = o.batch.report.rows_accepted,
                        "batch accepted"
                    );
                    metrics.batch(
                        true,
                        o.batch.report.rows_accepted,
                        o.batch.report.rows_rejected,
                        o.scoring_seconds,
                    );
                }
                Err(e) => {
                    tracing::warn!(batch = id, error = %e, "batch rejected");
                    metrics.batch(false, 0, 0, 0.0);
                }
            },
            Ok(None) => {
                let Ok(mut pending) = flag.lock() else { return };
                if !*pending && !stop.load(Ordering::SeqCst) {
                    pending = match condvar.wait_timeout(pending, Duration::from_secs(2)) {
                        Ok((guard, _)) => guard,
                        Err(_) => return,
                    };
                }
                *pending = false;
            }
            Err(e) => {
                tracing::error!(error = %e, "the batch queue failed");
                std::thread::sleep(Duration::from_secs(1));
            }
        }
    }
}
