//! The web console and the API reference page (`/v1/docs`) in a real browser: headless
//! Chromium driven through WebDriver (Debian's `chromium` and `chromium-driver`) against a
//! server on a loopback port. Every page it visits is saved as a full-page screenshot under
//! `target/console-screenshots/` (`scripts/console-screenshots` makes them all). Without a
//! browser the test says so loudly and does nothing; `.ci/run` installs one first.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use patscreen::api::{ApiConfig, AppState};
use patscreen::engine::Role;
use patscreen::ingest::{self, HeaderLanguage};
use patscreen::progress::Silent;
use serde_json::{Value, json};

use crate::common::{jsonl, library, patents};

const WAIT: Duration = Duration::from_secs(15);

/// chromedriver and chromium, from `PATSCREEN_CHROMEDRIVER` / `PATSCREEN_CHROMIUM` or Debian's
/// paths.
fn browser_paths() -> Option<(PathBuf, PathBuf)> {
    let pick = |var: &str, default: &str| {
        let path = std::env::var_os(var).map_or_else(|| PathBuf::from(default), PathBuf::from);
        path.exists().then_some(path)
    };
    Some((
        pick("PATSCREEN_CHROMEDRIVER", "/usr/bin/chromedriver")?,
        pick("PATSCREEN_CHROMIUM", "/usr/bin/chromium")?,
    ))
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/console-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// axe-core, vendored (tests/vendor/axe-core).
const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");

/// axe-core's WCAG 2 A/AA violations in the page as it is now.
async fn violations(client: &Client) -> Vec<Value> {
    client.execute(AXE, vec![]).await.unwrap();
    let script = "const done = arguments[arguments.length - 1];\
        axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })\
          .then(r => done(r.violations.map(v => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,\
             help: v.help, target: v.nodes[0] && v.nodes[0].target.join(' ') }))), e => done('ERROR ' + e));";
    let found = client.execute_async(script, vec![]).await.unwrap();
    found
        .as_array()
        .cloned()
        .unwrap_or_else(|| panic!("axe: {found}"))
}

/// Runs axe-core's WCAG 2 A/AA rules in the page; fails on a serious or critical violation and
/// records the page's result in `accessibility.txt` beside the screenshots.
async fn accessibility(client: &Client, name: &str) {
    let list = violations(client).await;
    let serious: Vec<&Value> = list
        .iter()
        .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
        .collect();
    let line = format!(
        "{name}: {} violations ({} serious or critical){}\n",
        list.len(),
        serious.len(),
        list.iter()
            .map(|v| format!("; {} ({}, {} nodes)", v["id"], v["impact"], v["nodes"]))
            .collect::<String>()
    );
    use std::io::Write;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(screenshots().join("accessibility.txt"))
        .unwrap()
        .write_all(line.as_bytes())
        .unwrap();
    assert!(serious.is_empty(), "{name}: {serious:#?}");
}

/// Saves the whole page (the window grown to the document's height) as `name.png` and checks
/// its accessibility.
async fn shot(client: &Client, name: &str) {
    shot_at(client, name, 1280).await;
}

/// [`shot`] in a window `width` pixels wide (390: a phone).
async fn shot_at(client: &Client, name: &str, width: u32) {
    client.set_window_size(width, 900).await.unwrap();
    accessibility(client, name).await;
    let height = client
        .execute("return document.documentElement.scrollHeight", vec![])
        .await
        .unwrap()
        .as_u64()
        .unwrap_or(900);
    client
        .set_window_size(width, (height as u32 + 120).clamp(700, 8000))
        .await
        .unwrap();
    let png = client.screenshot().await.unwrap();
    std::fs::write(screenshots().join(format!("{name}.png")), png).unwrap();
    client.set_window_size(1280, 900).await.unwrap();
}

/// Waits until the element `css` exists and its text contains `needle`; returns the text.
async fn wait_text(client: &Client, css: &str, needle: &str) -> String {
    let started = Instant::now();
    loop {
        if let Ok(element) = client.find(Locator::Css(css)).await
            && let Ok(text) = element.text().await
            && text.contains(needle)
        {
            return text;
        }
        assert!(
            started.elapsed() < WAIT,
            "'{css}' never showed '{needle}'; page: {}",
            client.source().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_url(client: &Client, needle: &str) -> String {
    let started = Instant::now();
    loop {
        let url = client.current_url().await.unwrap().to_string();
        if url.contains(needle) {
            return url;
        }
        assert!(
            started.elapsed() < WAIT,
            "never reached '{needle}': at {url}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn find(client: &Client, css: &str) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no '{css}': {e}"))
}

async fn click(client: &Client, css: &str) {
    find(client, css).await.click().await.unwrap();
}

/// The number a shortlist page lists and the data rows of its CSV export, with the export's
/// address.
/// The shortlist page's count and its CSV export's rows, once its export link holds
/// `filter` (the page drawn for the filters asked, not the one before it).
async fn shortlist_and_export(client: &Client, filter: &str) -> (usize, usize, String) {
    let started = Instant::now();
    let href = loop {
        let link = find(client, "a[download$='.csv']").await;
        if let Ok(Some(href)) = link.attr("href").await
            && href.contains(filter)
        {
            break href;
        }
        assert!(started.elapsed() < WAIT, "no export link with '{filter}'");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let heading = wait_text(client, "main p", "可推广专利").await;
    let listed: usize = heading
        .trim_start_matches("共 ")
        .split(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let exported = fetch_text(client, &href).await;
    let rows = exported.lines().filter(|l| !l.trim().is_empty()).count() - 1;
    (listed, rows, href)
}

async fn sign_in(client: &Client, base: &str, key: &str) {
    client.goto(&format!("{base}/sign-in")).await.unwrap();
    let input = find(client, "#key").await;
    input.clear().await.unwrap();
    input.send_keys(key).await.unwrap();
    click(client, "form button[type=submit]").await;
}

async fn sign_out(client: &Client) {
    click(client, "#sign-out").await;
    wait_url(client, "/sign-in").await;
}

/// GETs `path` from inside the page (with its session) and returns the body text.
async fn fetch_text(client: &Client, path: &str) -> String {
    let script = "const done = arguments[arguments.length - 1];\
        fetch(arguments[0]).then(r => r.text()).then(done, e => done('ERROR ' + e));";
    client
        .execute_async(script, vec![json!(path)])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// A WebDriver session in headless Chromium through the chromedriver listening on `port`.
async fn open_browser(chromium: &Path, port: u16, profile: &Path) -> Client {
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        json!({
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let started = Instant::now();
    loop {
        match ClientBuilder::new(connector.clone())
            .capabilities(capabilities.clone())
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(client) => return client,
            Err(e) if started.elapsed() < WAIT => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("chromedriver did not start a session: {e}"),
        }
    }
}

#[test]
fn the_console_in_a_real_browser() {
    let Some((chromedriver, chromium)) = browser_paths() else {
        eprintln!(
            "SKIPPED the_console_in_a_real_browser: no chromedriver/chromium \
             (install Debian's chromium and chromium-driver, or set PATSCREEN_CHROMEDRIVER and \
             PATSCREEN_CHROMIUM); .ci/run installs them"
        );
        return;
    };
    let (_dir, library) = library();
    let batch = patents(71, 150, "清华大学", 0);
    library
        .submit(jsonl("thu.jsonl", "清华大学", &batch), &Silent)
        .unwrap();
    let library = Arc::new(library);
    let key = |role, institution: Option<&str>| {
        library
            .create_key(role, institution, "browser test")
            .unwrap()
            .1
    };
    let (thu, pku, reader) = (
        key(Role::Submitter, Some("清华大学")),
        key(Role::Submitter, Some("北京大学")),
        key(Role::Reader, None),
    );
    // A batch with two good rows and one whose number has a wrong check digit.
    let upload_dir = tempfile::tempdir().unwrap();
    let upload = upload_dir.path().join("更正.csv");
    let more = patents(72, 3, "清华大学", 500_000);
    let mut csv = ingest::write_csv(Vec::new(), &more, HeaderLanguage::Chinese, true).unwrap();
    let mut bad_number = more[0].application_number.to_string();
    let digit = bad_number.pop().unwrap();
    bad_number.push(if digit == '0' { '1' } else { '0' });
    let columns = ingest::stored_fields().len();
    csv.extend_from_slice(format!("{bad_number}{}", ",".repeat(columns - 1)).as_bytes());
    csv.push(b'\n');
    std::fs::write(&upload, &csv).unwrap();
    // The same rows with one more bad one (an identical file would be the earlier batch).
    let strict = upload_dir.path().join("严格.csv");
    csv.extend_from_slice(format!("CN2021{}", ",".repeat(columns - 1)).as_bytes());
    csv.push(b'\n');
    std::fs::write(&strict, &csv).unwrap();

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let state = AppState::new(library.clone(), ApiConfig::default());
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(patscreen::api::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    // The same library served with public reads.
    let public = AppState::new(
        library.clone(),
        ApiConfig {
            public_reads: true,
            ..ApiConfig::default()
        },
    );
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let public_base = format!("http://{}", listener.local_addr().unwrap());
    let (stop_public, stopped_public) = tokio::sync::oneshot::channel::<()>();
    let public_server = runtime.spawn(patscreen::api::serve(listener, public.clone(), async {
        let _ = stopped_public.await;
    }));
    let port = free_port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    let _ = std::fs::remove_file(screenshots().join("accessibility.txt"));

    runtime.block_on(async {
        let client = open_browser(&chromium, port, profile.path()).await;

        // A private library sends a visitor to sign in; a wrong key is refused in words.
        client.goto(&format!("{base}/search?q=电池")).await.unwrap();
        wait_url(&client, "/sign-in").await;
        let mut wrong = thu.clone();
        let last = wrong.pop();
        wrong.push(if last == Some('a') { 'b' } else { 'a' });
        sign_in(&client, &base, &wrong).await;
        wait_text(&client, ".error", "无效").await;
        shot(&client, "sign-in").await;
        sign_in(&client, &base, &thu).await;
        wait_text(&client, "#who", "清华大学").await;

        // Search, a filter chip and a sort; the URL holds them and the total is the API's.
        client.goto(&format!("{base}/search")).await.unwrap();
        let q = find(&client, "#q").await;
        q.send_keys("电池").await.unwrap();
        click(&client, "form[role=search] button[type=submit]").await;
        wait_text(&client, "#total", "共").await;
        click(&client, ".facets .chip").await;
        wait_url(&client, "industry=").await;
        wait_text(&client, "#total", "共").await;
        find(&client, "#sort")
            .await
            .select_by_value("value")
            .await
            .unwrap();
        click(&client, "form[role=search] button[type=submit]").await;
        let url = wait_url(&client, "sort=value").await;
        let total = wait_text(&client, "#total", "共").await;
        let query = url.split_once('?').unwrap().1.to_string();
        let api: Value =
            serde_json::from_str(&fetch_text(&client, &format!("/v1/search?{query}")).await)
                .unwrap();
        assert_eq!(total, format!("共 {} 件专利", api["total"]), "{url}");
        assert!(api["total"].as_u64().unwrap() > 0);
        assert!(
            client
                .find(Locator::Css(".chip[aria-pressed=true]"))
                .await
                .is_ok()
        );
        shot(&client, "search").await;
        shot_at(&client, "search-phone", 390).await;

        // Keyboard only: Tab from the query box reaches a chip not yet pressed, its focus is
        // drawn, and Enter presses it.
        find(&client, "#q").await.click().await.unwrap();
        let mut outline = None;
        for _ in 0..60 {
            client
                .active_element()
                .await
                .unwrap()
                .send_keys(&Key::Tab)
                .await
                .unwrap();
            let focused = client
                .execute(
                    "const a = document.activeElement;\
                     return a.matches('.chip[aria-pressed=false]') ? getComputedStyle(a).outlineStyle : null;",
                    vec![],
                )
                .await
                .unwrap();
            if let Some(style) = focused.as_str() {
                outline = Some(style.to_string());
                break;
            }
        }
        assert_eq!(outline.as_deref(), Some("solid"), "a chip is reached, its focus drawn");
        let before = client.current_url().await.unwrap().to_string();
        client
            .active_element()
            .await
            .unwrap()
            .send_keys(&Key::Enter)
            .await
            .unwrap();
        let started = Instant::now();
        while client.current_url().await.unwrap().as_str() == before {
            assert!(started.elapsed() < WAIT, "Enter on a chip did nothing");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        wait_text(&client, "#total", "共").await;

        // An error the API returns is shown next to what caused it, in words.
        client
            .goto(&format!("{base}/search?q=%28电池"))
            .await
            .unwrap();
        let message = wait_text(&client, ".field-error", "检索式").await;
        assert!(message.contains("请求有误"), "{message}");
        find(&client, "#q[aria-invalid=true]").await;
        shot(&client, "search-error").await;
        // Paging by cursor: the next page starts at 11 and its address holds the cursor;
        // the previous page is the first again.
        client.goto(&format!("{base}/search?q=电池")).await.unwrap();
        wait_text(&client, ".pager .help", "第 1–10 条").await;
        click(&client, ".pager button:not(.plain)").await;
        wait_url(&client, "cursor=").await;
        wait_text(&client, ".pager .help", "第 11–").await;
        click(&client, ".pager button.plain").await;
        wait_text(&client, ".pager .help", "第 1–10 条").await;
        assert!(!client.current_url().await.unwrap().as_str().contains("cursor="));

        // A patent page with its score card.
        let first = find(&client, ".hit h3 a").await;
        first.click().await.unwrap();
        wait_url(&client, "/patents/").await;
        wait_text(&client, "#card-h", "价值评分").await;
        shot(&client, "patent").await;

        // Industries, a shortlist and its CSV export: the file has a row per listed patent.
        client.goto(&format!("{base}/industries")).await.unwrap();
        click(&client, "table tbody a").await;
        let (listed, rows, href) = shortlist_and_export(&client, "format=csv").await;
        assert_eq!(rows, listed, "{href}");
        // A tier filter narrows the list and its export alike.
        find(&client, "#f-tier")
            .await
            .select_by_value("A")
            .await
            .unwrap();
        click(&client, "main form.row button[type=submit]").await;
        wait_url(&client, "tier=A").await;
        let (tier_a, rows, href) = shortlist_and_export(&client, "tier=A").await;
        assert!(tier_a < listed, "{tier_a} of {listed}");
        assert!(href.contains("tier=A"), "{href}");
        assert_eq!(rows, tier_a, "{href}");
        shot(&client, "industries-shortlist").await;
        client.goto(&format!("{base}/industries")).await.unwrap();
        find(&client, "table tbody a").await;
        shot(&client, "industries").await;

        // Upload a batch with a bad row: the report names the row and field.
        client.goto(&format!("{base}/batches")).await.unwrap();
        find(&client, "#file")
            .await
            .send_keys(upload.to_str().unwrap())
            .await
            .unwrap();
        click(&client, "#upload button[type=submit]").await;
        wait_url(&client, "/batches/").await;
        wait_text(&client, "main .ok", "拒绝 1 行").await;
        // The row and the field at fault, the field in Chinese.
        let errors = wait_text(&client, "main table", "申请号").await;
        assert!(errors.contains("check digit"), "{errors}");
        wait_text(&client, "#screening", "本批等级分布").await;
        shot(&client, "batch-report").await;
        // The same file, all or nothing: refused whole, every row at fault listed, the row
        // report downloadable.
        client.goto(&format!("{base}/batches")).await.unwrap();
        find(&client, "#file")
            .await
            .send_keys(strict.to_str().unwrap())
            .await
            .unwrap();
        click(&client, "#all-or-nothing").await;
        click(&client, "#upload button[type=submit]").await;
        wait_url(&client, "/batches/").await;
        let refused = wait_text(&client, "main .error", "未接收").await;
        assert!(refused.contains("没有任何变化"), "{refused}");
        let errors = wait_text(&client, "main table", "申请号").await;
        assert!(errors.contains("check digit"), "{errors}");
        let href = find(&client, "a[download$='-rows.csv']")
            .await
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let rows = fetch_text(&client, &href).await;
        // A header, then every issue of the two bad rows.
        assert!(rows.lines().count() >= 3, "{rows}");
        assert!(rows.contains(",申请号,"), "{rows}");
        shot(&client, "batch-rejected").await;
        client.goto(&format!("{base}/batches")).await.unwrap();
        wait_text(&client, "#batch-list", "更正.csv").await;
        let list = wait_text(&client, "#batch-list", "严格.csv").await;
        assert!(list.contains("未接收") && list.contains("已接收"), "{list}");
        shot(&client, "batches").await;

        // A demand and its matches.
        client.goto(&format!("{base}/demands")).await.unwrap();
        find(&client, "#d-title")
            .await
            .send_keys("动力电池热管理")
            .await
            .unwrap();
        find(&client, "#d-desc")
            .await
            .send_keys("需要动力电池包的液冷散热和电池管理方案")
            .await
            .unwrap();
        click(&client, "main form button[type=submit]").await;
        wait_url(&client, "/demands/").await;
        find(&client, ".hit h3 a").await;
        // Matches in the demand's technical areas say which.
        let hits = wait_text(&client, "ol.hits", "同属技术领域：").await;
        assert!(hits.contains("电池"), "{hits}");
        shot(&client, "demand-matches").await;
        // The page of a match in the demand's field lists the demand, naming the field.
        client
            .execute(
                "[...document.querySelectorAll('li.hit')].find((h) => h.textContent.includes('同属技术领域：')).querySelector('h3 a').click();",
                vec![],
            )
            .await
            .unwrap();
        let served = wait_text(&client, "#served-demands", "同属技术领域：").await;
        assert!(served.contains("动力电池热管理"), "{served}");
        shot(&client, "patent-demands").await;
        client
            .goto(&format!("{base}/institutions/清华大学"))
            .await
            .unwrap();
        wait_text(&client, "main h1", "专利报告").await;
        shot(&client, "institution").await;
        // The check can fail: a field without a label is a critical violation.
        client
            .execute(
                "const i = document.createElement('input'); document.querySelector('main').append(i);",
                vec![],
            )
            .await
            .unwrap();
        let found = violations(&client).await;
        assert!(
            found
                .iter()
                .any(|v| v["id"] == "label" && v["impact"] == "critical"),
            "{found:?}"
        );
        sign_out(&client).await;

        // A reader never sees the upload controls.
        sign_in(&client, &base, &reader).await;
        wait_text(&client, "#who", "只读").await;
        let hidden = client
            .execute(
                "return document.querySelector('[data-role=writer]').hidden",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(hidden, json!(true));
        client.goto(&format!("{base}/batches")).await.unwrap();
        wait_text(&client, "main .note", "只有提交单位").await;
        assert!(client.find(Locator::Css("#upload")).await.is_err());
        sign_out(&client).await;

        // Another institution's submitter never sees 清华大学's batches.
        sign_in(&client, &base, &pku).await;
        wait_text(&client, "#who", "北京大学").await;
        client.goto(&format!("{base}/batches")).await.unwrap();
        let list = wait_text(&client, "#batch-list", "编号").await;
        assert!(
            !list.contains("清华大学") && !list.contains("更正.csv"),
            "{list}"
        );
        sign_out(&client).await;

        // A library with public reads is browsed without signing in; demands stay behind it.
        client.goto(&format!("{public_base}/search?q=电池")).await.unwrap();
        wait_text(&client, "#total", "共").await;
        click(&client, ".hit h3 a").await;
        wait_text(&client, "#card-h", "价值评分").await;
        wait_text(&client, "main", "登录后可查看本专利可服务的企业需求").await;
        shot(&client, "public-patent").await;
        client.goto(&format!("{public_base}/demands")).await.unwrap();
        wait_text(&client, "main .note", "只对登录用户开放").await;
        assert!(client.find(Locator::Css("#d-title")).await.is_err());
        client.close().await.unwrap();
    });
    let _ = stop.send(());
    let _ = stop_public.send(());
    runtime.block_on(server).unwrap().unwrap();
    runtime.block_on(public_server).unwrap().unwrap();
    state.worker.stop();
    public.worker.stop();
}

/// The API reference page in the browser: Swagger UI renders every operation of the document,
/// and every resource the page loaded came from this server.
#[test]
fn the_api_reference_in_a_real_browser() {
    let Some((chromedriver, chromium)) = browser_paths() else {
        eprintln!(
            "SKIPPED the_api_reference_in_a_real_browser: no chromedriver/chromium \
             (install Debian's chromium and chromium-driver, or set PATSCREEN_CHROMEDRIVER and \
             PATSCREEN_CHROMIUM); .ci/run installs them"
        );
        return;
    };
    let (_dir, library) = library();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // A private library: the page needs no key.
    let state = AppState::new(Arc::new(library), ApiConfig::default());
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = runtime.spawn(patscreen::api::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let port = free_port();
    let _driver = Driver(
        Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let profile = tempfile::tempdir().unwrap();
    runtime.block_on(async {
        let client = open_browser(&chromium, port, profile.path()).await;
        client.goto(&format!("{base}/v1/docs")).await.unwrap();
        assert_eq!(client.title().await.unwrap(), "patscreen API 参考");
        wait_text(&client, ".opblock-summary-path", "/healthz").await;
        // Every resource the page loaded came from this server: the stylesheet, the two
        // scripts and the document at least.
        let loaded = client
            .execute(
                "return performance.getEntriesByType('resource').map(e => e.name)",
                vec![],
            )
            .await
            .unwrap();
        let loaded: Vec<&str> = loaded
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(loaded.len() >= 4, "{loaded:?}");
        for name in &loaded {
            assert!(name.starts_with(&format!("{base}/")), "loaded {name}");
        }
        for needle in [
            "swagger-ui-bundle.js",
            "swagger-ui.css",
            "/v1/docs/init.js",
            "/v1/openapi.json",
        ] {
            assert!(
                loaded.iter().any(|n| n.contains(needle)),
                "{needle}: {loaded:?}"
            );
        }
        // As many operation blocks as the document has operations.
        let document: Value =
            serde_json::from_str(&fetch_text(&client, "/v1/openapi.json").await).unwrap();
        let operations: usize = document["paths"]
            .as_object()
            .unwrap()
            .values()
            .map(|path| path.as_object().unwrap().len())
            .sum();
        assert!(operations >= 24, "{operations}");
        let started = Instant::now();
        loop {
            let shown = client
                .execute(
                    "return document.querySelectorAll('.opblock').length",
                    vec![],
                )
                .await
                .unwrap()
                .as_u64()
                .unwrap_or(0);
            if shown as usize == operations {
                break;
            }
            assert!(
                started.elapsed() < WAIT,
                "{shown} of {operations} operations rendered"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        client.set_window_size(1280, 900).await.unwrap();
        let height = client
            .execute("return document.documentElement.scrollHeight", vec![])
            .await
            .unwrap()
            .as_u64()
            .unwrap_or(900);
        client
            .set_window_size(1280, (height as u32 + 120).clamp(700, 8000))
            .await
            .unwrap();
        let png = client.screenshot().await.unwrap();
        std::fs::write(screenshots().join("api-docs.png"), png).unwrap();
        client.close().await.unwrap();
    });
    let _ = stop.send(());
    runtime.block_on(server).unwrap().unwrap();
    state.worker.stop();
}
