//! A batch is atomic: after SIGKILL at any point of `patscreen ingest`, the library opens
//! cleanly with either none or all of that batch (issue 2).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use patscreen::engine::{Access, Library};
use patscreen::model::Patent;
use patscreen::progress::Silent;

use crate::common::{cli, patents, small};

const INSTITUTION: &str = "清华大学";

/// Writes batches A (already in the library) and B (the one to be killed) and ingests A.
fn prepare(dir: &Path, b_count: u64) -> (Vec<Patent>, Vec<Patent>) {
    let a = patents(11, 40, INSTITUTION, 1_000_000);
    let b = patents(12, b_count, INSTITUTION, 2_000_000);
    std::fs::write(
        dir.join("a.jsonl"),
        patscreen::ingest::write_jsonl(Vec::new(), &a).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("b.jsonl"),
        patscreen::ingest::write_jsonl(Vec::new(), &b).unwrap(),
    )
    .unwrap();
    let data = dir.join("data");
    let out = cli(
        &data,
        &[
            "ingest",
            dir.join("a.jsonl").to_str().unwrap(),
            "--institution",
            INSTITUTION,
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (a, b)
}

fn spawn_ingest_b(dir: &Path, pause_at: Option<&str>) -> std::process::Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_patscreen"));
    command
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["--quiet", "ingest"])
        .arg(dir.join("b.jsonl"))
        .args(["--institution", INSTITUTION])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if let Some(stage) = pause_at {
        command.env("PATSCREEN_PAUSE_AT", stage);
    }
    command.spawn().unwrap()
}

/// Opens the library after the crash and returns how many of `b` are visible, checking that
/// it is none or all and that A is intact.
fn visible_after_crash(dir: &Path, a: &[Patent], b: &[Patent]) -> usize {
    let library = Library::open(&dir.join("data"), Access::ReadOnly, small(), &Silent).unwrap();
    let visible = |ps: &[Patent]| {
        ps.iter()
            .filter(|p| library.patent(&p.application_number).is_ok())
            .count()
    };
    assert_eq!(visible(a), a.len(), "batch A lost");
    let from_b = visible(b);
    assert!(
        from_b == 0 || from_b == b.len(),
        "{from_b} of {} patents of B are visible",
        b.len()
    );
    let stats = library.stats().unwrap();
    assert_eq!(
        stats.patents as usize,
        a.len() + from_b,
        "catalog and index disagree"
    );
    assert_eq!(
        library.indexed_patents().unwrap() as usize,
        a.len() + from_b
    );
    // No half-written archive file survives recovery.
    let leftovers: Vec<_> = std::fs::read_dir(dir.join("data/archive"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    from_b
}

#[test]
fn sigkill_at_every_stage_leaves_none_or_all_of_the_batch() {
    let expected = [
        ("reading", false),
        ("archiving", false),
        ("recording", false),
        ("indexing", true),
        ("committing", true),
        ("done", true),
    ];
    for (stage, acknowledged) in expected {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = prepare(dir.path(), 30);
        let mut child = spawn_ingest_b(dir.path(), Some(stage));
        let stderr = BufReader::new(child.stderr.take().unwrap());
        let mut paused = false;
        for line in stderr.lines() {
            if line.unwrap() == format!("paused at {stage}") {
                paused = true;
                break;
            }
        }
        assert!(paused, "the ingest never reached {stage}");
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let visible = visible_after_crash(dir.path(), &a, &b);
        assert_eq!(visible == b.len(), acknowledged, "killed while {stage}");
        // The library accepts the batch again (or recognises it) after the crash.
        let out = cli(
            &dir.path().join("data"),
            &[
                "ingest",
                dir.path().join("b.jsonl").to_str().unwrap(),
                "--institution",
                INSTITUTION,
            ],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let again = visible_after_crash(dir.path(), &a, &b);
        assert_eq!(again, b.len());
    }
}

#[test]
fn sigkill_at_random_moments_leaves_none_or_all_of_the_batch() {
    let mut outcomes = Vec::new();
    for delay_ms in [150, 400, 700, 1000, 1500, 2500] {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = prepare(dir.path(), 1500);
        let mut child = spawn_ingest_b(dir.path(), None);
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let visible = visible_after_crash(dir.path(), &a, &b);
        outcomes.push((delay_ms, status.success(), visible));
    }
    eprintln!("(delay ms, finished before the kill, patents of B visible): {outcomes:?}");
}
