//! The `patscreen` command line: parses arguments, sets up logging and the rayon pool, and
//! hands each subcommand to `cli`. The only user of anyhow.

mod cli;

use std::process::ExitCode;

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
