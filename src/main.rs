//! The `patscreen` command line: parses arguments, sets up logging and the rayon pool, and
//! hands each subcommand to `cli`. The only user of anyhow.

mod cli;

use std::process::ExitCode;

/// mimalloc instead of glibc's allocator. Ingest allocates and frees millions of short strings
/// across threads (parsed cells, patents, tantivy documents); under glibc `_int_malloc`,
/// `_int_free`, `malloc_consolidate` and `unlink_chunk` were 14 % of a 10^5-patent batch's
/// CPU samples. With mimalloc the same batch reached its commit in 11.0–12.6 s instead of
/// 13.0–13.1 s, with a lower peak RSS (1.29–1.40 GB against 1.58–1.62 GB). meilisearch makes
/// the same choice. The scale harness sets it too, so its children measure what ships.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            for cause in err.chain() {
                if let Some(io) = cause.downcast_ref::<std::io::Error>()
                    && io.kind() == std::io::ErrorKind::BrokenPipe
                {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
