//! Progress bars on the terminal (indicatif) for long work, and the crash-test pause hook.
//!
//! `PATSCREEN_PAUSE_AT=<stage>` makes the process announce `paused at <stage>` on stderr and
//! sleep when that stage of a batch begins, so a test can kill it at a known point
//! (`reading`, `archiving`, `recording`, `indexing`, `committing`, `features`, `scoring`,
//! `done`).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use patscreen::progress::{Progress, Stage};

/// Terminal progress: one bar per stage, and where a batch's time went once it is done.
pub struct Bars {
    quiet: bool,
    bar: Mutex<Option<ProgressBar>>,
    pause_at: Option<String>,
    /// The stages of the batch in progress and when each began.
    stages: Mutex<Vec<(&'static str, Instant)>>,
}

impl Bars {
    /// Creates the reporter; `quiet` draws nothing.
    pub fn new(quiet: bool) -> Bars {
        Bars {
            quiet,
            bar: Mutex::new(None),
            pause_at: std::env::var("PATSCREEN_PAUSE_AT").ok(),
            stages: Mutex::new(Vec::new()),
        }
    }

    /// Starts a bar (or spinner when `total` is unknown) with a message.
    pub fn begin(&self, message: &str, total: Option<u64>) {
        self.finish();
        if self.quiet {
            return;
        }
        let bar = match total {
            Some(total) => ProgressBar::new(total).with_style(
                ProgressStyle::with_template("{msg:>11} [{bar:40}] {pos}/{len} ({per_sec}, {eta})")
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> "),
            ),
            None => ProgressBar::new_spinner(),
        };
        bar.set_draw_target(ProgressDrawTarget::stderr());
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        if let Ok(mut slot) = self.bar.lock() {
            *slot = Some(bar);
        }
    }

    /// Advances the current bar.
    pub fn step(&self, n: u64) {
        if let Ok(slot) = self.bar.lock()
            && let Some(bar) = slot.as_ref()
        {
            bar.inc(n);
        }
    }

    /// Clears the current bar.
    pub fn finish(&self) {
        if let Ok(mut slot) = self.bar.lock()
            && let Some(bar) = slot.take()
        {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bars {
    fn stage(&self, stage: Stage, total: Option<u64>) {
        if self.pause_at.as_deref() == Some(stage.as_str()) {
            self.finish();
            eprintln!("paused at {}", stage.as_str());
            std::thread::sleep(Duration::from_secs(600));
        }
        let now = Instant::now();
        if let Ok(mut stages) = self.stages.lock() {
            if stage == Stage::Done {
                // Where the time went: each stage until the next began.
                let spans: Vec<String> = stages
                    .iter()
                    .zip(stages.iter().skip(1).map(|(_, t)| *t).chain([now]))
                    .map(|((name, began), ended)| (*name, (ended - *began).as_secs_f64()))
                    .filter(|(_, seconds)| *seconds >= 0.05)
                    .map(|(name, seconds)| {
                        // The archive file is written while the batch is indexed.
                        let name = if name == "archiving" {
                            "archiving and indexing"
                        } else {
                            name
                        };
                        format!("{name} {seconds:.1} s")
                    })
                    .collect();
                if !self.quiet && !spans.is_empty() {
                    self.finish();
                    eprintln!("time: {}", spans.join(" · "));
                }
                stages.clear();
            } else {
                stages.push((stage.as_str(), now));
            }
        }
        if stage == Stage::Done {
            self.finish();
        } else {
            self.begin(stage.as_str(), total);
        }
    }

    fn advance(&self, done: u64) {
        self.step(done);
    }

    fn note(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }
}
