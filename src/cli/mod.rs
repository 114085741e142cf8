//! Subcommands of the `patscreen` binary and their argument parsing (clap).

mod args;
mod demo;
mod output;
mod progress;

use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Parser;

use patscreen::engine::{
    Access, Library, LibraryOptions, SearchParams, ShortlistRequest, Submission,
};
use patscreen::generate::{Generator, GeneratorConfig};
use patscreen::ingest::{self, Format, HeaderLanguage};

use args::{
    Cli, Command, FormatArg, GenerateArgs, Headers, IngestArgs, KeysCommand, Layout, OutputFormat,
    ReportArgs, SearchArgs, ServeArgs, ShortlistArgs, ShowArgs,
};

/// Parses the command line and runs the subcommand.
pub fn run() -> Result<ExitCode> {
    let cli = Cli::parse();
    init_tracing();
    rayon::ThreadPoolBuilder::new()
        .panic_handler(|_| tracing::error!("a worker thread panicked"))
        .build_global()
        .context("starting the worker pool")?;
    let progress = progress::Bars::new(cli.quiet);
    match cli.command {
        Command::Ingest(args) => ingest(&cli.data_dir, args, &progress),
        Command::Search(args) => search(&cli.data_dir, args, &progress),
        Command::Show(args) => show(&cli.data_dir, args, &progress),
        Command::Score(args) => score(&cli.data_dir, args, &progress),
        Command::Shortlist(args) => shortlist(&cli.data_dir, args, &progress),
        Command::Batches(args) => batches(&cli.data_dir, args, &progress),
        Command::Report(args) => report(&cli.data_dir, args, &progress),
        Command::Reindex => reindex(&cli.data_dir, &progress),
        Command::Generate(args) => generate(args, &progress),
        Command::Demo(args) => demo::run(&args.demo_dir, &args.listen, args.no_serve, &progress),
        Command::Serve(args) => serve(&cli.data_dir, args, &progress),
        Command::Keys(command) => keys(&cli.data_dir, command, &progress),
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("PATSCREEN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn open(data_dir: &Path, access: Access, progress: &progress::Bars) -> Result<Library> {
    if access == Access::ReadOnly && !data_dir.join("catalog.sqlite").exists() {
        bail!(
            "there is no library at {}: ingest a batch first, or pass --data-dir",
            data_dir.display()
        );
    }
    Library::open(data_dir, access, LibraryOptions::default(), progress)
        .with_context(|| format!("opening the library at {}", data_dir.display()))
}

fn ingest(data_dir: &Path, args: IngestArgs, progress: &progress::Bars) -> Result<ExitCode> {
    let format = match &args.input_format {
        Some(name) => {
            Format::parse(name).with_context(|| format!("unknown input format '{name}'"))?
        }
        None => Format::from_path(&args.file).with_context(|| {
            format!(
                "cannot tell the format of {} from its extension: pass --input-format",
                args.file.display()
            )
        })?,
    };
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let library = open(data_dir, Access::ReadWrite, progress)?;
    let submission = Submission {
        source_name: args.file.file_name().map_or_else(
            || args.file.display().to_string(),
            |n| n.to_string_lossy().to_string(),
        ),
        bytes,
        format,
        institution: args.institution,
        all_or_nothing: args.all_or_nothing,
        replace: args.replace,
    };
    let outcome = library.submit(submission, progress);
    progress.finish();
    let outcome = outcome?;
    library.close()?;
    match args.format {
        OutputFormat::Json => output::json(&outcome)?,
        OutputFormat::Text => output::submit_report(&outcome),
    }
    Ok(ExitCode::SUCCESS)
}

/// A library error as the command line says it: a parameter at fault is named as its option
/// (`--type`), the query as "the query".
fn option_error(error: patscreen::Error) -> anyhow::Error {
    match &error {
        patscreen::Error::InvalidParameter { parameter, reason } if parameter == "query" => {
            anyhow::anyhow!("the query: {reason}")
        }
        patscreen::Error::InvalidParameter { parameter, reason } => {
            anyhow::anyhow!("--{}: {reason}", parameter.replace('_', "-"))
        }
        _ => error.into(),
    }
}

fn search(data_dir: &Path, args: SearchArgs, progress: &progress::Bars) -> Result<ExitCode> {
    let library = open(data_dir, Access::ReadOnly, progress)?;
    let params = SearchParams {
        q: args.query,
        institution: args.institution,
        ipc: args.ipc,
        patent_type: args.patent_type,
        status: args.status,
        industry: args.industry,
        tier: args.tier,
        min_value: args.min_value,
        year_from: args.year_from,
        year_to: args.year_to,
        sort: Some(args.sort),
        limit: Some(args.limit),
        offset: args.offset,
        facets: args.facets,
        snippets: Some(true),
        expand: Some(!args.no_expand),
    };
    let request = params.to_request(usize::MAX).map_err(option_error)?;
    let results = library.search(&request).map_err(option_error)?;
    match args.format {
        OutputFormat::Json => output::json(&results)?,
        OutputFormat::Text => output::search_results(&request, &results),
    }
    Ok(ExitCode::SUCCESS)
}

fn show(data_dir: &Path, args: ShowArgs, progress: &progress::Bars) -> Result<ExitCode> {
    let library = open(data_dir, Access::ReadOnly, progress)?;
    let number = library.resolve("application number", &args.application_number)?;
    let patent = library.patent(&number)?;
    let card = library.card(&number).ok();
    match args.format {
        OutputFormat::Json => {
            output::json(&serde_json::json!({ "patent": patent, "score_card": card }))?
        }
        OutputFormat::Text => {
            output::patent(&patent);
            if let Some(card) = &card {
                output::card(card);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn score(data_dir: &Path, args: FormatArg, progress: &progress::Bars) -> Result<ExitCode> {
    let library = open(data_dir, Access::ReadWrite, progress)?;
    let stats = library.rescore(progress);
    progress.finish();
    let stats = stats?;
    library.close()?;
    match args.format {
        OutputFormat::Json => output::json(&stats)?,
        OutputFormat::Text => output::rescore(&stats),
    }
    Ok(ExitCode::SUCCESS)
}

fn shortlist(data_dir: &Path, args: ShortlistArgs, progress: &progress::Bars) -> Result<ExitCode> {
    let library = open(data_dir, Access::ReadOnly, progress)?;
    let request = ShortlistRequest {
        industry: args.industry,
        institutions: args.institution,
        tiers: args.tier,
        min_value: args.min_value,
        limit: args.limit,
        include_unavailable: args.include_lapsed,
    };
    let list = library.shortlist(&request)?;
    if let Some(path) = &args.out {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => {
                let file = std::fs::File::create(path)
                    .with_context(|| format!("creating {}", path.display()))?;
                let mut out = list.write_csv(std::io::BufWriter::new(file))?;
                std::io::Write::flush(&mut out)?;
            }
            Some("parquet") => list.write_parquet(path)?,
            Some("xlsx") => std::fs::write(path, list.write_xlsx()?)
                .with_context(|| format!("writing {}", path.display()))?,
            _ => bail!(
                "--out must end in .csv, .xlsx or .parquet: {}",
                path.display()
            ),
        }
        eprintln!(
            "wrote {} of {} patents to {}",
            list.rows.len(),
            list.total,
            path.display()
        );
    }
    match args.format {
        OutputFormat::Json => output::json(&list)?,
        OutputFormat::Text if args.out.is_none() => output::shortlist(&list),
        OutputFormat::Text => {}
    }
    Ok(ExitCode::SUCCESS)
}

fn report(data_dir: &Path, args: ReportArgs, progress: &progress::Bars) -> Result<ExitCode> {
    let library = open(data_dir, Access::ReadOnly, progress)?;
    let screening = library.batch_screening(args.batch)?;
    if let Some(path) = &args.out {
        let rows = library.screening_rows(args.batch)?;
        let bytes = match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => patscreen::engine::screening_csv(&rows)?,
            Some("xlsx") => patscreen::engine::screening_xlsx(&rows)?,
            _ => bail!("--out must end in .csv or .xlsx: {}", path.display()),
        };
        std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("wrote {} patents to {}", rows.len(), path.display());
    }
    match args.format {
        OutputFormat::Json => output::json(&screening)?,
        OutputFormat::Text => output::screening(&screening),
    }
    Ok(ExitCode::SUCCESS)
}

fn batches(data_dir: &Path, args: FormatArg, progress: &progress::Bars) -> Result<ExitCode> {
    let library = open(data_dir, Access::ReadOnly, progress)?;
    let batches = library.batches()?;
    let stats = library.stats()?;
    match args.format {
        OutputFormat::Json => {
            output::json(&serde_json::json!({ "stats": stats, "batches": batches }))?
        }
        OutputFormat::Text => output::batches(&stats, &batches),
    }
    Ok(ExitCode::SUCCESS)
}

fn reindex(data_dir: &Path, progress: &progress::Bars) -> Result<ExitCode> {
    let (library, stats) = Library::open_and_reindex(data_dir, LibraryOptions::default(), progress)
        .with_context(|| format!("rebuilding the index at {}", data_dir.display()))?;
    library.close()?;
    progress.finish();
    println!(
        "rebuilt the index from {} batches ({} rows): {} patents in {:.1} s",
        stats.batches, stats.rows, stats.patents, stats.seconds
    );
    Ok(ExitCode::SUCCESS)
}

fn generate(args: GenerateArgs, progress: &progress::Bars) -> Result<ExitCode> {
    if let Some(dir) = &args.bad_samples {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let samples = patscreen::generate::bad_samples()?;
        for sample in &samples {
            let path = dir.join(&sample.name);
            std::fs::write(&path, &sample.bytes)
                .with_context(|| format!("writing {}", path.display()))?;
        }
        let manifest = dir.join("manifest.jsonl");
        std::fs::write(&manifest, patscreen::generate::bad_manifest(&samples)?)
            .with_context(|| format!("writing {}", manifest.display()))?;
        println!(
            "wrote {} bad samples and their expected outcomes ({}) to {}",
            samples.len(),
            manifest.display(),
            dir.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let Some(out_path) = args.out.clone() else {
        bail!("pass --out FILE or --bad-samples DIR");
    };
    let format = Format::from_path(&out_path).with_context(|| {
        format!(
            "cannot tell the format of {} from its extension",
            out_path.display()
        )
    })?;
    if args.count == 0 {
        bail!("--count must be at least 1");
    }
    let config = GeneratorConfig {
        seed: args.seed,
        count: args.count,
        with_claims: !args.no_claims,
        institution: args.institution,
        first_serial: args.first_serial,
    };
    if let Some(layout) = args.layout {
        if !matches!(format, Format::Csv | Format::Xlsx) {
            bail!("--layout writes .csv or .xlsx files");
        }
        let layout = match layout {
            Layout::Incopat => patscreen::generate::ExportLayout::Incopat,
            Layout::Patsnap => patscreen::generate::ExportLayout::Patsnap,
        };
        let patents: Vec<_> = Generator::new(config).collect();
        let bytes = layout.write(&patents, format == Format::Xlsx)?;
        std::fs::write(&out_path, bytes)
            .with_context(|| format!("writing {}", out_path.display()))?;
        println!(
            "wrote {} patents in the {layout:?} layout to {}",
            patents.len(),
            out_path.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    progress.begin("generating", Some(args.count));
    let file = std::fs::File::create(&out_path)
        .with_context(|| format!("creating {}", out_path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let generator = Generator::new(config);
    let chunk = 10_000usize;
    let mut batch = Vec::with_capacity(chunk);
    let mut written = 0u64;
    let language = match args.headers {
        Headers::Zh => HeaderLanguage::Chinese,
        Headers::En => HeaderLanguage::English,
    };
    match format {
        Format::Jsonl | Format::Csv => {
            let mut first = true;
            for patent in generator {
                batch.push(patent);
                if batch.len() == chunk {
                    out = write_chunk(out, &batch, format, language, first)?;
                    first = false;
                    written += batch.len() as u64;
                    progress.step(batch.len() as u64);
                    batch.clear();
                }
            }
            if !batch.is_empty() {
                out = write_chunk(out, &batch, format, language, first)?;
                written += batch.len() as u64;
            }
        }
        Format::Xlsx | Format::Parquet => {
            let patents: Vec<_> = generator.collect();
            written = patents.len() as u64;
            if format == Format::Xlsx {
                std::io::Write::write_all(&mut out, &ingest::write_xlsx(&patents)?)?;
            } else {
                out = ingest::write_parquet(out, &patents, &[])?;
            }
        }
    }
    std::io::Write::flush(&mut out)?;
    progress.finish();
    println!("wrote {written} patents to {}", out_path.display());
    Ok(ExitCode::SUCCESS)
}

fn write_chunk<W: std::io::Write>(
    out: W,
    patents: &[patscreen::model::Patent],
    format: Format,
    language: HeaderLanguage,
    first: bool,
) -> Result<W> {
    Ok(match format {
        Format::Csv if first => {
            ingest::write_csv(out, patents, language, language == HeaderLanguage::Chinese)?
        }
        Format::Csv => ingest::append_csv(out, patents, language)?,
        _ => ingest::write_jsonl(out, patents)?,
    })
}

fn serve(data_dir: &Path, args: ServeArgs, progress: &progress::Bars) -> Result<ExitCode> {
    let library = std::sync::Arc::new(open(data_dir, Access::ReadWrite, progress)?);
    progress.finish();
    let config = patscreen::api::ApiConfig {
        public_reads: args.public_reads,
        max_body_bytes: args.max_body_mib * 1024 * 1024,
        request_timeout: std::time::Duration::from_secs(args.request_timeout),
        upload_timeout: std::time::Duration::from_secs(args.upload_timeout),
        header_timeout: std::time::Duration::from_secs(args.header_timeout),
        body_idle_timeout: std::time::Duration::from_secs(args.body_idle_timeout),
        max_connections: args.max_connections,
        max_concurrent_uploads: args.max_concurrent_uploads,
        max_concurrent_exports: args.max_concurrent_exports,
        write_timeout: std::time::Duration::from_secs(args.write_timeout),
        ..patscreen::api::ApiConfig::default()
    };
    serve_library(library, config, &args.listen)?;
    Ok(ExitCode::SUCCESS)
}

/// Runs the HTTP service until Ctrl-C or SIGTERM.
pub fn serve_library(
    library: std::sync::Arc<Library>,
    config: patscreen::api::ApiConfig,
    listen: &str,
) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let served = library.clone();
    runtime.block_on(async move {
        let library = served;
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .with_context(|| format!("listening on {listen}"))?;
        eprintln!(
            "patscreen serving on http://{} (Ctrl-C to stop)",
            listener.local_addr()?
        );
        library.warm()?;
        let state = patscreen::api::AppState::new(library.clone(), config);
        patscreen::api::serve(listener, state, shutdown_signal()).await?;
        eprintln!("stopped: the batch in progress, if any, was finished");
        anyhow::Ok(())
    })?;
    library.close()?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

fn keys(data_dir: &Path, command: KeysCommand, progress: &progress::Bars) -> Result<ExitCode> {
    let library = open(data_dir, Access::ReadOnly, progress).or_else(|_| {
        Library::open(
            data_dir,
            Access::ReadOnly,
            LibraryOptions::default(),
            progress,
        )
        .context("opening the library")
    })?;
    match command {
        KeysCommand::Create {
            role,
            institution,
            label,
        } => {
            let role = patscreen::engine::Role::parse(&role)
                .with_context(|| format!("invalid --role '{role}': admin, submitter or reader"))?;
            let (record, secret) = library.create_key(role, institution.as_deref(), &label)?;
            println!("{secret}");
            eprintln!(
                "key {} ({}, {}) created; it is shown only now",
                record.id,
                record.role,
                record.institution.as_deref().unwrap_or("all institutions")
            );
        }
        KeysCommand::List(args) => {
            let keys = library.keys()?;
            match args.format {
                OutputFormat::Json => output::json(&keys)?,
                OutputFormat::Text => {
                    for k in keys {
                        println!(
                            "{:>4}  {}…  {:<9} {:<20} {:<24} {}",
                            k.id,
                            k.prefix,
                            k.role,
                            k.institution.as_deref().unwrap_or("-"),
                            k.label,
                            k.revoked_at
                                .map_or("active".to_string(), |r| format!("revoked {r}"))
                        );
                    }
                }
            }
        }
        KeysCommand::Revoke { id } => {
            library.revoke_key(id)?;
            println!("key {id} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
