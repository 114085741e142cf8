//! Prometheus metrics: request counts and latencies by route and status, batches and rows
//! processed, scoring time. Written out in the text exposition format at `/metrics`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

/// Latency histogram bucket bounds, in seconds.
const BUCKETS: [f64; 11] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// The service's metrics.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    batches_accepted: AtomicU64,
    batches_rejected: AtomicU64,
    rows_accepted: AtomicU64,
    rows_rejected: AtomicU64,
    scoring_millis: AtomicU64,
    scorings: AtomicU64,
}

impl Metrics {
    /// Records one request.
    pub fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        if let Ok(mut requests) = self.requests.lock() {
            *requests
                .entry((method.to_string(), route.to_string(), status))
                .or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            let h = latency.entry(route.to_string()).or_default();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += seconds;
        }
    }

    /// Records a processed batch.
    pub fn batch(
        &self,
        accepted: bool,
        rows_accepted: usize,
        rows_rejected: usize,
        scoring_seconds: f64,
    ) {
        if accepted {
            self.batches_accepted.fetch_add(1, Ordering::Relaxed);
        } else {
            self.batches_rejected.fetch_add(1, Ordering::Relaxed);
        }
        self.rows_accepted
            .fetch_add(rows_accepted as u64, Ordering::Relaxed);
        self.rows_rejected
            .fetch_add(rows_rejected as u64, Ordering::Relaxed);
        if scoring_seconds > 0.0 {
            self.scoring_millis
                .fetch_add((scoring_seconds * 1000.0) as u64, Ordering::Relaxed);
            self.scorings.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Renders the text exposition format.
    pub fn render(&self, patents: u64) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP patscreen_http_requests_total HTTP requests by method, route and status."
        );
        let _ = writeln!(out, "# TYPE patscreen_http_requests_total counter");
        if let Ok(requests) = self.requests.lock() {
            for ((method, route, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "patscreen_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP patscreen_http_request_duration_seconds HTTP request latency by route."
        );
        let _ = writeln!(
            out,
            "# TYPE patscreen_http_request_duration_seconds histogram"
        );
        if let Ok(latency) = self.latency.lock() {
            for (route, h) in latency.iter() {
                for (i, bound) in BUCKETS.iter().enumerate() {
                    let _ = writeln!(
                        out,
                        "patscreen_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {}",
                        h.counts[i]
                    );
                }
                let _ = writeln!(
                    out,
                    "patscreen_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                    h.count
                );
                let _ = writeln!(
                    out,
                    "patscreen_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                    h.sum
                );
                let _ = writeln!(
                    out,
                    "patscreen_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                    h.count
                );
            }
        }
        let counters = [
            (
                "patscreen_batches_total{outcome=\"accepted\"}",
                self.batches_accepted.load(Ordering::Relaxed),
            ),
            (
                "patscreen_batches_total{outcome=\"rejected\"}",
                self.batches_rejected.load(Ordering::Relaxed),
            ),
            (
                "patscreen_rows_total{outcome=\"accepted\"}",
                self.rows_accepted.load(Ordering::Relaxed),
            ),
            (
                "patscreen_rows_total{outcome=\"rejected\"}",
                self.rows_rejected.load(Ordering::Relaxed),
            ),
        ];
        let _ = writeln!(out, "# TYPE patscreen_batches_total counter");
        let _ = writeln!(out, "# TYPE patscreen_rows_total counter");
        for (name, value) in counters {
            let _ = writeln!(out, "{name} {value}");
        }
        let _ = writeln!(
            out,
            "# HELP patscreen_scoring_seconds Time spent rescoring the library after batches."
        );
        let _ = writeln!(out, "# TYPE patscreen_scoring_seconds summary");
        let _ = writeln!(
            out,
            "patscreen_scoring_seconds_sum {}",
            self.scoring_millis.load(Ordering::Relaxed) as f64 / 1000.0
        );
        let _ = writeln!(
            out,
            "patscreen_scoring_seconds_count {}",
            self.scorings.load(Ordering::Relaxed)
        );
        let _ = writeln!(out, "# TYPE patscreen_patents gauge");
        let _ = writeln!(out, "patscreen_patents {patents}");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histograms() {
        let m = Metrics::default();
        m.request("GET", "/v1/search", 200, 0.003);
        m.request("GET", "/v1/search", 200, 0.2);
        m.batch(true, 10, 2, 0.5);
        let text = m.render(10);
        assert!(text.contains("patscreen_http_requests_total{method=\"GET\",route=\"/v1/search\",status=\"200\"} 2"), "{text}");
        assert!(text.contains("patscreen_http_request_duration_seconds_bucket{route=\"/v1/search\",le=\"0.005\"} 1"), "{text}");
        assert!(text.contains("patscreen_rows_total{outcome=\"rejected\"} 2"));
        assert!(text.contains("patscreen_patents 10"));
    }
}
