//! The command line: the `patscreen` subcommands and their options, as clap parses them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Screening, scoring and search for a joint high-value university patent library.
#[derive(Debug, Parser)]
#[command(name = "patscreen", version, about)]
pub(super) struct Cli {
    /// The library's data directory.
    #[arg(
        long,
        global = true,
        env = "PATSCREEN_DATA_DIR",
        default_value = "data"
    )]
    pub(super) data_dir: PathBuf,
    /// Print only results and errors (no progress bars).
    #[arg(long, short, global = true)]
    pub(super) quiet: bool,
    #[command(subcommand)]
    pub(super) command: Command,
}

#[derive(Debug, Subcommand)]
pub(super) enum Command {
    /// Submit a batch file (JSONL, CSV, XLSX or Parquet) on behalf of an institution.
    Ingest(IngestArgs),
    /// Search the library.
    Search(SearchArgs),
    /// Show one patent's score card (value, reasons, industries, CNIPA checklist).
    Show(ShowArgs),
    /// Recompute the scores of the whole library and print a summary.
    Score(FormatArg),
    /// Rank the library's patents for one industry; print or export them.
    Shortlist(ShortlistArgs),
    /// List the batches and library counts.
    Batches(FormatArg),
    /// A batch's screening report: tiers, industries, gaps; `--out` writes every patent of
    /// it (value, tier, industries, what changed) to .csv or .xlsx.
    Report(ReportArgs),
    /// Rebuild the index from the batch archive.
    Reindex,
    /// Write a seeded synthetic corpus.
    Generate(GenerateArgs),
    /// Load the bundled samples into a fresh data directory, run sample searches, then serve.
    Demo(DemoArgs),
    /// Serve the HTTP API.
    Serve(ServeArgs),
    /// Manage API keys.
    #[command(subcommand)]
    Keys(KeysCommand),
}

#[derive(Debug, Args)]
pub(super) struct ReportArgs {
    /// The batch id (as `ingest` and `batches` print it).
    pub(super) batch: i64,
    /// Write every patent of the batch to this file (.csv or .xlsx).
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Output format of the summary.
    #[arg(long, value_enum, default_value = "text")]
    pub(super) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Address to listen on (loopback by default).
    #[arg(long, env = "PATSCREEN_LISTEN", default_value = "127.0.0.1:8080")]
    pub(super) listen: String,
    /// Serve reads (search, patents, industries, matches) without an API key.
    #[arg(long)]
    pub(super) public_reads: bool,
    /// Largest request body in MiB (batch uploads).
    #[arg(long, default_value_t = 512)]
    pub(super) max_body_mib: usize,
    /// Longest a request may take, in seconds (uploads: see --upload-timeout).
    #[arg(long, default_value_t = 60)]
    pub(super) request_timeout: u64,
    /// Longest an upload may take in all, in seconds.
    #[arg(long, default_value_t = 1800)]
    pub(super) upload_timeout: u64,
    /// Seconds a connection may take to send a complete request header (silent, half-sent
    /// and idle keep-alive connections are closed after this).
    #[arg(long, default_value_t = 10)]
    pub(super) header_timeout: u64,
    /// Seconds an upload may send nothing before it is dropped.
    #[arg(long, default_value_t = 30)]
    pub(super) body_idle_timeout: u64,
    /// Most connections open at once.
    #[arg(long, default_value_t = 1024)]
    pub(super) max_connections: usize,
    /// Most batch uploads received at once (more get a 503 before their body is read).
    #[arg(long, default_value_t = 2)]
    pub(super) max_concurrent_uploads: usize,
    /// Most whole-shortlist exports in flight at once (more get a 503).
    #[arg(long, default_value_t = 4)]
    pub(super) max_concurrent_exports: usize,
    /// Seconds a response may wait for its client to read more of it.
    #[arg(long, default_value_t = 60)]
    pub(super) write_timeout: u64,
}

#[derive(Debug, Subcommand)]
pub(super) enum KeysCommand {
    /// Create a key; the key is printed once and stored only as a hash.
    Create {
        /// admin, submitter or reader.
        #[arg(long)]
        role: String,
        /// The institution a submitter key is bound to.
        #[arg(long)]
        institution: Option<String>,
        /// What the key is for.
        #[arg(long, default_value = "")]
        label: String,
    },
    /// List keys (never the keys themselves).
    List(FormatArg),
    /// Revoke a key by id.
    Revoke {
        /// The key id from `keys list`.
        id: i64,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub(super) enum OutputFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub(super) struct FormatArg {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(super) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(super) struct IngestArgs {
    /// The batch file.
    pub(super) file: PathBuf,
    /// The submitting institution (owner of every patent in the batch).
    #[arg(long)]
    pub(super) institution: String,
    /// File format, when the extension does not tell (jsonl, csv, xlsx, parquet).
    #[arg(long = "input-format")]
    pub(super) input_format: Option<String>,
    /// Reject the whole batch if any row is rejected.
    #[arg(long)]
    pub(super) all_or_nothing: bool,
    /// Replace whole records of patents already in the library. Without it a row is a
    /// correction: it updates the columns the file has and keeps the others (an empty cell
    /// clears its field).
    #[arg(long)]
    pub(super) replace: bool,
    /// Output format of the report.
    #[arg(long, value_enum, default_value = "text")]
    pub(super) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(super) struct SearchArgs {
    /// Query: words, "phrases", AND/OR/NOT, field prefixes ti: ab: cl: ap: in: ipc: inst: type: status: an:
    pub(super) query: String,
    /// Only patents of this institution (repeatable).
    #[arg(long)]
    pub(super) institution: Vec<String>,
    /// Only patents under this IPC prefix, e.g. H01L or G06F16 (repeatable).
    #[arg(long)]
    pub(super) ipc: Vec<String>,
    /// Only this patent type: invention (发明), utility_model (实用新型), design (外观设计)
    /// (repeatable, or comma-separated).
    #[arg(long = "type")]
    pub(super) patent_type: Vec<String>,
    /// Only this legal status: pending (审中), in_force (有效), lapsed (失效), expired (期限届满),
    /// invalidated (无效) (repeatable, or comma-separated).
    #[arg(long)]
    pub(super) status: Vec<String>,
    /// Only patents of this industry (fit ≥ 0.5), e.g. 集成电路 (repeatable).
    #[arg(long)]
    pub(super) industry: Vec<String>,
    /// Only this value tier: A, B, C, D, lapsed or unscored (repeatable).
    #[arg(long)]
    pub(super) tier: Vec<String>,
    /// Only patents with at least this value (0–100).
    #[arg(long)]
    pub(super) min_value: Option<f64>,
    /// Earliest application year.
    #[arg(long)]
    pub(super) year_from: Option<u16>,
    /// Latest application year.
    #[arg(long)]
    pub(super) year_to: Option<u16>,
    /// Order: relevance, newest, oldest, value, industry_rank (needs --industry), blended, or
    /// their Chinese labels (相关度, 最新申请, 最早申请, 价值分, 产业排名, 综合).
    #[arg(long, default_value = "relevance")]
    pub(super) sort: String,
    /// Number of hits.
    #[arg(long, default_value_t = 10)]
    pub(super) limit: usize,
    /// Hits to skip.
    #[arg(long, default_value_t = 0)]
    pub(super) offset: usize,
    /// Do not also match query words' thesaurus aliases (quoted phrases never are).
    #[arg(long)]
    pub(super) no_expand: bool,
    /// Count facets (institution, IPC section, type, status, year).
    #[arg(long)]
    pub(super) facets: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(super) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(super) struct ShortlistArgs {
    /// The industry, e.g. 集成电路.
    #[arg(long)]
    pub(super) industry: String,
    /// Only this institution (repeatable).
    #[arg(long)]
    pub(super) institution: Vec<String>,
    /// Only this tier: A, B, C, D, or lapsed with --include-lapsed (repeatable).
    #[arg(long)]
    pub(super) tier: Vec<String>,
    /// Only patents with at least this value.
    #[arg(long)]
    pub(super) min_value: Option<f64>,
    /// At most this many rows (default: all).
    #[arg(long)]
    pub(super) limit: Option<usize>,
    /// Include lapsed, expired and invalidated patents.
    #[arg(long)]
    pub(super) include_lapsed: bool,
    /// Write the shortlist to a file: .csv (UTF-8 with BOM, for Excel) or .parquet.
    #[arg(long)]
    pub(super) out: Option<PathBuf>,
    /// Output format on the terminal.
    #[arg(long, value_enum, default_value = "text")]
    pub(super) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(super) struct ShowArgs {
    /// Application number, in any common spelling.
    pub(super) application_number: String,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub(super) format: OutputFormat,
}

#[derive(Debug, Args)]
pub(super) struct GenerateArgs {
    /// Number of patents.
    #[arg(long, default_value_t = 1000)]
    pub(super) count: u64,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub(super) seed: u64,
    /// Output file; its extension picks the format (.jsonl, .csv, .xlsx, .parquet).
    #[arg(long, required_unless_present = "bad_samples")]
    pub(super) out: Option<PathBuf>,
    /// Instead of a corpus, write one sample file per kind of bad input into this directory.
    #[arg(long, conflicts_with = "out")]
    pub(super) bad_samples: Option<PathBuf>,
    /// Leave claims out.
    #[arg(long)]
    pub(super) no_claims: bool,
    /// Make this institution the first applicant of every patent.
    #[arg(long)]
    pub(super) institution: Option<String>,
    /// First application serial (keeps corpora made for different institutions apart).
    #[arg(long, default_value_t = 0)]
    pub(super) first_serial: u32,
    /// CSV header language.
    #[arg(long, value_enum, default_value = "zh")]
    pub(super) headers: Headers,
    /// Write the columns an export tool writes (incoPat or PatSnap, one row per publication,
    /// its title line above the header) instead of the record contract's (.csv or .xlsx).
    #[arg(long, value_enum)]
    pub(super) layout: Option<Layout>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum Layout {
    Incopat,
    Patsnap,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(super) enum Headers {
    Zh,
    En,
}

#[derive(Debug, Args)]
pub(super) struct DemoArgs {
    /// Where to create the demo library (wiped first).
    #[arg(long, default_value = "data-demo")]
    pub(super) demo_dir: PathBuf,
    /// Address the demo serves on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub(super) listen: String,
    /// Load and print, but do not serve.
    #[arg(long)]
    pub(super) no_serve: bool,
}
