//! End to end: the real `channeldesk` binary in a real window, driven through `tauri-driver`
//! and WebKitWebDriver (Linux, under Xvfb). Each test starts the program on its own temporary
//! data folder and always deletes its WebDriver session, so no window outlives it.
//!
//! When the tools are missing the tests skip with a message, unless `CHANNELDESK_E2E=required`
//! (set by `cargo xtask test` after it installed them), where a missing tool is a failure.
//! Screenshots and timings go to `$CARGO_TARGET_TMPDIR/e2e/`; with `CHANNELDESK_UPDATE_DOCS=1`
//! the screenshots are also written to `docs/screenshots/`.
//!
//! The program keeps its database key in the OS keychain (keyutils here); each session
//! removes the key it created when it closes.

mod printer;

use channeldesk::access::Role;
use channeldesk::secrets::Keychain;
use channeldesk::vault::{self, Unlock};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(15);
const OWNER_PASSWORD: &str = "owner-pass-2026";

/// Opens a data folder from the test with the same keychain the program uses.
async fn open_desk(dir: &Path) -> channeldesk::Desk {
    match vault::open(dir, &Keychain::native().expect("keychain")).await.expect("open data folder") {
        Unlock::Ready(d) => *d,
        Unlock::NeedsRecoveryKey(r) => panic!("needs the recovery key: {r:?}"),
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The launchers a Linux program opens a file with (those the `open` crate tries), in a
/// folder `viewer` of `dir` put first on the PATH the program gets: each writes the file it
/// was given to `viewer/opened` and says no program could show it (exit 3, as `xdg-open`
/// does on a laptop without a PDF viewer or spreadsheet program). What a test sees does not
/// depend on the programs of the machine it runs on, and nothing is started beside the test.
fn viewer_path(dir: &Path) -> std::ffi::OsString {
    use std::os::unix::fs::PermissionsExt;
    let viewer = dir.join("viewer");
    std::fs::create_dir_all(&viewer).expect("viewer dir");
    for name in ["xdg-open", "gio", "gnome-open", "kde-open6", "kde-open5", "kde-open", "wslview"] {
        let script = viewer.join(name);
        // Only the file is recorded, in one write: launchers pass words and options too
        // (`gio open -- FILE`), and a line of its own for `--` was once read as what was opened.
        let text = "#!/bin/sh\nfor a in \"$@\"; do case \"$a\" in open|-*) ;; *) printf '%s\\n' \"$a\" >> \"$(dirname \"$0\")/opened\";; esac; done\nexit 3\n";
        std::fs::write(&script, text).expect("viewer script");
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("viewer mode");
    }
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(viewer).chain(std::env::split_paths(&rest))).expect("PATH")
}

/// The program under test, the driver process and the session.
struct Session {
    client: Option<Client>,
    driver: Tree,
    data: tempfile::TempDir,
    data_dir: PathBuf,
}

/// A started tauri-driver, ended with everything below it when dropped: also when the test
/// fails before its session exists (a WebDriver session that could not be created left
/// tauri-driver and WebKitWebDriver running).
struct Tree(Child);

impl Tree {
    fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        end_tree(&mut self.0);
    }
}

/// Ends `child` and every process below it (tauri-driver starts WebKitWebDriver, which
/// starts the program, which starts its web processes): the whole tree is listed first, so
/// a process whose parent is already gone is not missed, then killed. A test that fails
/// ends its session this way too (on unwinding); one that times out is ended with its
/// process group by the test runner.
fn end_tree(child: &mut Child) {
    for (pid, _) in process_tree(child.id()).iter().skip(1).rev() {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `root` and every process below it, parents before children: pid and name, listed from
/// `/proc` at once (so a process whose parent is already gone is still found).
fn process_tree(root: u32) -> Vec<(u32, String)> {
    let all: Vec<(u32, u32, String)> = std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| {
                    let pid = e.file_name().to_str()?.parse::<u32>().ok()?;
                    let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
                    // `pid (comm) state ppid …`: the name may hold spaces, so read after ')'.
                    let (head, rest) = stat.rsplit_once(')')?;
                    let name = head.split_once('(')?.1.to_string();
                    let ppid = rest.split_whitespace().nth(1)?.parse().ok()?;
                    Some((pid, ppid, name))
                })
                .collect()
        })
        .unwrap_or_default();
    let name =
        |pid: u32| all.iter().find(|(p, _, _)| *p == pid).map(|(_, _, n)| n.clone()).unwrap_or_default();
    let mut tree = vec![(root, name(root))];
    let mut i = 0;
    while i < tree.len() {
        let parent = tree[i].0;
        tree.extend(all.iter().filter(|(_, pp, _)| *pp == parent).map(|(p, _, n)| (*p, n.clone())));
        i += 1;
    }
    tree
}

/// The program under test: this build, or an installed one (`CHANNELDESK_APP`, set by
/// `cargo xtask dist --check` to run the smoke tests against the installed package).
fn app_binary() -> String {
    std::env::var("CHANNELDESK_APP").unwrap_or_else(|_| env!("CARGO_BIN_EXE_channeldesk").to_string())
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Starts tauri-driver and a session on the program with a fresh data folder, prepared by
/// `prepare` (which runs before the program starts); waits for `first` (a CSS selector) to
/// show. `None` when the tools are not here.
async fn start<F, Fut>(prepare: F, first: &str) -> Option<(Session, Duration)>
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    start_with(prepare, first, &[]).await
}

/// [`start`] with extra environment for the program (through tauri-driver, which starts it).
async fn start_with<F, Fut>(prepare: F, first: &str, env: &[(&str, &str)]) -> Option<(Session, Duration)>
where
    F: FnOnce(PathBuf) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let required = std::env::var("CHANNELDESK_E2E").as_deref() == Ok("required");
    let driver_bin =
        std::env::var_os("CHANNELDESK_TAURI_DRIVER").map(PathBuf::from).or_else(|| which("tauri-driver"));
    let native = which("WebKitWebDriver");
    let display = std::env::var_os("DISPLAY").is_some();
    let (Some(driver_bin), Some(_), true) = (driver_bin, native, display) else {
        assert!(
            !required,
            "end-to-end tools missing (tauri-driver, WebKitWebDriver, DISPLAY) but CHANNELDESK_E2E=required"
        );
        eprintln!("skipping end-to-end test: tauri-driver, WebKitWebDriver or DISPLAY not available");
        return None;
    };
    let data = tempfile::tempdir().expect("temp data dir");
    let data_dir = data.path().join("data");
    prepare(data_dir.clone()).await;
    let path = viewer_path(data.path());

    let port = free_port();
    let native_port = free_port();
    // What the driver, the program and its web processes write to stderr goes to a file of
    // the session (its end is shown when the session cannot start), or to
    // CHANNELDESK_E2E_STDERR=FILE to keep it (e.g. the web engine's own logs, JSC_logGC=1).
    let stderr_file = std::env::var_os("CHANNELDESK_E2E_STDERR")
        .map(PathBuf::from)
        .unwrap_or_else(|| data.path().join("stderr.log"));
    let stderr = Stdio::from(
        std::fs::OpenOptions::new().create(true).append(true).open(&stderr_file).expect("stderr file"),
    );
    let driver = Command::new(driver_bin)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("PATH", path)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("start tauri-driver");
    let driver = Tree(driver);
    let deadline = Instant::now() + WAIT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({
            "application": app_binary(),
            "args": ["--data-dir", data_dir.to_str().expect("utf-8 path")],
        }),
    );
    caps.insert("browserName".into(), json!("wry"));
    let started = Instant::now();
    // A session that never answers fails here, with what the processes said, instead of
    // waiting for the test runner's timeout.
    let url = format!("http://127.0.0.1:{port}");
    let mut builder = ClientBuilder::native();
    builder.capabilities(caps);
    let client = match tokio::time::timeout(2 * WAIT, builder.connect(&url)).await {
        Ok(Ok(client)) => client,
        failed => {
            let said = std::fs::read_to_string(&stderr_file).unwrap_or_default();
            let tail: Vec<&str> = said.lines().rev().take(40).collect();
            let tree = process_tree(driver.id());
            panic!(
                "WebDriver session not created within {:?} ({}); processes: {tree:?}; their stderr ends:\n{}",
                2 * WAIT,
                match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "no answer".to_string(),
                },
                tail.into_iter().rev().collect::<Vec<_>>().join("\n")
            )
        }
    };
    let session = Session { client: Some(client), driver, data, data_dir };
    session.find(first).await;
    Some((session, started.elapsed()))
}

impl Session {
    fn c(&self) -> &Client {
        self.client.as_ref().expect("open session")
    }

    async fn find(&self, css: &str) -> Element {
        match self.c().wait().at_most(WAIT).for_element(Locator::Css(css)).await {
            Ok(el) => el,
            Err(e) => {
                self.shot("failure").await;
                panic!("element {css} did not appear: {e}")
            }
        }
    }

    async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("text")
    }

    /// Waits until the text of `css` contains `want`.
    async fn wait_text(&self, css: &str, want: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(el) = self.c().find(Locator::Css(css)).await
                && let Ok(t) = el.text().await
                && t.contains(want)
            {
                return;
            }
            if Instant::now() > deadline {
                self.shot("failure").await;
                let got = match self.c().find(Locator::Css(css)).await {
                    Ok(el) => el.text().await.unwrap_or_default(),
                    Err(_) => "(absent)".into(),
                };
                panic!("{css} never contained {want:?}; it shows {got:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the script `test` returns true.
    async fn wait_js(&self, test: &str) {
        let deadline = Instant::now() + WAIT;
        while self.js(test).await != json!(true) {
            if Instant::now() > deadline {
                self.shot("failure").await;
                panic!("never true: {test}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        if let Err(e) = el.clear().await {
            self.shot("failure").await;
            panic!("clear {css}: {e:?}");
        }
        if !text.is_empty() {
            el.send_keys(text).await.expect("type");
        }
    }

    /// Clicks `css`, scrolled into view first; an element drawn again between finding and
    /// clicking it (a list that renders twice as its data arrives) is looked up once more.
    async fn click(&self, css: &str) {
        let mut attempts = 0;
        loop {
            let el = self.find(css).await;
            let arg = serde_json::to_value(&el).expect("element reference");
            let clicked =
                match self.c().execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg]).await {
                    Ok(_) => el.click().await.map(|_| ()),
                    Err(e) => Err(e),
                };
            match clicked {
                Ok(()) => return,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference && attempts < 3 =>
                {
                    attempts += 1;
                }
                Err(e) => {
                    self.shot("failure").await;
                    panic!("click {css}: {e:?}");
                }
            }
        }
    }

    /// Chooses `value` in the select `css`, scrolled into view first. A screen that was drawn
    /// again between finding the select and choosing (the start-up screens re-render when the
    /// session answer arrives) is looked up once more.
    async fn choose(&self, css: &str, value: &str) {
        let mut attempts = 0;
        loop {
            let el = self.find(css).await;
            let arg = serde_json::to_value(&el).expect("element reference");
            let chosen =
                match self.c().execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg]).await {
                    Ok(_) => el.select_by_value(value).await,
                    Err(e) => Err(e),
                };
            match chosen {
                Ok(_) => return,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference && attempts < 3 =>
                {
                    attempts += 1;
                }
                Err(e) => panic!("choose {value:?} in {css}: {e:?}"),
            }
        }
    }

    /// Reloads the page and waits for `css` in the new document. Calls made while the old page
    /// unloads fail ("callback was not called before the unload event"); they are retried.
    async fn reload_until(&self, css: &str) {
        self.js("window.__reloading = true; setTimeout(() => location.reload(), 0); return true").await;
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = self
                .c()
                .execute(
                    "return !window.__reloading && !!document.querySelector(arguments[0])",
                    vec![json!(css)],
                )
                .await;
            if matches!(ready, Ok(ref v) if *v == json!(true)) {
                return;
            }
            if Instant::now() > deadline {
                self.shot("failure").await;
                panic!("{css} did not appear after reloading: {ready:?}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The element that has the keyboard focus (for typing as a person does).
    async fn active(&self) -> Element {
        self.c().active_element().await.expect("focused element")
    }

    async fn js(&self, script: &str) -> serde_json::Value {
        self.c().execute(script, vec![]).await.expect("script")
    }

    /// In the print preview now showing, opens the document in the system viewer (which
    /// writes it to the private temporary folder) and closes the preview.
    async fn open_in_viewer(&self) {
        self.find("#preview-pages img[src]").await;
        let before = self.opened().len();
        self.click("#preview-open").await;
        self.wait_opened(before, ".pdf").await;
        self.click("#preview-close").await;
    }

    /// The files handed to the system viewer so far (see [`viewer_path`]), oldest first.
    fn opened(&self) -> Vec<PathBuf> {
        let list = std::fs::read_to_string(self.data.path().join("viewer/opened")).unwrap_or_default();
        list.lines().map(PathBuf::from).collect()
    }

    /// Waits until one more file than `before` was handed to the viewer, ending in `suffix`
    /// and written in full (the viewer is given a finished file).
    async fn wait_opened(&self, before: usize, suffix: &str) -> PathBuf {
        let deadline = Instant::now() + WAIT;
        loop {
            let opened = self.opened();
            if opened.len() > before {
                let last = opened.last().expect("one").clone();
                assert!(
                    last.to_string_lossy().ends_with(suffix),
                    "the viewer was given {last:?}, not a {suffix}"
                );
                assert!(
                    last.metadata().map(|m| m.len() > 0).unwrap_or(false),
                    "{last:?} is empty or missing"
                );
                return last;
            }
            assert!(Instant::now() < deadline, "no file was handed to the system viewer");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn shot(&self, name: &str) {
        // Two animation frames, so the picture shows what the page just changed.
        let _ = self
            .c()
            .execute_async("const done = arguments[0]; requestAnimationFrame(() => requestAnimationFrame(() => done(1)));", vec![])
            .await;
        self.check_page(name, true).await;
        let png = self.c().screenshot().await.expect("screenshot");
        std::fs::write(artifacts().join(format!("{name}.png")), &png).expect("write screenshot");
        // Only the pictures the documents show are kept in docs/screenshots.
        if std::env::var("CHANNELDESK_UPDATE_DOCS").as_deref() == Ok("1") && shown_in_docs(name) {
            let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
            std::fs::create_dir_all(&docs).expect("docs dir");
            std::fs::write(docs.join(format!("{name}.png")), &png).expect("write docs screenshot");
        }
    }

    /// Every page a test looks at speaks to people (see [`WORDING`]) and, with `axe`, has no
    /// serious or critical accessibility violation (issue 23).
    /// With CHANNELDESK_PAGE_REPORT=FILE, what is found is appended to FILE instead (to see
    /// every page's findings in one run while mending them).
    async fn check_page(&self, name: &str, axe: bool) {
        let report = |what: &str, found: serde_json::Value| page_report(name, what, found);
        report("words not meant for people", self.js(WORDING).await);
        let Some(path) = std::env::var_os("CHANNELDESK_AXE").filter(|_| axe) else { return };
        if self.js("return typeof axe").await != json!("object") {
            let source = std::fs::read_to_string(&path).expect("axe-core");
            self.c().execute(&source, vec![]).await.expect("load axe-core");
        }
        report("accessibility violations", self.c().execute_async(AXE_RUN, vec![]).await.expect("axe run"));
    }

    /// Tabs through the whole page with the real keyboard (issue 23): every control is
    /// reached, each shows where focus is, and nothing that looks clickable is out of the
    /// keyboard's reach. Reported as [`Self::check_page`] does.
    async fn keyboard_walk(&self, name: &str) {
        let n = self.js(KEYBOARD_START).await.as_u64().expect("count of controls");
        if n == 0 {
            return;
        }
        // A control may take more than one press (a date field's year, month and day), and a
        // scrolling list is a stop of its own: press on until every control was reached or
        // four presses a control did not reach them.
        let (mut left, mut pressed) = (n, 0);
        while left > 0 && pressed < 4 * n + 20 {
            let tabs = "\u{E004}".repeat(left as usize + 2);
            self.active().await.send_keys(&tabs).await.expect("tab through the page");
            pressed += left + 2;
            left = self.js("return window.__keyboard.missed().length").await.as_u64().expect("count");
        }
        let found = self.js(KEYBOARD_END).await;
        for what in ["missed", "unringed", "clickable"] {
            page_report(name, &format!("keyboard: {what}"), found[what].clone());
        }
    }

    async fn set_language(&self, lang: &str, nav_text: &str) {
        self.choose("#lang-select", lang).await;
        self.wait_text("[data-nav=partners]", nav_text).await;
        self.wait_rendered(lang).await;
    }

    /// Waits until the current view has finished rendering in `lang`.
    async fn wait_rendered(&self, lang: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let r = self.js("return document.body.dataset.rendered || ''").await;
            if r.as_str().is_some_and(|r| r.split('|').nth(1) == Some(lang)) {
                return;
            }
            assert!(Instant::now() < deadline, "view never finished rendering in {lang}: {r}");
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }

    /// Always ends the session, so the program exits; hands back the data folder.
    async fn close(mut self) -> tempfile::TempDir {
        if let Some(c) = self.client.take() {
            c.close().await.expect("delete session");
        }
        end_tree(&mut self.driver.0);
        std::mem::replace(&mut self.data, tempfile::tempdir().expect("temp dir"))
    }

    /// A command called from the page as a crafted script would (not through the UI); the
    /// error code, or "ok".
    async fn invoke(&self, cmd: &str, args: serde_json::Value) -> String {
        let r = self
            .c()
            .execute_async(
                "const [cmd, args, done] = arguments;
                 window.__TAURI__.core.invoke(cmd, args).then(() => done('ok'), (e) => done(e && e.code || String(e)));",
                vec![json!(cmd), args],
            )
            .await
            .expect("script");
        r.as_str().unwrap_or_default().to_string()
    }

    /// The first-start form: creates the owner and declines printing the recovery kit now.
    async fn set_up_owner(&self) {
        self.type_into("#setup-form #g-display_name", "王店主").await;
        self.type_into("#setup-form #g-login", "owner").await;
        self.type_into("#setup-form #g-password", OWNER_PASSWORD).await;
        self.type_into("#setup-form #g-password_again", OWNER_PASSWORD).await;
        self.click("#setup-save").await;
        self.wait_text("dialog[open]", "恢复密钥").await;
        self.click("dialog[open] button[value=cancel]").await;
        self.find("#home-summary").await;
    }

    /// Opens home's 全部 / All section (everyone's work, below the person's own), as a person
    /// does by clicking its title.
    async fn open_all_work(&self) {
        if self.js("return document.getElementById('home-all')?.open === false").await == json!(true) {
            self.click("#home-all > summary").await;
        }
        self.wait_js("return document.getElementById('home-all')?.open !== false").await;
    }

    async fn sign_in(&self, login: &str, password: &str) {
        self.type_into("#sign-in-form #g-login", login).await;
        self.type_into("#sign-in-form #g-password", password).await;
        self.click("#sign-in").await;
    }
}

/// Waits for the lead form's "saved" line naming `want`, with the focus back on the company.
async fn lead_saved(s: &Session, want: &str) {
    s.wait_text("#lead-saved", want).await;
    let company = s.js("return document.activeElement.name").await;
    assert_eq!(company, json!("company_name"), "focus is back on the company for the next visitor");
}

/// Whether a document in docs/ or the README shows the screenshot `name`.
fn shown_in_docs(name: &str) -> bool {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let wanted = format!("screenshots/{name}.png");
    let docs = std::fs::read_dir(root.join("docs")).into_iter().flatten().flatten().map(|e| e.path());
    docs.chain([root.join("README.md")])
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .any(|p| std::fs::read_to_string(p).is_ok_and(|t| t.contains(&wanted)))
}

/// Removes the keychain entry of a data folder the program created.
fn forget_key(dir: &Path) {
    if let Ok(id) = std::fs::read_to_string(dir.join(vault::KEY_ID_FILE))
        && let Ok(kc) = Keychain::native()
    {
        let _ = kc.forget(id.trim());
    }
}

async fn open_partners(s: &Session) {
    s.click("[data-nav=partners]").await;
    s.find("#partner-search").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_register_through_the_window() {
    let Some((s, _)) = start(|_| async {}, "#setup-form").await else { return };
    s.set_up_owner().await;
    s.shot("home-empty-zh").await;

    // An empty register says what to do.
    open_partners(&s).await;
    s.wait_text("#partners-empty", "新建合作伙伴").await;

    // Create through the form; a bad credit code is refused next to its field.
    s.click("#partner-new").await;
    s.type_into("#f-name", "杭州蓝海网络科技有限公司").await;
    s.type_into("#f-credit_code", "91350100M000100Y44").await;
    s.click("#contact-add").await;
    s.type_into("#c-0-name", "陈杰").await;
    s.type_into("#c-0-mobile", "139-5712-3456").await;
    s.click("#partner-save").await;
    s.wait_text(".field-error[data-for=credit_code]", "校验位").await;
    let invalid = s.find("#f-credit_code").await.attr("aria-invalid").await.expect("attr");
    assert_eq!(invalid.as_deref(), Some("true"));
    s.shot("form-error-zh").await;

    s.type_into("#f-credit_code", "91350100M000100Y43").await;
    // Ctrl+S saves.
    s.find("#f-name").await.send_keys(&(Key::Control + "s")).await.expect("ctrl+s");
    s.wait_text("#partner-title", "杭州蓝海网络科技有限公司").await;
    assert!(s.text("[data-field=credit_code]").await.contains("91350100M000100Y43"));

    // The same company typed again is caught while typing, and saving asks first.
    s.click("[data-nav=partners]").await;
    s.click("#partner-new").await;
    s.type_into("#f-name", "杭州 蓝海网络科技股份有限公司").await;
    s.click("#f-short_name").await; // leaving the name field checks for duplicates
    s.wait_text("#duplicate-warning", "名称相似").await;
    s.wait_text("#duplicate-warning a", "杭州蓝海网络科技有限公司").await;
    s.click("#partner-save").await;
    s.wait_text("dialog[open]", "可能是同一家公司").await;
    s.shot("duplicate-dialog-zh").await;
    s.click("dialog[open] button[value=cancel]").await;
    s.find("#partner-form").await;
    // Nothing was saved: leave the form without keeping the text.
    s.find("#f-name").await.send_keys(&Key::Escape.to_string()).await.expect("esc");
    s.click("dialog[open] button.danger").await;
    s.find("#partner-search").await;
    s.wait_text("#partner-count", "共 1 家").await;

    // Find it by a Chinese substring from the list.
    open_partners(&s).await;
    s.type_into("#partner-search", "蓝海网络").await;
    s.wait_text("#partner-table mark", "蓝海网络").await;
    s.type_into("#partner-search", "5712").await;
    s.wait_text("#partner-table mark", "5712").await;

    // Edit it: Enter opens the selected row, E edits.
    s.find("#partner-search").await.send_keys(&Key::Enter.to_string()).await.expect("enter");
    s.wait_text("#partner-title", "杭州蓝海网络科技有限公司").await;
    s.click("#partner-edit").await;
    s.type_into("#f-city", "杭州").await;
    s.choose("#f-province", "33").await;
    s.click("#partner-save").await;
    s.wait_text("[data-field=region]", "浙江省 · 杭州").await;
    s.wait_text("#partner-history", "修改").await;

    // Switch to English and back.
    s.set_language("en", "Partners").await;
    s.wait_text("[data-field=region]", "Zhejiang").await;
    s.wait_text("#partner-history", "Changed").await;
    s.shot("partner-detail-en").await;
    s.set_language("zh-CN", "合作伙伴").await;

    // Delete, then undo from the toast.
    s.click("#partner-delete").await;
    s.click("dialog[open] button.danger").await;
    s.find("#partner-search").await;
    s.wait_text("#toasts", "已删除").await;
    s.click("#toasts button").await;
    s.wait_text("#partner-title", "杭州蓝海网络科技有限公司").await;
    assert!(
        s.c().find(Locator::Css("#partner-delete")).await.is_ok(),
        "restored partner can be deleted again"
    );

    // Markup in a name is shown as text, never run.
    s.click("[data-nav=partners]").await;
    s.click("#partner-new").await;
    s.type_into("#f-name", "<img src=x onerror=alert(1)>").await;
    s.choose("#f-channel_contact_id", "").await;
    s.click("#partner-save").await;
    s.wait_text("#partner-title", "<img src=x onerror=alert(1)>").await;
    let imgs = s.js("return document.querySelectorAll('#view img').length").await;
    assert_eq!(imgs, json!(0));

    // Without a channel contact (R2.3.1) the page says so and assigns one on the spot.
    s.wait_text(".warn-box.assign", "渠道对接人").await;
    s.shot("partner-assign-zh").await;
    let chosen =
        s.js("return document.querySelector('#assign-contact').selectedOptions[0].textContent").await;
    let chosen = chosen.as_str().expect("a user to choose").to_string();
    s.click("#assign-save").await;
    s.wait_text("[data-field=channel_contact]", &chosen).await;
    assert!(s.c().find(Locator::Css(".warn-box.assign")).await.is_err(), "warning gone once assigned");

    // The language choice is stored in the database, for the next start.
    s.set_language("en", "Partners").await;
    let dir = s.data_dir.clone();
    let _kept = s.close().await;
    let desk = open_desk(&dir).await;
    channeldesk::users::sign_in(&desk, "owner", OWNER_PASSWORD).await.expect("sign in");
    let page = channeldesk::partners::list(&desk, &Default::default()).await.expect("list");
    assert_eq!(channeldesk::settings::get(&desk).await.expect("settings").language, "en");
    assert_eq!(page.total, 2, "exactly the two partners saved through the window");
    desk.close().await;
    forget_key(&dir);
}

/// Start-up and search timings on a register of generated partners, and the screenshots of
/// a filled register for the docs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filled_register_timings_and_screenshots() {
    const PARTNERS: usize = 2_000;
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        channeldesk::demo::seed(&desk, PARTNERS, 20261127).await.expect("seed");
        desk.close().await;
    };
    let Some((s, to_sign_in)) = start(prepare, "#sign-in-form").await else { return };
    s.shot("sign-in-zh").await;
    let t_sign_in = Instant::now();
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    let sign_in_to_home = t_sign_in.elapsed();
    let to_home = to_sign_in + sign_in_to_home;
    let t0 = Instant::now();
    open_partners(&s).await;
    s.find("#partner-table tbody tr").await;
    let to_list = to_home + t0.elapsed();
    s.wait_text("#partner-count", &format!("{PARTNERS}")).await;
    s.shot("partners-zh").await;

    // Keystroke to updated list, measured inside the page (includes the 120 ms debounce).
    let mut samples = Vec::new();
    for q in ["深圳", "华信科", "联创智能科技", "138"] {
        let before = s.js("return document.body.dataset.listSeq || ''").await;
        s.type_into("#partner-search", q).await;
        let deadline = Instant::now() + WAIT;
        loop {
            let now = s.js("return document.body.dataset.listSeq || ''").await;
            let input_at = s.js("return Number(document.body.dataset.inputAt)").await;
            let list_at = s.js("return Number(document.body.dataset.listAt)").await;
            if now != before && list_at.as_f64() > input_at.as_f64() {
                samples.push((q, list_at.as_f64().unwrap_or(0.0) - input_at.as_f64().unwrap_or(0.0)));
                break;
            }
            assert!(Instant::now() < deadline, "list never updated for {q}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    s.find("#partner-table mark").await;
    s.shot("partners-search-zh").await;

    s.set_language("en", "Partners").await;
    // Esc clears the search.
    s.find("#partner-search").await.send_keys(&Key::Escape.to_string()).await.expect("esc");
    s.wait_text("#partner-count", &format!("{PARTNERS}")).await;
    s.shot("partners-en").await;
    s.click("#partner-table tbody tr a.partner-link").await;
    s.find("#partner-title").await;
    s.shot("partner-detail-en-filled").await;
    s.set_language("zh-CN", "合作伙伴").await;
    s.shot("partner-detail-zh").await;
    s.click("[data-nav=home]").await;
    s.find(".reminder").await;
    s.shot("home-zh").await;
    // Issue 25: the dashboard's six cards, from the click to the last one shown.
    s.js("delete document.body.dataset.dashboardMs; return 1").await;
    s.click("[data-nav=dashboard]").await;
    s.wait_js("return Boolean(document.body.dataset.dashboardMs)").await;
    let dashboard_ms = s.js("return Number(document.body.dataset.dashboardMs)").await;
    s.click("[data-nav=settings]").await;
    s.wait_text("#view", "本机代码").await;
    s.shot("settings-zh").await;
    s.click("[data-nav=audit]").await;
    s.find("#audit-table tbody tr").await;
    s.click("#audit-verify-button").await;
    s.wait_text("#audit-verify", "哈希链完整").await;
    s.shot("audit-zh").await;
    // The generated pipeline: leads of a past show spread over every stage.
    s.click("[data-nav=pipeline]").await;
    s.wait_text(".pipe-column[data-stage=negotiation] .count", "8").await;
    s.shot("pipeline-demo-zh").await;
    s.click("[data-nav=events]").await;
    s.click("#events-table tbody tr:last-child a").await;
    s.find("#event-funnel").await;
    s.shot("event-demo-zh").await;
    // The generated agreements: every state in the list, an ended one with its handover, the
    // clause library, and the list in English.
    s.click("[data-nav=agreements]").await;
    s.find("#agreements-table [data-state=ended]").await;
    s.shot("agreements-demo-zh").await;
    s.click("#agreements-table tr:has([data-state=ended]) .partner-link").await;
    s.find("#handover").await;
    s.js("document.querySelector('#agreement-end').scrollIntoView(); return 1").await;
    s.shot("agreement-ended-zh").await;
    s.click("[data-nav=agreements]").await;
    s.click("#agreement-clauses").await;
    s.find(".clause-lib").await;
    s.shot("clauses-zh").await;
    // The seam-seal mark is set per template there (R3.1.3), and the core keeps it.
    let seam = "#templates li[data-template] input[type=checkbox]";
    let was = s.js(&format!("return document.querySelector('{seam}').checked")).await;
    s.click(seam).await;
    s.wait_text(".toast", if was == json!(true) { "不再印骑缝章标记" } else { "将印骑缝章标记" }).await;
    let kept = s
        .c()
        .execute_async(
            "const [css, done] = arguments; const id = document.querySelector(css).closest('li').dataset.template;
             window.__TAURI__.core.invoke('agreement_templates').then((ts) => done(ts.find((t) => t.id === id).seam_mark));",
            vec![json!(seam)],
        )
        .await
        .expect("templates");
    assert_eq!(kept, json!(was != json!(true)), "the template keeps what was ticked");
    s.click("[data-nav=evaluations]").await;
    s.choose("#evaluations-status", "finished").await;
    s.wait_text("#evaluations-count", "12").await;
    s.shot("evaluations-demo-zh").await;
    s.set_language("en", "Partners").await;
    s.click("[data-nav=agreements]").await;
    s.find("#agreements-table [data-state=ended]").await;
    s.shot("agreements-demo-en").await;
    s.set_language("zh-CN", "合作伙伴").await;
    let dir = s.data_dir.clone();
    s.close().await;
    forget_key(&dir);

    let report = json!({
        "partners": PARTNERS,
        "start_to_sign_in_ms": to_sign_in.as_millis(),
        "sign_in_to_home_ms": sign_in_to_home.as_millis(),
        "start_to_home_ms": to_home.as_millis(),
        "start_to_partner_list_ms": to_list.as_millis(),
        "dashboard_first_paint_ms": dashboard_ms,
        "keystroke_to_list_ms": samples.iter().map(|(q, ms)| json!({"query": q, "ms": (ms * 10.0).round() / 10.0})).collect::<Vec<_>>(),
    });
    eprintln!("{report}");
    std::fs::write(artifacts().join("timings.json"), serde_json::to_vec_pretty(&report).expect("json"))
        .expect("timings");
    for (q, ms) in samples {
        assert!(ms > 0.0, "{q}: the list updated after the keystroke");
    }
}

/// Accounts, roles, lock and kiosk through the window: the owner adds a channel staff
/// member, who signs in, is refused what the role does not allow (by the core, also when the
/// page calls the command itself), locks and unlocks, and turns the laptop into the kiosk,
/// which cannot be escaped by URL, history, keys, reload or crafted calls.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_lock_and_kiosk_through_the_window() {
    let Some((s, _)) = start(|_| async {}, "#setup-form").await else { return };
    s.shot("setup-zh").await;
    s.choose("#gate-lang", "en").await;
    s.wait_text("#setup-form h1", "Welcome to ChannelDesk").await;
    s.shot("setup-en").await;
    s.choose("#gate-lang", "zh-CN").await;
    s.wait_text("#setup-form h1", "欢迎使用渠道商务台").await;
    // Mismatched passwords are caught before anything is created.
    s.type_into("#setup-form #g-display_name", "王店主").await;
    s.type_into("#setup-form #g-login", "owner").await;
    s.type_into("#setup-form #g-password", OWNER_PASSWORD).await;
    s.type_into("#setup-form #g-password_again", "something else").await;
    s.click("#setup-save").await;
    s.wait_text(".field-error[data-for=password_again]", "不一致").await;
    // A short password is refused by the core, next to its field.
    s.type_into("#setup-form #g-password", "short").await;
    s.type_into("#setup-form #g-password_again", "short").await;
    s.click("#setup-save").await;
    s.wait_text(".field-error[data-for=password]", "至少 8").await;
    s.set_up_owner().await;

    // The owner adds a channel staff member.
    s.click("[data-nav=users]").await;
    s.click("#user-add").await;
    s.type_into("#user-form #g-login", "zhang").await;
    s.type_into("#user-form #g-display_name", "张渠道").await;
    s.type_into("#user-form #g-password", "zhang-pass-1").await;
    s.shot("user-form-zh").await;
    s.click("#user-save").await;
    s.wait_text("#users-table", "张渠道").await;
    s.shot("users-zh").await;

    // Sign out; a wrong password is refused, the right one lets the staff member in.
    s.click("#sign-out").await;
    s.sign_in("zhang", "wrong-password").await;
    s.wait_text(".field-error[data-for=password]", "不正确").await;
    s.sign_in("zhang", "zhang-pass-1").await;
    s.find("#home-summary").await;
    s.wait_text("#whoami", "张渠道").await;
    let nav = s.text("#nav").await;
    assert!(!nav.contains("审计") && !nav.contains("用户"), "staff do not see audit or accounts: {nav}");
    // What the role may not do is refused by the core, whatever the page tries.
    assert_eq!(s.invoke("audit_list", json!({ "query": {} })).await, "forbidden");
    assert_eq!(s.invoke("audit_verify", json!({})).await, "forbidden");
    assert_eq!(
        s.invoke("users_create", json!({ "input": { "login": "x", "display_name": "x", "password": "password-9", "roles": ["admin"] } }))
            .await,
        "forbidden"
    );
    assert_eq!(s.invoke("settings_set_idle_minutes", json!({ "minutes": 240 })).await, "forbidden");
    s.js("location.hash = '#/audit'").await;
    s.wait_text("#view", "没有执行此操作的权限").await;

    // Ctrl+L locks; while locked the core answers nothing; the password unlocks.
    s.click("[data-nav=home]").await;
    s.find("#home-summary").await.send_keys(&(Key::Control + "l")).await.ok();
    s.js("document.dispatchEvent(new KeyboardEvent('keydown', { key: 'l', ctrlKey: true, bubbles: true }))")
        .await;
    s.wait_text("#lock-layer", "已锁定").await;
    s.shot("lock-zh").await;
    assert_eq!(
        s.js("return document.getElementById('app').inert").await,
        json!(true),
        "the program under the lock takes no input"
    );
    assert_eq!(s.invoke("partners_list", json!({ "query": {} })).await, "locked");
    s.type_into("#lock-layer #g-password", "nope").await;
    s.click("#unlock").await;
    s.wait_text("#unlock-form .field-error[data-for=password]", "不正确").await;
    s.type_into("#lock-layer #g-password", "zhang-pass-1").await;
    s.click("#unlock").await;
    let deadline = Instant::now() + WAIT;
    while s.js("return document.getElementById('lock-layer').children.length").await != json!(0) {
        assert!(Instant::now() < deadline, "the lock never lifted");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(s.invoke("partners_list", json!({ "query": {} })).await, "ok");

    // The kiosk.
    s.click("#kiosk-start").await;
    s.type_into("#kiosk-event", "2026 深圳安博会").await;
    s.click("#kiosk-go").await;
    s.find("#kiosk-form").await;
    s.wait_text("#kiosk-event-name", "2026 深圳安博会").await;
    // No way out: URL, history, shortcuts, reload, crafted calls.
    s.js("location.hash = '#/partners'").await;
    s.js("history.back()").await;
    s.find("#kiosk-form").await.send_keys(&(Key::Control + "n")).await.ok();
    s.find("#kiosk-form").await;
    assert!(s.c().find(Locator::Css("#partner-search")).await.is_err(), "the register never shows");
    assert!(s.js("return document.getElementById('app').hidden").await == json!(true));
    s.reload_until("#kiosk-form").await;
    for (cmd, args) in [
        ("partners_list", json!({ "query": {} })),
        ("partners_get", json!({ "id": "x" })),
        ("reminders_due", json!({})),
        ("users_list", json!({})),
        ("applications_get", json!({ "id": "x" })),
        ("audit_list", json!({ "query": {} })),
        ("kiosk_start", json!({ "event": "x" })),
        ("session_sign_in", json!({ "login": "owner", "password": OWNER_PASSWORD })),
    ] {
        assert_eq!(s.invoke(cmd, args).await, "forbidden", "{cmd} from the kiosk");
    }
    assert_eq!(s.invoke("session_sign_out", json!({})).await, "ok");
    s.reload_until("#kiosk-form").await;

    // A visitor may prefer English.
    s.choose("#gate-lang", "en").await;
    s.wait_text(".kiosk-head h1", "Become our partner").await;
    s.shot("kiosk-en").await;
    s.choose("#gate-lang", "zh-CN").await;
    s.wait_text(".kiosk-head h1", "成为我们的合作伙伴").await;

    // A visitor's mistakes are shown by field; a good application gets a thank-you.
    s.type_into("#kiosk-form #g-contact_name", "陈先生").await;
    s.type_into("#kiosk-form #g-contact_mobile", "call me").await;
    s.click("#kiosk-submit").await;
    s.wait_text(".field-error[data-for=company_name]", "必填").await;
    s.wait_text(".field-error[data-for=contact_mobile]", "手机号码").await;
    s.type_into("#kiosk-form #g-company_name", "东莞新安防科技有限公司").await;
    s.type_into("#kiosk-form #g-contact_mobile", "13800138000").await;
    s.type_into("#kiosk-form #g-business_scope", "安防设备销售与安装").await;
    s.shot("kiosk-zh").await;
    s.click("#kiosk-submit").await;
    s.wait_text("#kiosk-thanks", "东莞新安防科技有限公司").await;
    s.click("#kiosk-next").await;
    let cleared = s.js("return document.querySelector('#g-company_name').value").await;
    assert_eq!(cleared, json!(""), "the next visitor sees an empty form");

    // Only a staff password ends it.
    s.find("#kiosk-form #g-company_name").await;
    s.click("#kiosk-staff").await;
    s.type_into("#kiosk-exit-form #g-login", "zhang").await;
    s.type_into("#kiosk-exit-form #g-password", "wrong").await;
    s.click("#kiosk-exit").await;
    s.wait_text("#kiosk-exit-form .field-error[data-for=password]", "不正确").await;
    s.type_into("#kiosk-exit-form #g-password", "zhang-pass-1").await;
    s.click("#kiosk-exit").await;
    s.find("#home-summary").await;

    // Back at home, the application waits to be registered.
    s.wait_text(".reminder[data-kind=application_waiting]", "东莞新安防科技有限公司").await;
    s.shot("home-application-zh").await;
    s.click(".reminder[data-kind=application_waiting] a").await;
    s.wait_text("#application-info", "2026 深圳安博会").await;
    let name = s.js("return document.querySelector('#f-name').value").await;
    assert_eq!(name, json!("东莞新安防科技有限公司"));
    s.click("#partner-save").await;
    s.wait_text("#partner-title", "东莞新安防科技有限公司").await;
    s.wait_text("[data-field=source_detail]", "2026 深圳安博会").await;

    let dir = s.data_dir.clone();
    let _kept = s.close().await;
    let desk = open_desk(&dir).await;
    channeldesk::users::sign_in(&desk, "owner", OWNER_PASSWORD).await.expect("owner signs in");
    assert!(channeldesk::audit::verify(&desk).await.expect("verify").intact);
    let page = channeldesk::audit::list(
        &desk,
        &channeldesk::audit::AuditQuery { operation: Some("submit".into()), ..Default::default() },
    )
    .await
    .expect("audit");
    assert_eq!(page.total, 1, "one application submitted");
    assert_eq!(page.entries[0].role, "kiosk");
    desk.close().await;
    forget_key(&dir);
}

/// A data folder whose key is not in this computer's keychain (a new laptop): the program asks
/// for the recovery key, refuses a wrong one by field, and opens with the printed one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recovery_key_opens_data_on_a_new_computer() {
    let code = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let kept = code.clone();
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        let mut p = channeldesk::partners::PartnerInput {
            name: "宁波恢复测试贸易有限公司".into(),
            source_kind: "online".into(),
            ..Default::default()
        };
        p.tags = vec!["恢复".into()];
        channeldesk::partners::migrate(
            &desk,
            &[channeldesk::partners::MigrationRow { partner: p.clone(), class: String::new() }],
        )
        .await
        .expect("partner");
        let kc = Keychain::native().expect("keychain");
        *kept.lock().expect("lock") = vault::recovery_code(&desk, &kc).await.expect("code");
        desk.close().await;
        forget_key(&dir); // the new laptop's keychain knows nothing of this data
    };
    let Some((s, _)) = start(prepare, "#recovery-form").await else { return };
    s.wait_text("#recovery-form", "钥匙串中没有").await;
    s.shot("recovery-zh").await;
    s.type_into("#recovery-form #g-recovery_key", "ABCDE-FGHJK-MNPQR").await;
    s.click("#recovery-open").await;
    s.wait_text("#recovery-form .field-error[data-for=recovery_key]", "格式").await;
    let right = code.lock().expect("lock").clone();
    s.type_into("#recovery-form #g-recovery_key", &right.to_lowercase().replace('-', " ")).await;
    s.click("#recovery-open").await;
    s.find("#sign-in-form").await;
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    s.click("[data-nav=partners]").await;
    s.wait_text("#partner-table", "宁波恢复测试贸易有限公司").await;
    let dir = s.data_dir.clone();
    let _kept = s.close().await;
    // The key was kept in this keychain: the next start opens directly.
    let desk = open_desk(&dir).await;
    desk.close().await;
    forget_key(&dir);
}

/// Sign-in as people type it: the password field is chosen the moment the form shows, and
/// the focus stays there (it used to be pulled back to the login field 24–34 ms later), so
/// fast typing never puts a password into the visible login field (issue 22).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_focus_placed_at_sign_in_stays_where_it_was_placed() {
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    // Every focus change from the moment the form is found, with its time.
    s.js(
        "window.__focus = [];
         document.getElementById('g-password').focus();
         const t0 = performance.now();
         document.addEventListener('focusin', (e) => window.__focus.push([e.target.id, Math.round(performance.now() - t0)]), true);",
    )
    .await;
    s.active().await.send_keys(OWNER_PASSWORD).await.expect("type the password");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let moves = s.js("return window.__focus").await;
    assert_eq!(moves, json!([]), "the focus moved by itself after the form showed");
    assert_eq!(s.js("return document.getElementById('g-login').value").await, json!(""));
    assert_eq!(s.js("return document.getElementById('g-password').value").await, json!(OWNER_PASSWORD));
    let dir = s.data_dir.clone();
    let _kept = s.close().await;
    forget_key(&dir);
}

/// A data folder that cannot be opened (here the path is a file) is explained in the window,
/// in both languages, with a retry, instead of the program vanishing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unusable_data_folder_is_explained() {
    let prepare = |dir: PathBuf| async move {
        std::fs::create_dir_all(dir.parent().expect("parent")).expect("parent dir");
        std::fs::write(&dir, b"not a folder").expect("file in the way");
    };
    let Some((s, _)) = start(prepare, "#failure-form").await else { return };
    s.wait_text("#failure-form h1", "无法打开数据").await;
    s.wait_text("#failure-reason", "数据读写出错").await;
    s.shot("failure-zh").await;
    s.click("#failure-retry").await;
    s.find("#failure-form").await;
    s.choose("#gate-lang", "en").await;
    s.wait_text("#failure-form h1", "The data cannot be opened").await;
    s.close().await;
}

/// Trade show to signed partner (R2.1.1–R2.1.4): an event, three leads captured with the
/// keyboard only (one from a scanned card), a look-alike caught and merged, a visitor's kiosk
/// application that cannot leave the kiosk without a password, and one prospect taken
/// through every gate, a gate without its record refused with the reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trade_show_leads_to_a_prospect_at_the_signing_stage() {
    let Some((s, _)) = start(|_| async {}, "#setup-form").await else { return };
    s.set_up_owner().await;

    // An event.
    s.click("[data-nav=events]").await;
    s.click("#event-new").await;
    s.type_into("#event-form #f-name", "2026 深圳安博会").await;
    s.type_into("#event-form #f-city", "深圳").await;
    s.type_into("#event-form #f-booth", "9B21").await;
    s.click("#event-form [name^='staff.']").await;
    s.click("#event-form-submit").await;
    s.wait_text("#event-title", "2026 深圳安博会").await;

    // Lead capture, keyboard only: type, Tab, Enter; the form empties for the next visitor.
    s.click("#event-capture").await;
    s.find("#lead-form").await;
    let mut timings = Vec::new();
    s.active()
        .await
        .send_keys("深圳市启明科技有限公司\t陈明\t\t13800000001\u{E007}")
        .await
        .expect("type lead 1");
    lead_saved(&s, "深圳市启明科技有限公司").await;
    timings.push(s.js("return Number(document.body.dataset.leadSaveMs)").await);
    s.shot("lead-capture-zh").await;
    // A card scanned into the card field (F2) fills the form; Enter in the next field saves.
    s.active().await.send_keys(&Key::F2.to_string()).await.expect("F2");
    assert_eq!(s.js("return document.activeElement.id").await, json!("lead-scan"));
    s.active()
        .await
        .send_keys("MECARD:N:赵,敏;ORG:杭州云帆网络有限公司;TEL:13900000002;EMAIL:zm@yunfan.cn;;")
        .await
        .expect("scan");
    s.wait_text("#toasts", "已读取名片").await;
    assert_eq!(s.js("return document.querySelector('#f-contact_name').value").await, json!("赵敏"));
    s.active().await.send_keys("门禁与考勤\u{E007}").await.expect("type lead 2");
    lead_saved(&s, "杭州云帆网络有限公司").await;
    timings.push(s.js("return Number(document.body.dataset.leadSaveMs)").await);
    s.active()
        .await
        .send_keys("成都蓝海信息有限公司\t孙立\t\t\tsunli@lanhai.cn\u{E007}")
        .await
        .expect("type lead 3");
    lead_saved(&s, "成都蓝海信息有限公司").await;
    timings.push(s.js("return Number(document.body.dataset.leadSaveMs)").await);
    s.wait_text("#lead-count", "3").await;

    // The same company again under another spelling: caught on the spot, merged with "1".
    s.active()
        .await
        .send_keys("深圳启明科技有限公司\t刘经理\t\t13700000009\u{E007}")
        .await
        .expect("type duplicate");
    s.wait_text("#lead-similar", "深圳市启明科技有限公司").await;
    s.shot("lead-similar-zh").await;
    s.active().await.send_keys("1").await.expect("choose merge");
    s.wait_text("#lead-saved", "已并入").await;
    s.wait_text("#lead-count", "3").await;
    std::fs::write(artifacts().join("lead-save-ms.json"), json!(timings).to_string()).expect("timings");
    // An address-book file of two cards becomes two leads at once.
    s.js(
        "const el = document.getElementById('lead-scan'); el.focus();
         el.value = 'BEGIN:VCARD\\nVERSION:3.0\\nFN:周杰\\nORG:苏州智造有限公司\\nTEL;TYPE=CELL:13500000005\\nEND:VCARD\\n'
           + 'BEGIN:VCARD\\nVERSION:3.0\\nFN:钱多\\nORG:武汉长江物联有限公司\\nEMAIL:qd@cj.cn\\nEND:VCARD';",
    )
    .await;
    s.active().await.send_keys(&(Key::Control + &Key::Enter)).await.expect("read cards");
    s.wait_text("#cards-form", "苏州智造有限公司").await;
    s.click("#cards-form-submit").await;
    s.wait_text("#lead-saved", "已录入 2 / 2").await;
    s.wait_text("#lead-count", "5").await;

    // The kiosk for this event: a visitor applies and cannot leave without a password. The
    // sidebar's kiosk button offers the events (shown, then cancelled); the event page starts it.
    s.click("#kiosk-start").await;
    s.wait_text("dialog[open] #kiosk-event-id", "2026 深圳安博会").await;
    assert_ne!(
        s.js("return document.getElementById('kiosk-event-id').value").await,
        json!(""),
        "the event is chosen"
    );
    s.shot("kiosk-event-dialog-zh").await;
    s.click("dialog[open] button[value=cancel]").await;
    s.click(".crumbs a[href^='#/events/']").await;
    s.click("#event-kiosk").await;
    s.wait_text("#kiosk-event-name", "2026 深圳安博会").await;
    s.type_into("#kiosk-form #g-company_name", "东莞新安防科技有限公司").await;
    s.type_into("#kiosk-form #g-contact_name", "吴女士").await;
    s.type_into("#kiosk-form #g-contact_mobile", "13600000003").await;
    s.click("#kiosk-submit").await;
    s.wait_text("#kiosk-thanks", "东莞新安防科技有限公司").await;
    s.js("location.hash = '#/pipeline'").await;
    s.find("#kiosk-thanks").await;
    assert_eq!(s.invoke("pipeline_board", json!({ "query": {} })).await, "forbidden");
    assert_eq!(s.invoke("lead_capture", json!({ "input": {}, "confirmSimilar": true })).await, "forbidden");
    s.click("#kiosk-next").await;
    s.click("#kiosk-staff").await;
    s.type_into("#kiosk-exit-form #g-login", "owner").await;
    s.type_into("#kiosk-exit-form #g-password", "not the password").await;
    s.click("#kiosk-exit").await;
    s.wait_text("#kiosk-exit-form .field-error[data-for=password]", "不正确").await;
    s.type_into("#kiosk-exit-form #g-password", OWNER_PASSWORD).await;
    s.click("#kiosk-exit").await;
    s.click(".reminder[data-kind=application_waiting] a").await;
    s.click("#partner-save").await;
    s.wait_text("#prospect-stage", "申请").await;
    s.wait_text("#prospect", "2026 深圳安博会").await;

    // The board: the first lead's card moved on with "]" is refused by its gate, with why.
    s.click("[data-nav=pipeline]").await;
    s.wait_text(".pipe-column[data-stage=application]", "深圳市启明科技有限公司").await;
    s.wait_text(".pipe-column[data-stage=application] .count", "6").await;
    s.shot("pipeline-board-zh").await;
    s.click("#pipeline-as-list").await;
    s.wait_text("#pipeline-list", "东莞新安防科技有限公司").await;
    s.shot("pipeline-list-zh").await;
    s.click("#pipeline-as-board").await;
    s.wait_text(".pipe-column[data-stage=application]", "深圳市启明科技有限公司").await;
    s.js("[...document.querySelectorAll('.pipe-card')].find((c) => c.textContent.includes('深圳市启明')).focus()").await;
    s.active().await.send_keys("]").await.expect("move on");
    s.wait_text("#gate-dialog", "缺少统一社会信用代码").await;
    s.wait_text("#gate-missing", "缺少经营范围").await;
    s.shot("pipeline-gate-zh").await;
    s.click("#gate-open").await;

    // Complete the application, then every gate with its record.
    s.click("#partner-edit").await;
    s.type_into("#f-credit_code", "91350100M000100Y43").await;
    s.type_into("#f-business_scope", "安防设备销售、安装与维护").await;
    s.click("#partner-save").await;
    s.wait_text("#prospect-gate", "可以进入「初步筛选」").await;
    s.click("#prospect-advance").await;
    s.wait_text("#prospect-stage", "初步筛选").await;
    // Screening without a scorecard is refused by the core.
    assert_eq!(
        s.invoke("prospect_move", json!({ "partnerId": s.js("return location.hash.split('/')[2]").await, "to": "inspection", "reason": "" }))
            .await,
        "gate"
    );
    s.click("#prospect-record").await;
    s.find("#scorecard-form").await;
    for sel in s.c().find_all(Locator::Css("#scorecard-form select")).await.expect("score selects") {
        sel.select_by_value("4").await.expect("score");
    }
    s.wait_text("#scorecard-total", "80.00").await;
    s.shot("scorecard-zh").await;
    s.click("#scorecard-form-submit").await;
    s.wait_text("#prospect-scorecards", "80.00").await;
    s.click("#prospect-advance").await;
    s.wait_text("#prospect-stage", "实地考察").await;
    s.click("#prospect-record").await;
    s.type_into("#inspection-form #f-inspectors", "王店主、陈明").await;
    s.type_into("#inspection-form #f-operations", "两家门店，库房 300 平方米").await;
    s.type_into("#inspection-form #f-conclusion", "经营规范，具备服务能力").await;
    s.click("#inspection-form #f-passed").await;
    s.click("#inspection-form-submit").await;
    s.wait_text("#prospect-inspections", "通过").await;
    s.click("#prospect-advance").await;
    s.wait_text("#prospect-stage", "商务谈判").await;
    s.click("#prospect-record").await;
    s.type_into("#negotiation-form #f-cooperation_model", "区域经销").await;
    s.type_into("#negotiation-form #f-rights_obligations", "华南区经销，年度目标 500 万元").await;
    s.type_into("#negotiation-form #f-profit_sharing", "毛利 18%").await;
    s.type_into("#negotiation-form #f-promotion_commitments", "每季度两场推广会").await;
    s.click("#negotiation-form #f-intent_reached").await;
    s.click("#negotiation-form-submit").await;
    s.wait_text("#prospect-negotiations", "达成意向").await;
    s.click("#prospect-advance").await;
    s.wait_text("#prospect-stage", "签约").await;
    // R2.1.4 ends where R3.1.3 begins: at the signing stage the next record is the agreement
    // itself (新建协议), signed through its reviews; nothing turns the prospect active here.
    s.click("#prospect-record").await;
    s.find("#agreement-new").await;
    s.shot("prospect-signing-agreement-zh").await;
    s.js("document.querySelector('dialog[open]')?.close(); return 1").await;
    s.wait_text(".page-head", "潜在").await;

    // The event summary counts it all; the board in English.
    s.click("#prospect a[href^='#/events/']").await;
    s.wait_text("#event-stats [data-stat=leads]", "6").await;
    s.wait_text("#event-stats [data-stat=signed]", "0").await;
    s.shot("event-summary-zh").await;
    s.click("[data-nav=pipeline]").await;
    s.find("#pipeline-board").await;
    s.set_language("en", "Partners").await;
    s.wait_text(".pipe-column[data-stage=application] h2", "Application").await;
    s.shot("pipeline-board-en").await;
    s.click("[data-nav=events]").await;
    s.click("#events-table tbody tr a").await;
    s.wait_text("#event-stats", "Conversion to signing").await;
    s.shot("event-summary-en").await;
    s.click("#event-capture").await;
    s.wait_text(".lead-form", "Required: company").await;
    s.shot("lead-capture-en").await;
    s.set_language("zh-CN", "合作伙伴").await;

    let dir = s.data_dir.clone();
    let _kept = s.close().await;
    let desk = open_desk(&dir).await;
    channeldesk::users::sign_in(&desk, "owner", OWNER_PASSWORD).await.expect("owner signs in");
    let events = channeldesk::recruitment::events::list(&desk).await.expect("events");
    let summary = channeldesk::recruitment::events::summary(&desk, &events[0].id).await.expect("summary");
    assert_eq!((summary.leads, summary.signed), (6, 0), "no signing without an agreement");
    let merged = summary.rows.iter().find(|r| r.name == "深圳市启明科技有限公司").expect("lead 1");
    let p = channeldesk::partners::get(&desk, &merged.partner_id).await.expect("partner");
    assert_eq!(p.contacts.len(), 2, "the look-alike's contact was added, no second company");
    assert_eq!(p.status, "prospect");
    assert!(channeldesk::audit::verify(&desk).await.expect("verify").intact);
    desk.close().await;
    // The log says what was done (one line per command) and holds nothing that was typed.
    let log = log_text(&dir);
    for command in ["session_setup_owner", "lead_capture", "kiosk_submit", "kiosk_exit", "event_summary"] {
        assert!(log.contains(&format!("command=\"{command}\"")), "no log line for {command}:\n{log}");
    }
    assert!(log.contains("outcome=\"throttled\"") || log.contains("outcome=\"forbidden\""), "{log}");
    for typed in [
        OWNER_PASSWORD,
        "not the password",
        "深圳市启明科技有限公司",
        "东莞新安防科技有限公司",
        "陈明",
        "吴女士",
        "13800000001",
        "13600000003",
        "sunli@lanhai.cn",
        "2026 深圳安博会",
    ] {
        assert!(!log.contains(typed), "the log holds {typed:?}");
    }
    forget_key(&dir);
}

/// Every log file of a data folder, concatenated.
fn log_text(data_dir: &Path) -> String {
    let dir = data_dir.join("logs");
    let mut text = String::new();
    for e in std::fs::read_dir(&dir).expect("log folder").flatten() {
        text.push_str(&std::fs::read_to_string(e.path()).expect("log file"));
    }
    text
}

/// The screening scheme refused when its weights do not total 100 and saved as version 2
/// (R2.1.2); a research note written, linked to a prospect and found by a word of its text
/// (R2.1.1); a prospect's stage shown in English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screening_scheme_and_research_notes_through_the_window() {
    let Some((s, _)) = start(|_| async {}, "#setup-form").await else { return };
    s.set_up_owner().await;

    s.click("[data-nav=pipeline]").await;
    s.click("#pipeline-scheme").await;
    s.wait_text("#scheme-version", "第 1 版").await;
    s.wait_text("#scheme-total", "100/100").await;
    s.type_into("#scheme-rows tr:first-child [name=weight]", "30").await;
    s.wait_text("#scheme-total", "120/100").await;
    s.click("#scheme-save").await;
    s.wait_text(".field-error[data-for=weights]", "合计须为 100（现为 120）").await;
    s.shot("scheme-error-zh").await;
    s.type_into("#scheme-rows tr:nth-child(3) [name=weight]", "5").await;
    s.type_into("#scheme-rows tr:nth-child(4) [name=weight]", "5").await;
    s.wait_text("#scheme-total", "100/100").await;
    s.click("#scheme-save").await;
    s.wait_text("#scheme-version", "第 2 版").await;
    s.wait_text("#scheme-versions", "v1").await;
    s.shot("scheme-zh").await;

    // A prospect to link the note to.
    s.click("[data-nav=partners]").await;
    s.find("#partner-search").await.send_keys(&(Key::Control + "n")).await.ok();
    s.type_into("#f-name", "厦门海景科技有限公司").await;
    s.click("#partner-save").await;
    s.wait_text("#prospect-gate", "缺少统一社会信用代码").await;

    s.click("[data-nav=research]").await;
    s.click("#research-new").await;
    s.type_into("#note-form #f-title", "竞品渠道政策 2026").await;
    s.choose("#note-form #f-topic", "competitor").await;
    s.type_into("#note-form #f-body", "某竞品给一级经销商 25% 返点，华南区渠道利润下降。").await;
    s.type_into("#note-form #f-tags", "返点、华南").await;
    s.type_into("#note-link-search", "厦门海景").await;
    let deadline = Instant::now() + WAIT;
    while s.js("return document.querySelectorAll('#note-link-options option').length").await == json!(0) {
        assert!(Instant::now() < deadline, "no partner suggested");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s.type_into("#note-link-search", "厦门海景科技有限公司").await;
    s.wait_text("#note-links", "厦门海景科技有限公司").await;
    s.click("#note-save").await;
    s.wait_text(".page-head h1", "竞品渠道政策 2026").await;
    s.click(".crumbs a").await;
    s.type_into("#research-search", "一级经销").await;
    s.wait_text("#research-list", "竞品渠道政策 2026").await;
    s.shot("research-zh").await;
    s.type_into("#research-search", "完全无关的词").await;
    s.wait_text("#research-list", "没有匹配").await;

    // The note shows on the prospect, and the prospect reads in English.
    s.click("[data-nav=partners]").await;
    s.type_into("#partner-search", "厦门海景").await;
    s.wait_text("#partner-table", "厦门海景科技有限公司").await;
    s.find("#partner-search").await.send_keys(&Key::Enter.to_string()).await.expect("Enter opens");
    s.wait_text("#prospect", "竞品渠道政策 2026").await;
    s.set_language("en", "Partners").await;
    s.wait_text("#prospect-gate", "the unified social credit code is missing").await;
    s.shot("prospect-en").await;
    s.set_language("zh-CN", "合作伙伴").await;

    // A business-card photo dropped on the prospect travels as raw bytes and is shown back; a
    // file that is not a picture or PDF is refused with the reason.
    let drop = |name: &str, kind: &str| {
        format!(
            "const done = arguments[0];
             const canvas = document.createElement('canvas'); canvas.width = 90; canvas.height = 54;
             const g = canvas.getContext('2d'); g.fillStyle = '#1e5eaa'; g.fillRect(0, 0, 90, 54);
             canvas.toBlob((png) => {{
               const file = '{kind}' === 'png' ? new File([png], '{name}', {{ type: 'image/png' }})
                                               : new File(['MZ not a picture'], '{name}', {{ type: 'application/octet-stream' }});
               const dt = new DataTransfer(); dt.items.add(file);
               document.getElementById('attach-drop').dispatchEvent(new DragEvent('drop', {{ dataTransfer: dt, bubbles: true, cancelable: true }}));
               done(true);
             }}, 'image/png');"
        )
    };
    s.c().execute_async(&drop("名片.png", "png"), vec![]).await.expect("drop a card photo");
    s.wait_text("#prospect-attachments", "名片.png").await;
    let deadline = Instant::now() + WAIT;
    while s
        .js("const i = document.querySelector('#prospect-attachments img'); return i ? i.naturalWidth : 0")
        .await
        != json!(90)
    {
        assert!(Instant::now() < deadline, "the photo was not shown from its bytes");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    s.c().execute_async(&drop("setup.exe", "exe"), vec![]).await.expect("drop a program");
    s.wait_text("#toasts", "只接受 JPEG").await;
    s.shot("prospect-attachment-zh").await;

    let dir = s.data_dir.clone();
    let _kept = s.close().await;
    forget_key(&dir);
}

/// R3.1.1–R3.1.3 through the window: draft from a template on the partner's page, fill the
/// commercial terms, see what blocks review, both reviews by their own users (the legal one
/// first asks for a change), signing, numbered copies printed to a real PDF whose first page
/// is rendered into the artefacts, and the printed fingerprint verified.
#[tokio::test(flavor = "multi_thread")]
async fn an_agreement_is_drafted_reviewed_signed_and_printed() {
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        for (login, name, role) in [("legal", "李律师", Role::Legal), ("biz", "赵经理", Role::Business)]
        {
            channeldesk::users::create(
                &desk,
                &channeldesk::users::NewUser {
                    login: login.into(),
                    display_name: name.into(),
                    password: format!("{login}-pass-2026"),
                    roles: vec![role],
                },
            )
            .await
            .expect("user");
        }
        let mut p = channeldesk::partners::PartnerInput {
            name: "深圳市前海星河数字科技有限公司".into(),
            source_kind: "offline_event".into(),
            credit_code: "91350100M000100Y43".into(),
            address: "深圳市南山区科技园南区 18 栋".into(),
            ..Default::default()
        };
        p.contacts = vec![];
        channeldesk::partners::migrate(
            &desk,
            &[channeldesk::partners::MigrationRow { partner: p.clone(), class: String::new() }],
        )
        .await
        .expect("partner");
        desk.close().await;
    };
    // Issue 24: the signed copies go to a real print queue (a private CUPS with cups-pdf).
    let printer = printer::TestPrinter::start();
    let env: Vec<(&str, String)> = printer.iter().map(|p| p.env()).collect();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let Some((s, _)) = start_with(prepare, "#sign-in-form", &env).await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    open_partners(&s).await;
    s.click("#partner-table .partner-link").await;
    s.wait_text("#partner-title", "前海星河").await;
    s.click("#partner-new-agreement").await;
    s.choose("#agreement-new #f-template_id", "00000000-0000-7000-8000-000000000200").await;
    s.type_into("#agreement-new #f-title", "华南区分销协议").await;
    s.click("#agreement-new-submit").await;
    s.wait_text("#agreement-title", "华南区分销协议").await;
    // Unfilled variables keep it from review, each named.
    s.wait_text("#agreement-missing", "未填写：授权区域").await;
    s.shot("agreement-draft-zh").await;
    for (var, value) in [
        ("company_name", "渠道科技股份有限公司"),
        ("company_credit_code", "91110000100000000X"),
        ("products", "智能门禁系统及配套软件"),
        ("price_terms", "按甲方渠道价目表 B 类价格执行"),
        ("payment_days", "30"),
        ("annual_target", "人民币 500 万元"),
    ] {
        s.type_into(&format!("#var-{var}"), value).await;
    }
    // Issue 23: the territory is chosen place by place (GB/T 2260), the cycle from a list.
    add_place(&s, "agreement-territory", "44", "4403").await;
    add_place(&s, "agreement-territory", "44", "4419").await;
    s.wait_text("#agreement-territory-chosen", "广东省深圳市").await;
    s.wait_text("#agreement-territory-chosen", "广东省东莞市").await;
    s.choose("#var-settlement_cycle", "monthly").await;
    s.js("document.getElementById('agreement-territory').scrollIntoView({block: 'center'}); return 1").await;
    s.shot("agreement-territory-zh").await;
    // A two-year term around today, so that the agreement is in effect whenever this runs.
    let year = s.js("return new Date().getFullYear()").await.as_i64().expect("year");
    for (var, date) in [("start_on", format!("{year}-01-01")), ("end_on", format!("{}-12-31", year + 1))] {
        s.js(&format!("const i = document.querySelector('#var-{var}'); i.value = '{date}'; i.dispatchEvent(new Event('change')); return 1")).await;
    }
    s.type_into("#agreement-editor #f-note", "填写商务条款").await;
    s.active().await.send_keys(&(Key::Control + "s")).await.expect("Ctrl+S");
    s.wait_text("#toasts", "已保存为第 2 版").await;
    s.wait_text("#agreement-fingerprint", " ").await;
    assert!(
        s.js("return document.querySelector('#agreement-missing') === null").await == json!(true),
        "nothing missing"
    );
    s.click("#agreement-submit").await;
    s.wait_text("#agreement-steps .current", "审核").await;
    let draft_pdf_count =
        std::fs::read_dir(channeldesk::documents::prints_dir(&s.data_dir)).map(|d| d.count()).unwrap_or(0);
    assert_eq!(draft_pdf_count, 0);

    // Legal asks for a change; the drafter edits (version 3); legal and business approve.
    s.click("#sign-out").await;
    s.sign_in("legal", "legal-pass-2026").await;
    s.wait_text("[data-kind=agreement_review_legal]", "华南区分销协议").await;
    s.click("[data-kind=agreement_review_legal] a").await;
    s.click("#review-legal-changes").await;
    s.type_into("#review-changes #f-comment", "付款期限改为 45 日").await;
    s.click("#review-changes-submit").await;
    s.wait_text("#agreement-steps .current", "起草").await;
    s.click("#sign-out").await;
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    s.click("[data-nav=agreements]").await;
    s.click("#agreements-table .partner-link").await;
    s.wait_text("#agreement-reviews", "要求修改").await;
    s.type_into("#var-payment_days", "45").await;
    s.click("#agreement-save").await;
    s.wait_text("#toasts", "已保存为第 3 版").await;
    // The difference between versions 2 and 3, inside the clause.
    s.click("#diff-show").await;
    s.wait_text("#agreement-diff", "1 个变量有变化").await;
    s.click("#agreement-submit").await;
    s.wait_text("#agreement-steps .current", "审核").await;
    for (login, side) in [("legal", "legal"), ("biz", "business")] {
        s.click("#sign-out").await;
        s.sign_in(login, &format!("{login}-pass-2026")).await;
        s.click(&format!("[data-kind=agreement_review_{side}] a")).await;
        s.wait_text("#agreement-title", "华南区分销协议").await;
        s.click(&format!("#review-{side}-approve")).await;
        s.wait_text(&format!(".review-side[data-side={side}]"), "已批准").await;
    }
    s.wait_text("#agreement-steps .current", "批准").await;
    s.shot("agreement-approved-zh").await;

    // Signing and two numbered copies.
    s.click("#sign-out").await;
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    s.click("[data-nav=agreements]").await;
    s.click("#agreements-table .partner-link").await;
    // Issue 24 (R3.1.3): the originals for signing, as many as the agreement's own clause
    // states (一式肆份，甲方执叁份，乙方执壹份), printed from the preview and logged with holders.
    if let Some(printer) = &printer {
        s.click("#agreement-originals").await;
        s.find("#preview-pages img[src]").await;
        s.wait_text("#preview-print #f-printer", "测试 PDF 打印机").await;
        s.click("#preview-print-button").await;
        s.wait_text("#agreement-originals-log", "正本 4/4").await;
        s.wait_text("#agreement-originals-log", "乙方").await;
        s.js("document.querySelector('#agreement-originals-log').scrollIntoView(); return 1").await;
        s.shot("agreement-originals-zh").await;
        let number = s.text("#agreement-number").await;
        let pdf = printer.printed(&format!("{number}-v"));
        let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
        let text = String::from_utf8_lossy(&text.stdout).replace(' ', "");
        for needle in ["正本ORIGINAL1/4·甲方执", "正本ORIGINAL3/4·甲方执", "正本ORIGINAL4/4·乙方执"]
        {
            assert!(text.contains(needle), "{needle} missing from the printed originals");
        }
    }
    s.click("#agreement-sign").await;
    s.type_into("#sign-form #f-signed_place", "深圳").await;
    s.type_into("#sign-form #f-our_signatory", "陈建国").await;
    s.type_into("#sign-form #f-their_signatory", "王海").await;
    s.choose("#sign-form #f-their_capacity", "authorised").await;
    // An authorised representative without the authorisation is refused by name.
    s.click("#sign-form-submit").await;
    s.wait_text("#sign-form .field-error[data-for=their_authorisation]", "必填").await;
    s.type_into("#sign-form #f-their_authorisation", "授权委托书 SZ-2026-003").await;
    s.click("#sign-form-submit").await;
    s.wait_text("#agreement-steps .current", "生效").await;
    s.click("#agreement-copies").await;
    s.click("#copies-form-submit").await;
    // The preview: the pages of the very PDF, counted; closing it would log nothing.
    s.find("#preview-pages img[src]").await;
    let count = s.text("#preview-count").await;
    s.find("#preview-numbered").await;
    assert!(
        s.js("return document.querySelector('#preview-open') === null").await == json!(true),
        "copies are not opened in a viewer"
    );
    let Some(printer) = printer else { return };
    s.wait_text("#preview-print #f-printer", "测试 PDF 打印机").await;
    s.shot("print-preview-zh").await;
    s.click("#preview-print-button").await;
    s.wait_text("#toasts", printer::NAME).await;
    s.wait_text("#copies-log", "2/2").await;
    s.wait_text("#copies-log", &format!("已送往 {}", printer::NAME)).await;
    s.shot("agreement-signed-zh").await;
    // The terms the signed text states are the trade terms, shown as the agreement's.
    s.wait_text("#terms-territory-value", "广东省深圳市、东莞市").await;
    s.wait_text("#terms-territory-value", "按协议条款").await;
    // Reports are owed from the signing date to the end of the term.
    s.wait_text("#agreement-reports", &format!("{}-Q4", year + 1)).await;
    s.js("document.querySelector('#agreement-signing').scrollIntoView(); return 1").await;
    s.shot("agreement-signing-zh").await;
    let number = s.text("#agreement-number").await;
    // What the printer printed, read back.
    let pdf = printer.printed(&format!("{number}-copies-1-2"));
    let pages = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    let pages = String::from_utf8_lossy(&pages.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:").map(|n| n.trim().to_string()));
    assert_eq!(
        count,
        format!("共 {} 页", pages.expect("page count")),
        "the preview counted the printed pages"
    );
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).replace(' ', "");
    for needle in [
        "副本COPY1/2",
        "副本COPY2/2",
        "深圳市前海星河数字科技有限公司",
        "91350100M000100Y43",
        "授权委托书SZ-2026-003",
    ] {
        assert!(text.contains(needle), "{needle} missing from the printed copies");
    }
    let first_page = artifacts().join("agreement-copy-page1");
    let ok = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&first_page)
        .status()
        .expect("pdftoppm");
    assert!(ok.success() && first_page.with_extension("png").is_file());

    // An amendment to the settlement clause, drafted from the master's own clause.
    let fp = s.text("#agreement-fingerprint").await;
    s.click("#amend-new").await;
    s.wait_text("#agreement-number", &format!("{number}-S1")).await;
    s.wait_text("#agreement-missing", "条款").await;
    let settlement = s
        .js("return [...document.querySelectorAll('#add-clause-pick option')].find(o => o.textContent === '结算方式').value")
        .await;
    s.choose("#add-clause-pick", settlement.as_str().expect("settlement clause offered")).await;
    s.click("#add-clause").await;
    s.type_into("[data-field='clauses.0.body']", "双方按季度对账结算，乙方应在收到发票后四十五日内付款。")
        .await;
    s.click("#agreement-save").await;
    s.wait_text("#toasts", "已保存为第 2 版").await;
    // The toast can come before the page is drawn again (a release build is that fast).
    s.wait_js("return document.querySelector('#agreement-missing') === null").await;
    s.find("#agreement-submit").await;
    s.shot("agreement-amendment-zh").await;
    s.click(".agreement-page .facts a[href^='#/agreements/']").await;
    s.wait_text("#agreement-number", &number).await;
    s.click("#terms-show").await;
    s.wait_text("#current-terms", "结算方式").await;

    // The fingerprint printed on the page tells which version it is.
    s.click("[data-nav=agreements]").await;
    s.click("#agreement-verify").await;
    s.type_into("#verify-form #f-fingerprint", &fp).await;
    s.click("#verify-form-submit").await;
    s.wait_text("#verify-result", "这是签署的版本").await;
    s.shot("agreement-verify-zh").await;
    s.click("#verify-form button[type=button]").await;

    // In English (the master agreement, below its newer amendment).
    s.click("#agreements-table tbody tr:last-child .partner-link").await;
    s.set_language("en", "Partners").await;
    s.wait_text("#agreement-steps .current", "In effect").await;
    s.wait_text("#agreement-signing", "Authorised representative").await;
    s.shot("agreement-signed-en").await;
    // The preview at a laptop's size, in English: the page, the printer and the buttons fit.
    s.c().set_window_size(1366, 700).await.expect("window size");
    s.click("#agreement-print").await;
    s.find("#preview-pages img[src]").await;
    s.wait_text("#preview-count", "pages").await;
    s.shot("print-preview-en-1366").await;
    let fits = s
        .js("const r = document.querySelector('#preview-close').getBoundingClientRect(); return r.bottom <= window.innerHeight && r.right <= window.innerWidth")
        .await;
    assert_eq!(fits, json!(true), "the preview's buttons are within a 1366×700 window");
    s.click("#preview-close").await;
    let dir = s.close().await;

    // The file: version 3 signed, both approvals bound to its fingerprint, the four originals
    // and two copies logged.
    let desk = open_desk(&dir.path().join("data")).await;
    channeldesk::users::sign_in(&desk, "owner", OWNER_PASSWORD).await.expect("sign in");
    let list = channeldesk::agreements::list(&desk, &Default::default()).await.expect("list").rows;
    let master = list.iter().find(|a| a.kind != "amendment").expect("the master agreement");
    let amendment = list.iter().find(|a| a.kind == "amendment").expect("the amendment");
    assert_eq!((amendment.master_id.as_deref(), amendment.version_no), (Some(master.id.as_str()), 2));
    let a = channeldesk::agreements::get(&desk, &master.id).await.expect("agreement");
    let kinds: Vec<&str> = a.copies.iter().map(|c| c.kind.as_str()).collect();
    assert_eq!((a.row.status.as_str(), a.signed_version_no), ("signed", Some(3)));
    assert_eq!(kinds, ["original", "original", "original", "original", "copy", "copy"]);
    assert_eq!(a.current.variables["payment_days"], "45");
    assert!(
        a.reviews.iter().filter(|r| r.decision == "approve").all(|r| r.fingerprint == a.current.fingerprint)
    );
    assert!(channeldesk::audit::verify(&desk).await.expect("verify").intact);
    desk.close().await;
}

/// R2.2 through the window: the annual round, one evaluator scoring every indicator with
/// evidence (a refused score shown under its field first), finishing, the class on the
/// partner's page and in the register, and the evaluation report printed and read back.
#[tokio::test(flavor = "multi_thread")]
async fn a_partner_is_evaluated_classified_and_reported() {
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        let p = channeldesk::partners::PartnerInput {
            name: "杭州云帆网络有限公司".into(),
            source_kind: "online".into(),
            credit_code: "91350100M000100Y43".into(),
            ..Default::default()
        };
        channeldesk::partners::migrate(
            &desk,
            &[channeldesk::partners::MigrationRow { partner: p.clone(), class: String::new() }],
        )
        .await
        .expect("partner");
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.wait_text("[data-kind=evaluation_due]", "杭州云帆网络有限公司").await;
    s.click("[data-nav=evaluations]").await;
    s.click("#evaluation-round").await;
    s.click("#round-form-submit").await;
    s.wait_text("#toasts", "新建 1 项").await;
    s.click("#evaluations-table .partner-link").await;
    s.wait_text("#evaluation-title", "杭州云帆网络有限公司").await;
    // Every banded indicator at its top level, the sales target at 4.2 of 5 million.
    s.js(
        "document.querySelectorAll('#score-table select').forEach((el) => { el.selectedIndex = 1; });
         document.querySelectorAll('#score-table textarea').forEach((el, i) => { el.value = '季度报告第 ' + (i + 1) + ' 项'; });
         return 1",
    )
    .await;
    s.type_into("[data-field='scores.0.actual']", "4200000").await;
    // Without a target the ratio is refused next to its field, and nothing is saved.
    s.click("#scores-save").await;
    s.wait_text(".field-error[data-for='scores.0.target']", "必填").await;
    s.type_into("[data-field='scores.0.target']", "5000000").await;
    s.click("#scores-save").await;
    s.wait_text("#toasts", "评分已保存").await;
    // 25 × 84 + 75 × 100 = 9600.
    s.wait_text("#evaluation-total", "96.00").await;
    s.wait_text("#evaluation-class", "A").await;
    s.js("window.scrollTo(0, 0); document.querySelector('#view').scrollTop = 0; return 1").await;
    s.shot("evaluation-scoring-zh").await;
    s.click("#evaluation-finish").await;
    s.click("dialog[open] button[value=ok]").await;
    s.wait_text(".page-head", "已完成").await;
    s.click("#evaluation-print").await;
    s.open_in_viewer().await;
    s.wait_text("#toasts", "EVAL-").await;
    let prints = channeldesk::documents::prints_dir(&s.data_dir);
    let pdf = std::fs::read_dir(&prints)
        .expect("prints")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "pdf"))
        .expect("report written");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).replace(' ', "");
    for needle in [
        "渠道商年度评估报告",
        "杭州云帆网络有限公司",
        "91350100M000100Y43",
        "总分96.00，评定为A类",
        "业绩达成",
        "年度销售目标完成率",
        "王店主",
    ] {
        assert!(text.contains(needle), "{needle} missing from the report");
    }
    let page = artifacts().join("evaluation-report-page1");
    let ok = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&pdf)
        .arg(&page)
        .status()
        .expect("pdftoppm");
    assert!(ok.success());
    // The class on the partner's page, with its history, and in the register.
    s.click(".crumbs a[href^='#/partners/']").await;
    s.wait_text("#partner-standing", "A 类").await;
    let year = s.js("return new Date().getFullYear()").await;
    s.wait_text("#class-history", &format!("{year} 年度评估")).await;
    s.shot("partner-standing-zh").await;
    // A special evaluation from the partner's page: its trigger, then a measure.
    s.click("#partner-special").await;
    s.choose("#special-form #f-trigger", "breach").await;
    s.type_into("#special-form #f-reason", "在授权区域外低价销售").await;
    s.click("#special-form-submit").await;
    s.wait_text(".page-head", "专项评估").await;
    s.wait_text("#evaluation-measures", "还没有措施").await;
    s.click("#measure-add").await;
    s.type_into("#measure-form #f-action", "书面通报并限期整改").await;
    s.js("const d = document.querySelector('#measure-form #f-due_on'); d.value = '2030-01-31'; return 1")
        .await;
    s.click("#measure-form-submit").await;
    s.wait_text("#evaluation-measures", "书面通报并限期整改").await;
    open_partners(&s).await;
    s.wait_text("#partner-table", "A").await;
    assert_eq!(
        s.js(
            "return document.querySelector('#partner-table [data-class], #partner-table .class-A') !== null"
        )
        .await,
        json!(true)
    );
    s.click("[data-nav=evaluations]").await;
    s.choose("#evaluations-status", "finished").await;
    s.wait_text("#evaluations-table", "96.00").await;
    s.set_language("en", "Partners").await;
    s.wait_text("#evaluations-table", "Finished").await;
    s.shot("evaluations-en").await;
    s.click("#evaluation-scheme").await;
    s.find("#eval-scheme-form").await;
    s.shot("evaluation-scheme-en").await;
    // Weights of 105 are refused and nothing is saved; then class A from 90 is version 2.
    s.type_into("#eval-scheme-rows tr:first-child input[name=weight]", "30").await;
    s.click("#eval-scheme-save").await;
    s.wait_text("#eval-scheme-form .error-box", "Weights: must total 100 (now 105)").await;
    s.type_into("#eval-scheme-rows tr:first-child input[name=weight]", "25").await;
    s.type_into("#band-a", "90").await;
    s.click("#eval-scheme-save").await;
    s.wait_text("#eval-scheme-version", "version 2").await;
    s.wait_text(".page-head", "A 90–100").await;
    s.close().await;
}

/// R2.3 through the window: a partner due for its quarterly review leaves the home page's list
/// once the review is logged; a training and a reward (approved by the manager-owner) are
/// recorded; the partner is nominated and awarded Best Partner and its honour certificate is
/// printed and read back; the timeline shows it all.
#[tokio::test(flavor = "multi_thread")]
async fn relationship_reviews_training_rewards_and_a_certificate() {
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        let p = channeldesk::partners::PartnerInput {
            name: "江苏恒远智能科技有限公司".into(),
            source_kind: "referral".into(),
            ..Default::default()
        };
        channeldesk::partners::migrate(
            &desk,
            &[channeldesk::partners::MigrationRow { partner: p.clone(), class: String::new() }],
        )
        .await
        .expect("partner");
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.wait_text("[data-kind=review_due]", "江苏恒远智能科技有限公司").await;
    s.open_all_work().await;
    s.click("[data-kind=review_due] a").await;
    s.wait_text("#partner-title", "江苏恒远").await;
    s.click("[data-tab=contact]").await;
    s.click("#log-review").await;
    s.type_into("#log-form #f-our_people", "王店主").await;
    s.type_into("#log-form #f-their_people", "陈总").await;
    s.type_into("#log-form #f-summary", "季度经营回顾").await;
    // The minutes are required for a review: refused under the field first.
    s.click("#log-form-submit").await;
    s.wait_text("#log-form .field-error[data-for=progress]", "必填").await;
    s.type_into("#log-form #f-progress", "本季度销售额 80 万元").await;
    s.type_into("#log-form #f-market", "政企项目增多").await;
    s.click("#log-form-submit").await;
    s.wait_text("#log-list", "季度回顾会议").await;
    s.shot("relationship-review-zh").await;
    s.click("[data-nav=home]").await;
    s.find("#home-summary").await;
    assert_eq!(
        s.js("return document.querySelector('[data-kind=review_due]') === null").await,
        json!(true),
        "no longer due"
    );

    // A training and a reward, approved.
    open_partners(&s).await;
    s.click("#partner-table .partner-link").await;
    s.click("[data-tab=training]").await;
    s.click("#training-add").await;
    s.type_into("#training-form #f-trainer", "李工").await;
    s.type_into("#training-form #f-attendees", "陈总\n刘敏").await;
    s.click("#training-form-submit").await;
    s.wait_text("#training-list", "李工").await;
    s.click("[data-tab=reward]").await;
    s.click("#reward-add").await;
    s.type_into("#reward-form #f-description", "年度荣誉证书").await;
    s.type_into("#reward-form #f-reason", "季度目标全部完成").await;
    s.click("#reward-form-submit").await;
    s.wait_text("#reward-list", "待审批").await;
    s.click("#reward-list button.primary").await;
    s.wait_text("#reward-list", "已批准").await;
    s.click("[data-tab=timeline]").await;
    s.wait_text("#timeline", "季度回顾会议").await;
    s.wait_text("#timeline", "荣誉证书").await;
    s.shot("relationship-timeline-zh").await;

    // Best Partner: nominated, conferred, certificate printed.
    s.click("[data-nav=awards]").await;
    s.click("[data-award=best_partner] .card-head button").await;
    s.type_into("#nominate-form #f-partner", "江苏恒远智能科技有限公司").await;
    s.find("#partner-picker-options option").await;
    s.type_into("#nominate-form #f-reason", "客户满意度全年第一").await;
    s.click("#nominate-form-submit").await;
    s.wait_text("[data-award=best_partner]", "已提名").await;
    s.click("[data-award=best_partner] .award-list button.primary").await;
    s.wait_text("[data-award=best_partner]", "获奖").await;
    s.click("[data-award=best_partner] .award-list button").await;
    s.type_into("#certificate-form #f-company", "渠道科技股份有限公司").await;
    s.click("#certificate-form-submit").await;
    s.open_in_viewer().await;
    s.wait_text("#toasts", "AWARD-").await;
    s.shot("awards-zh").await;
    let prints = channeldesk::documents::prints_dir(&s.data_dir);
    let pdf = std::fs::read_dir(&prints)
        .expect("prints")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("AWARD-"))
        .expect("certificate written");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).replace(' ', "");
    for needle in
        ["荣誉证书", "江苏恒远智能科技有限公司", "年度最佳合作伙伴", "颁发单位：渠道科技股份有限公司"]
    {
        assert!(text.contains(needle), "{needle} missing from the certificate");
    }
    let page = artifacts().join("certificate-page1");
    assert!(
        Command::new("pdftoppm")
            .args(["-png", "-r", "60", "-singlefile"])
            .arg(&pdf)
            .arg(&page)
            .status()
            .expect("pdftoppm")
            .success()
    );
    s.set_language("en", "Partners").await;
    s.wait_text("[data-award=best_partner]", "Awarded").await;
    s.shot("awards-en").await;
    open_partners(&s).await;
    s.click("#partner-table .partner-link").await;
    s.click("[data-tab=support]").await;
    s.find("#support-add").await;
    s.click("[data-tab=timeline]").await;
    s.wait_text("#timeline", "quarterly review").await;
    s.shot("relationship-timeline-en").await;
    s.close().await;
}

/// Issue 7: a bundle exported in one data folder, sealed with a passphrase, imported in
/// another through the window: the dry run, the duplicate found by credit code, the passphrase
/// asked for and checked, the import applied and the partner found; the backups page.
#[tokio::test(flavor = "multi_thread")]
async fn data_moves_between_two_laptops_through_a_bundle() {
    const CODE: &str = "91350100M000100Y43";
    let company = |name: &str, code: &str| channeldesk::partners::PartnerInput {
        name: name.into(),
        credit_code: code.into(),
        source_kind: "offline_event".into(),
        ..Default::default()
    };
    let prepare_a = move |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        channeldesk::partners::create(&desk, &company("福建闽台数码科技有限公司", CODE), false)
            .await
            .expect("partner");
        channeldesk::partners::create(&desk, &company("厦门鹭岛信息服务有限公司", ""), false)
            .await
            .expect("partner");
        desk.close().await;
    };
    let Some((a, _)) = start(prepare_a, "#sign-in-form").await else { return };
    a.sign_in("owner", OWNER_PASSWORD).await;
    a.click("[data-nav=data]").await;
    a.find("#share-export-form").await;
    // Chosen partners: picked by name, shown as chips; then back to everything.
    a.click("#share-export-form input[name=scope][value=partners]").await;
    a.type_into("#f-partner", "厦门鹭岛信息服务有限公司").await;
    a.find("#partner-picker-options option").await;
    a.click("#share-add-partner").await;
    a.wait_text("#share-chosen", "厦门鹭岛信息服务有限公司").await;
    a.shot("data-export-partners-zh").await;
    a.click("#share-export-form input[name=scope][value=all]").await;
    a.type_into("#share-passphrase", "展会交换口令2026").await;
    a.type_into("#share-passphrase2", "展会交换口令2027").await;
    a.click("#share-export").await;
    a.wait_text("#share-export-form .error-box", "不一致").await;
    a.type_into("#share-passphrase2", "展会交换口令2026").await;
    a.click("#share-export").await;
    a.wait_text("#share-export-result", "已加密").await;
    let path = PathBuf::from(a.text("#share-export-path").await.trim());
    assert!(path.is_file(), "{path:?}");
    a.shot("data-export-zh").await;
    // The fingerprint laptop A shows for pairing (text and QR code).
    let fingerprint_a = a.text("#own-fingerprint").await.trim().to_string();
    assert_eq!(fingerprint_a.len(), 23, "{fingerprint_a}");
    a.find("#share-pairing-card svg.qr path").await;
    a.js("document.querySelector('#share-pairing-card').scrollIntoView(); return 1").await;
    a.shot("data-pairing-card-zh").await;
    let a_dir = a.close().await;
    // Later on laptop A, before the next exchange: the same company's city changes.
    let second = {
        let desk = open_desk(&a_dir.path().join("data")).await;
        channeldesk::users::sign_in(&desk, "owner", OWNER_PASSWORD).await.expect("sign in");
        let q = channeldesk::partners::ListQuery { q: "鹭岛".into(), ..Default::default() };
        let id = channeldesk::partners::list(&desk, &q).await.expect("list").rows[0].id.clone();
        let p = channeldesk::partners::get(&desk, &id).await.expect("get");
        let input = channeldesk::partners::PartnerInput { city: "厦门思明".into(), ..p.to_input() };
        channeldesk::partners::update(&desk, &id, &p.hlc, &input, true).await.expect("edit on A");
        let progress = channeldesk::share::Progress::silent();
        let ex = channeldesk::share::export(&desk, &channeldesk::share::ExportScope::All, None, &progress)
            .await
            .expect("second export");
        desk.close().await;
        ex
    };

    let bundle = std::fs::read(&path).expect("bundle");
    let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_string();
    let prepare_b = move |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "李法务", "owner", OWNER_PASSWORD).await.expect("owner");
        channeldesk::partners::create(&desk, &company("闽台数码", CODE), false).await.expect("partner");
        desk.close().await;
        // Brought over on a USB stick into the exchange folder.
        std::fs::create_dir_all(dir.join("exchange")).expect("exchange");
        std::fs::write(dir.join("exchange").join(&name), &bundle).expect("copy");
    };
    let Some((b, _)) = start(prepare_b, "#sign-in-form").await else { return };
    b.sign_in("owner", OWNER_PASSWORD).await;
    b.click("[data-nav=data]").await;
    b.click("#data-tab-import").await;
    b.click(&format!(
        "#share-inbox tr[data-file=\"{}\"] button",
        path.file_name().unwrap().to_str().unwrap()
    ))
    .await;
    b.type_into("#share-open-passphrase", "wrong passphrase").await;
    b.click("#share-preview button[type=submit]").await;
    b.wait_text("#share-preview", "口令不正确").await;
    b.type_into("#share-open-passphrase", "展会交换口令2026").await;
    b.click("#share-preview button[type=submit]").await;
    // Laptop B was never paired with A: nothing is compared until its administrator has
    // checked A's fingerprint and paired it.
    b.wait_text("#share-pairing", "还没有与设备").await;
    assert_eq!(b.text("#pair-fingerprint").await.trim(), fingerprint_a);
    b.click("#pair-accept").await;
    b.wait_text("#share-pairing .error-box", "请先").await;
    b.shot("data-pairing-zh").await;
    b.click("#pair-compared").await;
    b.click("#pair-accept").await;
    b.wait_text("#share-kinds tr[data-kind=partner]", "合作伙伴").await;
    // One new, one merged into the company already here (same credit code).
    assert_eq!(b.text("#share-kinds tr[data-kind=partner] td:nth-child(2)").await.trim(), "1");
    assert_eq!(b.text("#share-kinds tr[data-kind=partner] td:nth-child(4)").await.trim(), "1");
    b.wait_text("#share-duplicates", "统一社会信用代码相同").await;
    b.shot("data-import-preview-zh").await;
    b.click("#share-apply").await;
    b.wait_text("#share-outcome", "导入完成").await;
    b.wait_text("#share-outcome", "合并重复 1 家").await;
    open_partners(&b).await;
    b.type_into("#partner-search", "鹭岛").await;
    b.wait_text("#partner-table", "厦门鹭岛信息服务有限公司").await;
    // Meanwhile on laptop B the same field changes too: a conflict at the next import.
    b.wait_text("#partner-table mark", "鹭岛").await;
    b.find("#partner-search").await.send_keys(&Key::Enter.to_string()).await.expect("enter");
    b.wait_text("#partner-title", "厦门鹭岛").await;
    b.click("#partner-edit").await;
    b.type_into("#f-city", "漳州").await;
    b.click("#partner-save").await;
    b.wait_text("[data-field=region]", "漳州").await;
    std::fs::write(b.data_dir.join("exchange").join(&second.file_name), &second.bytes)
        .expect("second bundle");
    b.click("[data-nav=data]").await;
    b.click("#data-tab-import").await;
    b.click(&format!("#share-inbox tr[data-file=\"{}\"] button", second.file_name)).await;
    b.wait_text("#share-kinds tr[data-kind=partner]", "合作伙伴").await;
    b.click("#share-apply").await;
    b.wait_text("#share-outcome", "冲突 1 项").await;
    b.click("#data-tab-conflicts").await;
    b.wait_text("#share-conflicts", "厦门思明").await;
    b.wait_text("#share-conflicts", "漳州").await;
    b.shot("data-conflicts-zh").await;
    b.click("#share-conflicts tr[data-conflict] button.primary").await;
    b.find("#share-conflicts-empty").await;
    open_partners(&b).await;
    b.type_into("#partner-search", "鹭岛").await;
    b.wait_text("#partner-table mark", "鹭岛").await;
    b.find("#partner-search").await.send_keys(&Key::Enter.to_string()).await.expect("enter");
    b.wait_text("[data-field=region]", "厦门思明").await;

    // A spreadsheet of leads typed up after the show: checked row by row, then imported.
    let sheet = tempfile::Builder::new().suffix(".csv").tempfile().expect("csv");
    std::fs::write(
        sheet.path(),
        "\u{feff}公司名称,联系人,手机\n莆田木兰溪贸易有限公司,陈先生,13955556666\n漳州九龙江食品有限公司,吴女士,电话待补\n",
    )
    .expect("write csv");
    b.click("[data-nav=data]").await;
    b.click("#data-tab-sheets").await;
    b.find("#sheet-file")
        .await
        .send_keys(sheet.path().to_str().expect("path"))
        .await
        .expect("choose the file");
    b.wait_text("#sheet-mapping", "陈先生").await;
    b.click("#sheet-check").await;
    b.wait_text("#sheet-summary", "1 行可以导入，1 行有问题").await;
    b.wait_text("#sheet-problems", "联系人 1 · 手机").await;
    b.shot("data-sheet-import-zh").await;
    b.click("#sheet-apply").await;
    b.wait_text("#sheet-summary", "已导入 1 行").await;

    b.click("#data-tab-backups").await;
    b.wait_text("#backup-list", "每日").await;
    b.click("#backup-now").await;
    b.wait_text("#backup-list", "手动").await;
    b.shot("data-backups-zh").await;
    b.set_language("en", "Partners").await;
    b.click("#data-tab-import").await;
    b.wait_text("#share-inbox", "Preview import").await;
    b.shot("data-import-en").await;
    b.click("#data-tab-sheets").await;
    b.wait_text("#sheet-export", "Export Excel").await;
    b.click("#data-tab-backups").await;
    b.wait_text("#backup-list", "by hand").await;
    b.shot("data-backups-en").await;
    // The pairing card in English: this laptop and the one it paired with.
    b.click("#data-tab-export").await;
    b.wait_text("#trusted-laptops", "Paired").await;
    b.js("document.querySelector('#share-pairing-card').scrollIntoView(); return 1").await;
    b.shot("data-pairing-card-en").await;
    let dir = b.close().await;
    let desk = open_desk(&dir.path().join("data")).await;
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM partner WHERE deleted_at IS NULL")
        .fetch_one(desk.pool())
        .await
        .unwrap();
    assert_eq!(live, 3, "the company entered on both laptops is one partner; one lead from the sheet");
    assert!(channeldesk::backup::check(&desk).await.unwrap().ok);
    desk.close().await;
}

/// A partner's agreement signed through the core (legal and business reviewers made here),
/// in effect for the whole of this year, with its trade terms recorded: Guangdong only.
async fn agreement_with_terms(desk: &channeldesk::Desk, partner_id: &str) {
    use channeldesk::access::Role;
    use channeldesk::agreements::{self, DraftInput, NewAgreement, ReviewInput, library, signing};
    for (login, role) in [("rev-legal", Role::Legal), ("rev-biz", Role::Business)] {
        let u = channeldesk::users::NewUser {
            login: login.into(),
            display_name: login.into(),
            password: "password-1".into(),
            roles: vec![role],
        };
        channeldesk::users::create(desk, &u).await.expect("reviewer");
    }
    let tpl = library::templates(desk).await.unwrap().remove(0);
    let a = agreements::create(
        desk,
        &NewAgreement { partner_id: partner_id.into(), template_id: tpl.id, title: String::new() },
    )
    .await
    .unwrap();
    let year = &desk.today()[..4];
    let mut variables = a.current.variables.clone();
    for k in agreements::VARIABLES.iter().map(|(k, _)| *k) {
        variables.entry(k.to_string()).or_default();
        if variables[k].is_empty() {
            variables.insert(k.to_string(), format!("{k} 约定"));
        }
    }
    variables.insert("start_on".into(), format!("{year}-01-01"));
    variables.insert("end_on".into(), format!("{year}-12-31"));
    let input = DraftInput {
        title: a.row.title.clone(),
        variables,
        clauses: a.current.clauses.clone(),
        note: String::new(),
        report_cycle: "none".into(),
    };
    let a = agreements::save_draft(desk, &a.row.id, 1, &input).await.unwrap();
    let a = agreements::submit(desk, &a.row.id).await.unwrap();
    for (login, side) in [("rev-legal", "legal"), ("rev-biz", "business")] {
        channeldesk::users::sign_out(desk).await.unwrap();
        channeldesk::users::sign_in(desk, login, "password-1").await.unwrap();
        let r = ReviewInput {
            side: side.into(),
            decision: "approve".into(),
            comment: String::new(),
            fingerprint: a.current.fingerprint.clone(),
        };
        agreements::review(desk, &a.row.id, &r).await.unwrap();
    }
    channeldesk::users::sign_out(desk).await.unwrap();
    channeldesk::users::sign_in(desk, "owner", OWNER_PASSWORD).await.unwrap();
    let sign = signing::SignInput {
        signed_on: format!("{year}-01-01"),
        signed_place: "广州".into(),
        our_signatory: "张总".into(),
        our_capacity: "legal_rep".into(),
        their_signatory: "陈总".into(),
        their_capacity: "legal_rep".into(),
        ..Default::default()
    };
    let id = signing::sign(desk, &a.row.id, &sign).await.unwrap().row.id;
    let now = channeldesk::orders::terms::terms(desk, &id).await.unwrap();
    let terms = channeldesk::orders::terms::TermsInput {
        territory: vec!["44".into()],
        categories: vec!["门禁".into()],
        price_basis: "class".into(),
        settle_method: "purchase".into(),
        settle_cycle: "monthly".into(),
        payment_days: 30,
        currency: "CNY".into(),
        credit_limit_minor: Some(50_000_000),
        rebate_bp: 200,
        ..Default::default()
    };
    channeldesk::orders::terms::set_terms(desk, &id, &now.hlc, &terms).await.unwrap();
}

/// R4.1.2–R4.3.1 through the window: an order for a customer outside the territory is held
/// and says why; a manager lets it through with a reason; it is confirmed, shipped in part,
/// and the month's statement shows the shipment and prints.
#[tokio::test]
async fn an_order_is_held_overridden_shipped_and_settled() {
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        channeldesk::users::create(
            &desk,
            &channeldesk::users::NewUser {
                login: "boss".into(),
                display_name: "李经理".into(),
                password: "boss-pass-2026".into(),
                roles: vec![channeldesk::access::Role::Manager],
            },
        )
        .await
        .expect("manager");
        let p = channeldesk::partners::PartnerInput {
            name: "广州市南方智联科技有限公司".into(),
            source_kind: "referral".into(),
            ..Default::default()
        };
        let partner = channeldesk::partners::migrate(
            &desk,
            &[channeldesk::partners::MigrationRow { partner: p.clone(), class: String::new() }],
        )
        .await
        .expect("partner")
        .remove(0);
        use channeldesk::orders::catalogue::{self, PriceInput, ProductInput};
        let d = catalogue::create_product(
            &desk,
            &ProductInput {
                code: "DR-100".into(),
                name: "智能门禁控制器".into(),
                category: "门禁".into(),
                kind: "product".into(),
                unit: "套".into(),
                currency: "CNY".into(),
                after_sales: "整机保修一年".into(),
                active: true,
                ..Default::default()
            },
        )
        .await
        .expect("product");
        for (tier, price) in [("list", 120_000), ("A", 90_000), ("B", 100_000), ("C", 110_000)] {
            catalogue::set_price(
                &desk,
                &d.product.id,
                &PriceInput { tier: tier.into(), price_minor: Some(price), valid_from: "2026-01-01".into() },
            )
            .await
            .expect("price");
        }
        agreement_with_terms(&desk, &partner).await;
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    s.click("[data-nav=products]").await;
    s.wait_text("#products-table", "¥1,200.00").await;
    s.shot("orders-products-zh").await;

    s.click("[data-nav=orders]").await;
    s.click("#order-new").await;
    s.type_into("#order-form #f-partner", "广州市南方智联科技有限公司").await;
    s.find("#partner-picker-options option").await;
    s.type_into("#order-form #f-customer_name", "北京中关村智慧园区运营有限公司").await;
    s.choose("#order-form #f-customer_province", "11").await;
    s.js("document.querySelector('#order-form #f-requested_on').value = '2026-12-20'; return 1").await;
    let product_id =
        s.js("return document.querySelector('#order-lines select option:nth-child(2)').value").await;
    s.choose("#order-lines select", product_id.as_str().unwrap()).await;
    // The empty price field shows the partner's price under the terms (no class: the list price).
    let deadline = Instant::now() + WAIT;
    while s.js("return document.querySelector('#order-lines .line-price').placeholder").await
        != json!("¥1,200.00")
    {
        assert!(Instant::now() < deadline, "the partner's price never showed in the price field");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // A quantity that is not a number is refused under the line.
    s.type_into("#order-lines .line-qty", "两套").await;
    s.click("#order-form-submit").await;
    s.wait_text("#order-form .field-error[data-for='lines.0.quantity']", "超出允许范围").await;
    s.type_into("#order-lines .line-qty", "2").await;
    s.click("#order-form-submit").await;
    s.wait_text("#order-total", "¥2,400.00").await; // no class: the list price
    s.click("#order-review").await;
    s.wait_text("#order-review-summary", "规则未通过").await;
    s.wait_text("[data-rule=territory][data-outcome=failed]", "北京市").await;
    s.wait_text("[data-rule=territory][data-outcome=failed]", "广东省").await;
    s.wait_text("[data-rule=prices][data-outcome=passed]", "不低于").await;
    s.shot("orders-held-zh").await;

    // The manager lets it through with a reason; it is confirmed and shipped in part.
    s.click("#sign-out").await;
    s.sign_in("boss", "boss-pass-2026").await;
    // The held order is the manager's own work on home (R4.1.2), and opens from there.
    s.click("#home-mine [data-kind=order_release_waiting] a").await;
    s.click("#order-override").await;
    s.click("#override-form-submit").await;
    s.wait_text("#override-form .field-error[data-for=override_reason]", "必填").await;
    s.type_into("#override-form #f-override_reason", "客户总部在广州，北京园区项目由华南团队交付").await;
    s.click("#override-form-submit").await;
    s.wait_text("#order-override-note", "李经理").await;
    s.wait_text("#order-review-summary", "李经理 已说明理由放行").await;
    s.click("#order-confirm").await;
    s.type_into("#confirm-form #f-contract_ref", "HT-2026-0317").await;
    s.click("#confirm-form-submit").await;
    s.wait_text("#order-contract", "HT-2026-0317").await;
    s.click("#order-ship").await;
    s.type_into("#ship-form .ship-qty", "1").await;
    let today = s.js("return new Date().toISOString().slice(0, 10)").await;
    s.js("const d = document.querySelector('#ship-form #f-expected_on'); d.value = d.form.elements.shipped_on.value; return 1").await;
    s.type_into("#ship-form #f-carrier", "顺丰速运").await;
    s.click("#ship-form-submit").await;
    s.wait_text("#order-shipments", "部分发货").await;
    s.wait_text("#order-lines-table", "1 / 2").await;
    s.wait_text("#order-steps", "李经理").await;
    s.shot("orders-shipped-zh").await;

    // The statement of this month shows the shipment and the rebate.
    s.click("[data-nav=settlement]").await;
    s.click("#statement-new").await;
    s.type_into("#statement-form #f-partner", "广州市南方智联科技有限公司").await;
    s.find("#partner-picker-options option").await;
    s.js("document.querySelector('#statement-form #f-partner').dispatchEvent(new Event('change')); return true").await;
    s.wait_text("#f-period", &today.as_str().unwrap()[..7]).await;
    s.click("#statement-form-submit").await;
    s.wait_text("#statement-lines", "智能门禁控制器").await;
    s.wait_text("[data-figure=due]", "¥1,200.00").await;
    s.wait_text("[data-figure=rebate]", "¥24.00").await;
    s.wait_text("#statement-balance", "¥1,176.00").await;
    s.shot("statement-zh").await;
    s.click("#statement-print").await;
    s.open_in_viewer().await;
    s.wait_text(".toast", "prints").await;
    let before = s.opened().len();
    s.click("#statement-xlsx").await;
    s.wait_text(".toast", "Excel").await;
    s.wait_opened(before, ".xlsx").await;
    s.set_language("en", "Partners").await;
    s.wait_text("#statement-figures", "Closing balance").await;
    s.shot("statement-en").await;
    s.click("[data-nav=orders]").await;
    s.click("#orders-table tbody a").await;
    s.wait_text("[data-rule=territory]", "outside the territory").await;
    s.shot("orders-order-en").await;
    // Issue 25: the partner's page shows its whole picture: the agreement in effect, money
    // with the statement just issued, the order with what has shipped.
    let number =
        s.js("return document.querySelector('#order-page h1').textContent.match(/SO-[\\w-]+/)[0]").await;
    let number = number.as_str().expect("the order's number").to_string();
    s.click("#order-page .page-head a[href^='#/partners/']").await;
    s.wait_text("#picture-orders", &number).await;
    s.wait_text("#picture-orders", "in transit").await;
    s.wait_text("#picture-agreement", "Agreement").await;
    s.wait_text("#picture-money [data-picture=receivable]", "¥").await;
    s.wait_text("#picture-money", "ST-").await;
    s.check_page("partner picture in en", true).await;
    s.shot("partner-picture-en").await;
    s.set_language("zh-CN", "合作伙伴").await;
    s.wait_text("#picture-money", "应收余额").await;
    s.shot("partner-picture-zh").await;
    // R1.4: this year's evaluation fills in the sales actual from the confirmed order and says
    // where it came from.
    s.click("[data-nav=evaluations]").await;
    s.click("#evaluation-round").await;
    s.click("#round-form-submit").await;
    s.click("#evaluations-table .partner-link").await;
    s.wait_text("[data-figure=target]", "已确认订单 1 笔").await;
    assert_eq!(
        s.js("return document.querySelector(\"[data-field='scores.0.actual']\").value").await,
        json!("2400")
    );
    s.js("document.querySelector('[data-figure=target]').scrollIntoView({block: 'center'}); return 1").await;
    s.shot("evaluation-figures-zh").await;
    s.set_language("en", "Partners").await;
    // Printed copies live in a private temporary folder while the program runs (removed at exit).
    let prints = channeldesk::documents::prints_dir(&s.data_dir);
    let pdf = std::fs::read_dir(&prints)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("ST-"))
        .expect("statement PDF");
    std::fs::copy(pdf.path(), artifacts().join("statement.pdf")).unwrap();
    let xlsx = std::fs::read_dir(&prints)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().ends_with(".xlsx"))
        .expect("statement .xlsx");
    assert!(xlsx.metadata().unwrap().len() > 1000);
    let dir = s.close().await;
    let desk = open_desk(&dir.path().join("data")).await;
    let (status, overridden_by): (String, Option<String>) =
        sqlx::query_as("SELECT status, overridden_by FROM sales_order").fetch_one(desk.pool()).await.unwrap();
    assert_eq!(status, "confirmed");
    assert!(overridden_by.is_some());
    desk.close().await;
}

/// R6.1.2, R6.2.2: a risk recorded through the window lands in its heat-map cell, and a
/// partner's credit rated down raises an alert on the risk page and the home page.
#[tokio::test]
async fn a_risk_is_mapped_and_a_credit_downgrade_raises_an_alert() {
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        let p = channeldesk::partners::PartnerInput {
            name: "佛山顺德安居科技有限公司".into(),
            source_kind: "referral".into(),
            ..Default::default()
        };
        let partner = channeldesk::partners::migrate(
            &desk,
            &[channeldesk::partners::MigrationRow { partner: p.clone(), class: String::new() }],
        )
        .await
        .expect("partner")
        .remove(0);
        let good = [("payment_history", 95), ("overdue", 90), ("financial", 85), ("legal", 100)];
        let input = channeldesk::risk::credit::RatingInput {
            rated_on: "2026-06-01".into(),
            scores: good.iter().map(|(k, v)| ((*k).to_string(), Some(*v))).collect(),
            note: String::new(),
        };
        channeldesk::risk::credit::rate(&desk, &partner, &input).await.expect("first rating");
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    s.click("[data-nav=risks]").await;
    s.click("#risk-new").await;
    s.type_into("#risk-form #f-title", "华南区竞品降价 20%").await;
    s.choose("#risk-form #f-likelihood", "4").await;
    s.choose("#risk-form #f-impact", "5").await;
    // Critical without a measure is refused, and nothing is written.
    s.click("#risk-form-submit").await;
    s.wait_text("#risk-form", "高、极高风险须有应对措施").await;
    s.type_into("#risk-form [name='measures.0.action']", "与渠道商共同调整华南区价格策略").await;
    s.js("document.querySelector(\"#risk-form [name='measures.0.due_on']\").value = '2026-12-15'; return 1")
        .await;
    s.click("#risk-form-submit").await;
    s.wait_text("#risk-measures", "与渠道商共同调整华南区价格策略").await;
    s.wait_text("main h1", "极高").await;
    s.shot("risk-page-zh").await;
    s.click("[data-nav=risks]").await;
    s.click("#risks-tab-heat").await;
    s.wait_text("td.heat-cell[data-l='4'][data-i='5']", "1").await;
    s.click("td.heat-cell[data-l='4'][data-i='5'] button").await;
    s.wait_text("#heat-cell-risks", "华南区竞品降价").await;
    s.shot("risk-heat-map-zh").await;

    // The partner's credit rated down: good → poor raises the alert.
    s.click("#risks-tab-credit").await;
    s.find("#credit-scheme").await;
    s.click("#credit-rate").await;
    s.type_into("#credit-rate-form #f-partner", "佛山顺德安居科技有限公司").await;
    s.find("#partner-picker-options option").await;
    for (k, v) in [("payment_history", "30"), ("overdue", "20"), ("financial", "50"), ("legal", "60")] {
        s.type_into(&format!("#credit-rate-form #f-scores-{k}"), v).await;
    }
    s.click("#credit-rate-form-submit").await;
    s.wait_text("#credit-alerts", "信用等级下降：良好 → 较差").await;
    s.shot("risk-credit-alert-zh").await;
    s.click("[data-nav=home]").await;
    s.wait_text("#home-credit-alerts", "佛山顺德安居科技有限公司").await;
    s.wait_text("#home-credit-alerts", "信用等级：较差").await;
    s.shot("risk-home-alert-zh").await;
    s.set_language("en", "Partners").await;
    s.click("[data-nav=risks]").await;
    s.click("#risks-tab-heat").await;
    s.wait_text("#heat-map", "Almost certain").await;
    s.shot("risk-heat-map-en").await;
    s.click("#risks-tab-credit").await;
    s.wait_text("#credit-alerts", "Credit level down: Good → Poor").await;
    s.shot("risk-credit-alert-en").await;
    let dir = s.close().await;
    let desk = open_desk(&dir.path().join("data")).await;
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM risk").fetch_one(desk.pool()).await.unwrap();
    assert_eq!(n, 1, "the refused save wrote nothing");
    desk.close().await;
}

/// A D-Bus session bus of a test's own (the single-instance handover runs over it on Linux),
/// ended with the test.
struct SessionBus {
    daemon: Child,
    address: String,
}

impl SessionBus {
    fn start() -> Option<SessionBus> {
        use std::io::BufRead as _;
        let mut daemon = Command::new(which("dbus-daemon")?)
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        std::io::BufReader::new(daemon.stdout.take()?).read_line(&mut line).ok()?;
        Some(SessionBus { daemon, address: line.trim().to_string() })
    }
}

impl Drop for SessionBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// A bundle double-clicked in the file manager while the program runs: the second start hands
/// it to the running window (one instance per user and data folder) and ends at once; the
/// window comes forward on the import preview of that bundle.
#[tokio::test(flavor = "multi_thread")]
async fn a_bundle_opened_from_the_file_manager_reaches_the_running_window() {
    let Some(bus) = SessionBus::start() else {
        assert!(std::env::var("CHANNELDESK_E2E").as_deref() != Ok("required"), "dbus-daemon is missing");
        eprintln!("skipping: no dbus-daemon");
        return;
    };
    // Laptop B's bundle, made by the core in a data folder of its own.
    let files = tempfile::tempdir().expect("temp");
    let bundle = files.path().join("九龙江线索.cdbundle");
    let source = std::sync::Mutex::new(None);
    {
        let desk = open_desk(&files.path().join("laptop-b")).await;
        channeldesk::users::setup_owner(&desk, "赵漳州", "zhao", OWNER_PASSWORD).await.expect("owner");
        let input = channeldesk::partners::PartnerInput {
            name: "漳州九龙江电子有限公司".into(),
            source_kind: "offline_event".into(),
            ..Default::default()
        };
        channeldesk::partners::create(&desk, &input, false).await.expect("partner");
        *source.lock().expect("lock") = Some(channeldesk::share::trust::identity(&desk));
        let ex = channeldesk::share::export(
            &desk,
            &channeldesk::share::ExportScope::All,
            None,
            &channeldesk::share::Progress::silent(),
        )
        .await
        .expect("export");
        desk.close().await;
        std::fs::write(&bundle, &ex.bytes).expect("bundle");
    }
    let laptop_b = source.lock().expect("lock").clone().expect("identity");
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        // Paired with the laptop the bundle comes from earlier (see the exchange test).
        channeldesk::share::trust::pair(&desk, &laptop_b).await.expect("pair");
        desk.close().await;
    };
    let env = [("DBUS_SESSION_BUS_ADDRESS", bus.address.as_str())];
    let Some((s, _)) = start_with(prepare, "#sign-in-form", &env).await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("[data-nav=data]").await;
    let started = Instant::now();
    let mut second = Command::new(app_binary())
        .arg("--data-dir")
        .arg(&s.data_dir)
        .arg(bundle.file_name().expect("name"))
        .current_dir(files.path())
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("second start");
    let code = loop {
        if let Some(st) = second.try_wait().expect("wait") {
            break st.code();
        }
        if started.elapsed() > WAIT {
            let _ = second.kill();
            let _ = second.wait();
            panic!("the second start did not hand over and end");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(code, Some(0), "the second start ends quietly after handing over");
    s.wait_text("#share-inbox", "九龙江线索.cdbundle").await;
    s.wait_text("#share-kinds tr[data-kind=partner]", "合作伙伴").await;
    assert_eq!(s.text("#share-kinds tr[data-kind=partner] td:nth-child(2)").await.trim(), "1");
    assert!(
        s.data_dir.join("exchange").join("九龙江线索.cdbundle").is_file(),
        "copied into the exchange folder"
    );
    s.shot("data-import-opened-zh").await;

    // Settings › About names the build and the folders; updates come only from a signed source.
    s.click("[data-nav=settings]").await;
    s.wait_text(".facts", "构建日期").await;
    s.wait_text(".facts", &s.data_dir.join("logs").display().to_string()).await;
    s.type_into("#update-form #g-update_source", "updates.example").await;
    s.click("#update-form button[type=submit]").await;
    s.wait_text("#update-form [data-for=update_source]", "网址").await;
    let missing = files.path().join("no-such-folder").join("latest.json");
    s.type_into("#update-form #g-update_source", &missing.display().to_string()).await;
    s.click("#update-form button[type=submit]").await;
    s.wait_text("#update-form .error-box", "无法取得更新").await;
    s.shot("settings-updates-zh").await;
    s.close().await;
}

/// R6.2.2 through the window: a manager suspends a partner's cooperation (a reason is asked
/// for, by field), the page shows 暂停 and offers only 恢复合作, and resumes it; the partner
/// form has no status to pick (the status follows the business).
#[tokio::test(flavor = "multi_thread")]
async fn a_manager_suspends_and_resumes_cooperation_with_a_reason() {
    let id = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let kept = id.clone();
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        let boss = channeldesk::users::NewUser {
            login: "boss".into(),
            display_name: "李经理".into(),
            password: "password-1".into(),
            roles: vec![channeldesk::access::Role::Manager],
        };
        channeldesk::users::create(&desk, &boss).await.expect("manager");
        let p = channeldesk::partners::PartnerInput {
            name: "佛山顺联智能设备有限公司".into(),
            source_kind: "online".into(),
            ..Default::default()
        };
        let row = channeldesk::partners::MigrationRow { partner: p, class: "B".into() };
        *kept.lock().expect("lock") =
            channeldesk::partners::migrate(&desk, &[row]).await.expect("partner").remove(0);
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("boss", "password-1").await;
    s.find("#home-summary").await;
    let pid = id.lock().expect("lock").clone();
    s.js(&format!("location.hash = '#/partners/{pid}'; return 1")).await;
    s.wait_text("#partner-title", "佛山顺联智能设备有限公司").await;
    s.click("#partner-suspend").await;
    s.click("#cooperation-form-submit").await;
    s.find("#cooperation-form .field-error[data-for=reason]").await;
    s.type_into("#cooperation-form #f-reason", "连续两期逾期未付").await;
    s.shot("cooperation-suspend-zh").await;
    s.click("#cooperation-form-submit").await;
    s.wait_text(".page-head .badge.status-suspended", "暂停").await;
    s.find("#partner-resume").await;
    let offered = s.js("return document.querySelector('#partner-suspend') === null").await;
    assert_eq!(offered, serde_json::json!(true), "a suspended partner is not offered another suspension");
    s.click("#partner-resume").await;
    s.type_into("#cooperation-form #f-reason", "欠款已结清").await;
    s.click("#cooperation-form-submit").await;
    s.wait_text(".page-head .badge.status-active", "合作").await;
    // The same in English: the button, the dialog and its refusal are translated.
    s.set_language("en", "Partners").await;
    s.click("#partner-suspend").await;
    s.click("#cooperation-form-submit").await;
    s.find("#cooperation-form .field-error[data-for=reason]").await;
    s.shot("cooperation-suspend-en").await;
    s.find("#cooperation-form #f-reason").await.send_keys(&Key::Escape.to_string()).await.expect("esc");
    s.set_language("zh-CN", "合作伙伴").await;
    // The form has no status to pick.
    s.js(&format!("location.hash = '#/partners/{pid}/edit'; return 1")).await;
    s.find("#partner-form").await;
    let status_field = s.js("return document.querySelector('#partner-form [name=status]') === null").await;
    assert_eq!(status_field, serde_json::json!(true));
    // The administrator's state check finds nothing against the rules (the partner came in by
    // a migration); a manager is not offered it.
    assert_eq!(s.js("location.hash = '#/settings'; return 1").await, serde_json::json!(1));
    s.find("#password-form").await;
    assert_eq!(
        s.js("return document.querySelector('#findings-card') === null").await,
        serde_json::json!(true)
    );
    s.click("#sign-out").await;
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    s.js("location.hash = '#/settings'; return 1").await;
    s.click("#findings-run").await;
    s.wait_text("#findings-out", "没有发现").await;
    s.js("document.querySelector('#findings-card').scrollIntoView(); return 1").await;
    s.shot("settings-findings-zh").await;
    s.set_language("en", "Partners").await;
    s.click("#findings-run").await;
    s.wait_text("#findings-out", "No record breaks the rules").await;
    s.js("document.querySelector('#findings-card').scrollIntoView(); return 1").await;
    s.shot("settings-findings-en").await;
    s.close().await;
}

/// R2.1.4 → R3.1.2 → R3.1.3 through the window: a prospect waiting at the signing stage gets
/// its agreement from the pipeline's 新建协议, the legal and the business reviewer approve it
/// under their own names, the channel staff member signs it, and the partner becomes 合作中
/// with its pipeline at 已签约 — no status was picked by hand anywhere.
#[tokio::test(flavor = "multi_thread")]
async fn a_prospect_at_the_signing_stage_signs_through_its_agreement() {
    use channeldesk::recruitment::{self, InspectionInput, NegotiationInput, Stage, screening};
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        for (login, name, role) in [("legal", "李律师", Role::Legal), ("biz", "赵经理", Role::Business)]
        {
            let u = channeldesk::users::NewUser {
                login: login.into(),
                display_name: name.into(),
                password: format!("{login}-pass-2026"),
                roles: vec![role],
            };
            channeldesk::users::create(&desk, &u).await.expect("user");
        }
        // A prospect walked through every gate to the signing stage (as the pipeline tests do).
        let p = channeldesk::partners::PartnerInput {
            name: "东莞市鼎信智能科技有限公司".into(),
            source_kind: "offline_event".into(),
            credit_code: "91350100M000100Y43".into(),
            business_scope: "智能门禁设备销售与安装".into(),
            address: "东莞市南城区鸿福路 99 号".into(),
            contacts: vec![channeldesk::partners::ContactInput {
                name: "刘强".into(),
                mobile: "13800138000".into(),
                is_primary: true,
                ..Default::default()
            }],
            ..Default::default()
        };
        let id = channeldesk::partners::create(&desk, &p, false).await.expect("prospect").id;
        recruitment::move_to(&desk, &id, Stage::Screening, "").await.expect("screening");
        let scheme = screening::current(&desk).await.expect("scheme");
        let scores = scheme.criteria.iter().map(|k| (k.key.clone(), 5)).collect();
        let card = screening::ScorecardInput { scheme_id: scheme.id, scores, comment: String::new() };
        screening::score(&desk, &id, &card).await.expect("score");
        recruitment::move_to(&desk, &id, Stage::Inspection, "").await.expect("inspection");
        let visit = InspectionInput {
            inspected_on: "2026-02-20".into(),
            inspectors: "张伟".into(),
            operations: "门店两家".into(),
            team: "销售 8 人".into(),
            capability: "可独立安装调试".into(),
            resources: "本地客户 40 余家".into(),
            conclusion: "经营规范".into(),
            passed: true,
        };
        recruitment::record_inspection(&desk, &id, &visit).await.expect("visit");
        recruitment::move_to(&desk, &id, Stage::Negotiation, "").await.expect("negotiation");
        let talk = NegotiationInput {
            negotiated_on: "2026-02-25".into(),
            cooperation_model: "区域经销".into(),
            rights_obligations: "东莞区域经销".into(),
            profit_sharing: "毛利 18%".into(),
            promotion_commitments: "每季度一场推广会".into(),
            notes: String::new(),
            intent_reached: true,
        };
        recruitment::record_negotiation(&desk, &id, &talk).await.expect("talk");
        recruitment::move_to(&desk, &id, Stage::Signing, "").await.expect("signing");
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    open_partners(&s).await;
    s.click("#partner-table .partner-link").await;
    s.wait_text("#partner-title", "鼎信智能").await;
    s.wait_text("#prospect-stage", "签约").await;
    s.wait_text(".page-head", "潜在").await;
    // The signing stage's next record is the agreement itself.
    s.click("#prospect-record").await;
    s.choose("#agreement-new #f-template_id", "00000000-0000-7000-8000-000000000200").await;
    s.type_into("#agreement-new #f-title", "东莞区域经销协议").await;
    s.click("#agreement-new-submit").await;
    s.wait_text("#agreement-title", "东莞区域经销协议").await;
    for (var, value) in [
        ("company_name", "渠道科技股份有限公司"),
        ("company_credit_code", "91110000100000000X"),
        ("products", "智能门禁系统"),
        ("price_terms", "按渠道价目表 B 类价格执行"),
        ("payment_days", "30"),
        ("annual_target", "人民币 300 万元"),
    ] {
        s.type_into(&format!("#var-{var}"), value).await;
    }
    add_place(&s, "agreement-territory", "44", "4419").await;
    s.choose("#var-settlement_cycle", "monthly").await;
    let year = s.js("return new Date().getFullYear()").await.as_i64().expect("year");
    for (var, date) in [("start_on", format!("{year}-01-01")), ("end_on", format!("{}-12-31", year + 1))] {
        s.js(&format!("const i = document.querySelector('#var-{var}'); i.value = '{date}'; i.dispatchEvent(new Event('change')); return 1")).await;
    }
    s.active().await.send_keys(&(Key::Control + "s")).await.expect("Ctrl+S");
    s.wait_text("#toasts", "已保存为第 2 版").await;
    s.click("#agreement-submit").await;
    s.wait_text("#agreement-steps .current", "审核").await;
    // Only the reviewers approve; the drafter is not offered signing before that.
    assert_eq!(s.js("return document.querySelector('#agreement-sign') === null").await, json!(true));
    for (login, side) in [("legal", "legal"), ("biz", "business")] {
        s.click("#sign-out").await;
        s.sign_in(login, &format!("{login}-pass-2026")).await;
        s.click(&format!("[data-kind=agreement_review_{side}] a")).await;
        s.wait_text("#agreement-title", "东莞区域经销协议").await;
        s.click(&format!("#review-{side}-approve")).await;
        s.wait_text(&format!(".review-side[data-side={side}]"), "已批准").await;
    }
    s.click("#sign-out").await;
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    s.click("[data-nav=agreements]").await;
    s.click("#agreements-table .partner-link").await;
    s.click("#agreement-sign").await;
    s.type_into("#sign-form #f-signed_place", "东莞").await;
    s.type_into("#sign-form #f-our_signatory", "陈建国").await;
    s.type_into("#sign-form #f-their_signatory", "刘强").await;
    s.click("#sign-form-submit").await;
    s.wait_text("#agreement-steps .current", "生效").await;
    // The partner followed its agreement.
    open_partners(&s).await;
    s.click("#partner-table .partner-link").await;
    s.wait_text(".page-head", "合作中").await;
    s.wait_text("#prospect-stage", "已签约").await;
    s.shot("prospect-signed-through-agreement-zh").await;
    s.close().await;
}

/// Every control of the sidebar, scrolled into view inside the sidebar, has its box inside
/// the viewport and is what a click at its centre reaches; the program itself never scrolls
/// as a whole (issue 23: at 1366×700 the language, kiosk, lock and sign-out were out of reach).
const SIDEBAR_REACHABLE: &str = "
    const vw = innerWidth, vh = innerHeight, bad = [];
    for (const el of document.querySelectorAll('#nav a, #lang-select, #session-actions button')) {
      el.scrollIntoView({ block: 'nearest' });
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      if (r.width < 8 || r.height < 8 || r.top < 0 || r.bottom > vh || r.left < 0 || r.right > vw || !hit || !(hit === el || el.contains(hit)))
        bad.push(`${el.id || el.dataset.nav}: ${Math.round(r.top)}..${Math.round(r.bottom)} of ${vh}, hit ${hit && (hit.id || hit.className || hit.tagName)}`);
    }
    const root = document.scrollingElement;
    if (root.scrollTop !== 0 || root.scrollHeight > vh + 1) bad.push(`the program scrolls as a whole: ${root.scrollTop}/${root.scrollHeight}`);
    return bad;";

/// What the page shows that is not meant for people (issue 23): a `{placeholder}` or
/// `{{variable}}` left in a text, an untranslated key (`agreement.state.draft`) or an internal
/// name (`version_no`, `sales_order`) in the visible text; a checkbox not beside its words.
/// E-mail addresses, file names and web addresses are not names of the program's.
const WORDING: &str = r"
    const bad = [];
    // The visible text, less what is shown as typed or as code (logins, numbers, versions).
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const parts = [];
    for (let n = walk.nextNode(); n; n = walk.nextNode()) {
      const el = n.parentElement;
      if (!el || el.closest('.mono, code, kbd, script, style, template, [hidden]') || !el.getClientRects().length) continue;
      parts.push(n.textContent);
    }
    const text = parts.join(' ');
    for (const m of text.matchAll(/\{\{?\s*[A-Za-z_]+\s*\}?\}/g)) bad.push(`placeholder ${m[0]}`);
    const files = new Set(['pdf', 'xlsx', 'csv', 'json', 'txt', 'zip', 'log', 'png', 'jpg', 'cdbundle', 'cdbackup', 'exe', 'msi', 'dmg', 'docx', 'com', 'cn', 'org', 'net', 'localhost']);
    for (const m of text.matchAll(/(?<![\w@.\/\\:-])[a-z][a-z0-9]+(?:[._][a-z0-9]+)+(?![\w@\/\\-])/g)) {
      const last = m[0].split('.').pop();
      if (m[0].includes('.') && files.has(last)) continue;
      bad.push(`internal name ${m[0]}: …${text.slice(Math.max(0, m.index - 20), m.index + m[0].length + 20).replace(/\s+/g, ' ')}…`);
    }
    for (const box of document.querySelectorAll('label input[type=checkbox]')) {
      const label = box.closest('label');
      const words = [...label.childNodes].find((n) => n.nodeType === 3 && n.textContent.trim());
      if (!words || !box.getClientRects().length) continue;
      const range = document.createRange();
      range.selectNodeContents(words);
      const w = range.getClientRects()[0], b = box.getBoundingClientRect();
      if (w && (Math.abs((w.top + w.bottom) / 2 - (b.top + b.bottom) / 2) > 8 || w.left < b.right))
        bad.push(`checkbox not before its words: ${words.textContent.trim().slice(0, 20)}`);
    }
    return [...new Set(bad)];";

/// The keyboard walk's start (issue 23): lists every control a person could use on the page
/// (shown, enabled, in the tab order; not inside a closed `<details>`), focuses the first and
/// records from then on each element focus reaches and whether a focus ring is drawn around
/// it. Returns the count.
const KEYBOARD_START: &str = r#"
    const shown = (e) => {
      if (e.closest('[inert], [aria-hidden="true"], [hidden]')) return false;
      const closed = e.closest('details:not([open])');
      if (closed && !closed.querySelector(':scope > summary')?.contains(e)) return false;
      const r = e.getBoundingClientRect(), cs = getComputedStyle(e);
      return r.width > 0 && r.height > 0 && cs.visibility === 'visible' && cs.opacity !== '0';
    };
    const name = (e) => e.id ? `#${e.id}` : `${e.tagName.toLowerCase()}${e.getAttribute('href') ? `[href="${e.getAttribute('href')}"]` : ''}`
      + ` "${(e.getAttribute('aria-label') || e.textContent || e.name || '').trim().replace(/\s+/g, ' ').slice(0, 30)}"`;
    const focusable = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex], [contenteditable]';
    const controls = [...document.querySelectorAll(focusable)].filter((e) => !e.disabled && e.tabIndex >= 0 && shown(e));
    const kb = { controls, seen: new Set(), unringed: [], name, shown, focusable };
    kb.missed = () => {
      const groups = new Set([...kb.seen].filter((e) => e.type === 'radio').map((e) => e.name));
      return kb.controls.filter((e) => e.isConnected && !kb.seen.has(e) && !(e.type === 'radio' && groups.has(e.name)));
    };
    window.__keyboard = kb;
    if (!controls.length) return 0;
    controls[0].focus();
    kb.seen.add(controls[0]);
    // Where each press of Tab has put focus (a date field's parts take focus without a
    // focusin the document sees, so the element is read after the key).
    kb.listener = () => {
      const e = document.activeElement;
      if (!e || e === document.body) return;
      kb.seen.add(e);
      const cs = getComputedStyle(e);
      const ring = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || (cs.boxShadow && cs.boxShadow !== 'none');
      if (!ring) kb.unringed.push(name(e));
    };
    document.addEventListener('keyup', kb.listener, true);
    return controls.length;"#;

/// The keyboard walk's end: the controls Tab never reached (a radio group counts as one), the
/// ones focused without a visible ring, and what looks clickable (a pointer cursor) but no key
/// can reach (neither focusable nor inside or labelling something focusable).
const KEYBOARD_END: &str = r#"
    const kb = window.__keyboard;
    document.removeEventListener('keyup', kb.listener, true);
    const missed = kb.missed().map(kb.name);
    const clickable = [...document.querySelectorAll('#app *')].filter((e) => getComputedStyle(e).cursor === 'pointer'
      && !e.closest(kb.focusable) && !e.closest('label') && !e.querySelector(kb.focusable) && kb.shown(e)).map(kb.name);
    delete window.__keyboard;
    document.activeElement?.blur();
    return { missed, unringed: [...new Set(kb.unringed)], clickable: [...new Set(clickable)] };"#;

/// Runs axe-core (`CHANNELDESK_AXE`, installed by the xtask) over the page: the serious and
/// critical violations of WCAG 2.1 A/AA, as `rule: target` lines.
const AXE_RUN: &str = r"
    const done = arguments[0];
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
      .then((r) => done(r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${(n.failureSummary || '').split('\n').slice(0, 2).join(' ').slice(0, 160)}`))))
      .catch((e) => done([`axe failed: ${e}`]));";

/// Whether the element `css` is on the first screen: its whole box inside the viewport.
async fn on_first_screen(s: &Session, css: &str) -> serde_json::Value {
    s.js(&format!(
        "const el = document.querySelector({css:?}); if (!el || el.hidden) return 'missing';
         const r = el.getBoundingClientRect();
         return r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth ? 'ok'
           : `${{Math.round(r.top)}}..${{Math.round(r.bottom)}} of ${{innerHeight}}`;"
    ))
    .await
}

/// Adds city `city` of province `province` to the territory picker `id` (issue 23): the
/// city list fills once the province is chosen.
async fn add_place(s: &Session, id: &str, province: &str, city: &str) {
    s.choose(&format!("#{id}-place-province"), province).await;
    s.wait_js(&format!(
        "return !!document.querySelector(\"#{id}-place-city option[value='{city}']\") || (() => {{
           // WebKitWebDriver leaves out the change event when it selects an option the script
           // deselected (the picker resets itself after each place): send it as the browser would.
           const p = document.getElementById('{id}-place-province');
           p.value = '{province}';
           p.dispatchEvent(new Event('change', {{ bubbles: true }}));
           return false; }})()"
    ))
    .await;
    s.choose(&format!("#{id}-place-city"), city).await;
    s.click(&format!("#{id}-add")).await;
    s.find(&format!("#{id}-chosen li[data-code='{city}']")).await;
}

/// Fails the test with what a page check found, or with `CHANNELDESK_PAGE_REPORT=FILE`
/// appends it to FILE and goes on (to list every finding of a walk at once).
fn page_report(name: &str, what: &str, found: serde_json::Value) {
    if found == json!([]) {
        return;
    }
    match std::env::var_os("CHANNELDESK_PAGE_REPORT") {
        Some(f) => {
            use std::io::Write as _;
            let mut out = std::fs::OpenOptions::new().create(true).append(true).open(f).expect("report");
            writeln!(out, "{name}: {what}: {found}").expect("write report");
        }
        None => panic!("{name}: {what}: {found:#}"),
    }
}

/// Goes to `route` and waits until it has rendered in `lang`.
async fn go(s: &Session, route: &str, lang: &str) {
    let area = route.split('/').next().unwrap_or_default();
    // The render that answers this hash change, not the one before it (a record's page has
    // the same area as its list).
    let before = s
        .js(&format!("return location.hash === '#/{route}' ? '' : (document.body.dataset.rendered || '')"))
        .await;
    s.js(&format!("location.hash = '#/{route}'")).await;
    let deadline = Instant::now() + WAIT;
    loop {
        let r = s.js("return document.body.dataset.rendered || ''").await;
        let parts: Vec<&str> = r.as_str().unwrap_or_default().split('|').collect();
        if r != before && parts.first() == Some(&area) && parts.get(1) == Some(&lang) {
            return;
        }
        assert!(Instant::now() < deadline, "{route} never rendered in {lang}: {r}");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
}

/// Issue 23: at the sizes a laptop gives (1366×700 inside a maximised window on a 1366×768
/// screen, and 1280×720), in both languages, every page of the walk keeps the whole sidebar
/// within reach, and lead capture shows its live duplicate warning and its save button on
/// the first screen; then each role signs in and finds its own work first (R2.1.1, R3.1.2,
/// R2.3.1), with requirement codes kept out of the page text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fits_a_laptop_screen_and_opens_on_each_persons_own_work() {
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        channeldesk::demo::seed(&desk, 2_000, 20261127).await.expect("seed");
        for (login, name, role) in
            [("wang.mgr", "王经理", Role::Manager), ("qian.fin", "钱财务", Role::Finance)]
        {
            let u = channeldesk::users::NewUser {
                login: login.into(),
                display_name: name.into(),
                password: "password-1".into(),
                roles: vec![role],
            };
            channeldesk::users::create(&desk, &u).await.expect("user");
        }
        // The demo's reviewers and one of its channel staff get passwords to sign in with.
        for a in channeldesk::users::accounts(&desk).await.expect("accounts") {
            if ["li.na", "zhao.lei", "zhangmin"].contains(&a.login.as_str()) {
                let change = channeldesk::users::UserChange {
                    display_name: a.display_name.clone(),
                    roles: a.roles.clone(),
                    disabled: false,
                    password: "password-1".into(),
                };
                channeldesk::users::update(&desk, &a.id, &change).await.expect("password");
            }
        }
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    let event = s
        .c()
        .execute_async(
            "const done = arguments[0]; window.__TAURI__.core.invoke('events_list').then((e) => done(e[0].id));",
            vec![],
        )
        .await
        .expect("events");
    let event = event.as_str().expect("an event").to_string();
    let known = s
        .c()
        .execute_async(
            "const done = arguments[0];
             window.__TAURI__.core.invoke('partners_list', { query: { limit: 1 } }).then((p) => done(p.rows[0].name));",
            vec![],
        )
        .await
        .expect("a partner");
    let known = known.as_str().expect("a name").to_string();
    let walk = [
        "home",
        "dashboard",
        "partners",
        "pipeline",
        "events",
        "evaluations",
        "agreements",
        "agreements/clauses",
        "orders",
        "products",
        "settlement",
        "promotion",
        "risks",
        "market",
        "research",
        "awards",
        "data",
        "audit",
        "users",
        "settings",
        "partners/new",
    ];
    for (w, h) in [(1366u32, 700u32), (1280, 720)] {
        s.c().set_window_size(w, h).await.expect("window size");
        s.wait_js(&format!("return innerWidth <= {w} && innerHeight <= {h} && innerHeight > {h} - 80")).await;
        for (lang, nav) in [("zh-CN", "合作伙伴"), ("en", "Partners")] {
            s.set_language(lang, nav).await;
            let short = if lang == "en" { "en" } else { "zh" };
            for route in walk {
                go(&s, route, lang).await;
                // Every area in both languages once through axe-core.
                s.check_page(&format!("{route} in {lang}"), w == 1366).await;
                if w == 1366 && lang == "zh-CN" {
                    s.keyboard_walk(route).await;
                }
                let bad = s.js(SIDEBAR_REACHABLE).await;
                assert_eq!(bad, json!([]), "{route} at {w}×{h} in {lang}");
                if w == 1366 && matches!(route, "agreements/clauses" | "orders") {
                    s.shot(&format!("laptop-{w}x{h}-{}-{short}", route.replace("agreements/", ""))).await;
                }
            }
            if w == 1366 {
                // A record's page of each kind the generated data has, in both languages.
                let kinds = [
                    ("partners", "partners"),
                    ("pipeline", "partners"),
                    ("agreements", "agreements"),
                    ("evaluations", "evaluations"),
                    ("events", "events"),
                ];
                for (area, to) in kinds {
                    go(&s, area, lang).await;
                    let href = s
                        .js(&format!(
                            "return document.querySelector('#view a[href^=\"#/{to}/\"]:not([href$=\"/new\"]):not([href$=\"/scheme\"]):not([href$=\"/clauses\"])')?.getAttribute('href') || ''"
                        ))
                        .await;
                    let route = href.as_str().unwrap_or_default().trim_start_matches("#/").to_string();
                    assert!(!route.is_empty(), "no record to open on {area}");
                    go(&s, &route, lang).await;
                    s.check_page(&format!("{route} in {lang}"), true).await;
                    if lang == "zh-CN" {
                        s.keyboard_walk(&route).await;
                    }
                    if area == "agreements" {
                        s.shot(&format!("laptop-{w}x{h}-agreement-{short}")).await;
                    }
                }
            }
            go(&s, "home", lang).await;
            s.shot(&format!("laptop-{w}x{h}-home-{short}")).await;
            go(&s, &format!("events/{event}/capture"), lang).await;
            if w == 1366 && lang == "zh-CN" {
                s.keyboard_walk("lead capture").await;
            }
            s.type_into("#lead-form #f-company_name", &known).await;
            s.wait_js("return !document.getElementById('lead-dup-hint').hidden").await;
            for css in ["#lead-dup-hint", "#lead-save"] {
                assert_eq!(on_first_screen(&s, css).await, json!("ok"), "{css} at {w}×{h} in {lang}");
            }
            s.shot(&format!("laptop-{w}x{h}-lead-capture-{short}")).await;
            if lang == "zh-CN" && w == 1366 {
                // Staff are told the rule, not asked as a visitor is.
                s.type_into("#lead-form #f-company_name", "无电话测试有限公司").await;
                s.type_into("#lead-form #f-contact_name", "访客").await;
                s.click("#lead-save").await;
                s.wait_text(".field-error[data-for=contact_mobile]", "请填写手机或电子邮箱（至少一项）")
                    .await;
                s.js("document.getElementById('f-contact_name').value = ''").await;
            }
            s.js("document.getElementById('f-company_name').value = ''").await;
        }
    }
    s.set_language("zh-CN", "合作伙伴").await;
    s.c().set_window_size(1366, 700).await.expect("window size");
    // Long lists page through every row: the evaluations past the first 200, the register by
    // page number.
    go(&s, "evaluations", "zh-CN").await;
    s.choose("#evaluations-status", "").await;
    s.wait_text("#evaluations-pager", "第 1–200 项").await;
    s.click("#evaluations-pager [data-page='2']").await;
    s.wait_text("#evaluations-pager", "第 201–").await;
    s.wait_js(
        "return document.querySelector('#evaluations-pager [aria-current=page]')?.dataset.page === '2'",
    )
    .await;
    s.shot("evaluations-page-2-zh").await;
    go(&s, "partners", "zh-CN").await;
    s.click("#partners-pager [data-page='40']").await;
    s.wait_text("#partners-pager", "第 1951–2000 项，共 2000 项").await;
    // A board column's "more" opens the list of that stage, which pages on.
    go(&s, "pipeline", "zh-CN").await;
    s.click(".pipe-column[data-stage=application] [data-more]").await;
    s.wait_text("#pipeline-pager", "第 1–200 项").await;
    assert_eq!(s.js("return document.getElementById('pipeline-stage').value").await, json!("application"));
    s.click("#pipeline-pager [data-page='2']").await;
    s.wait_text("#pipeline-pager", "第 201–").await;
    s.shot("pipeline-list-page-2-zh").await;
    search_everything(&s, &known).await;
    dashboard(&s).await;
    // Each person's own work first: the first card of "my work" is on the first screen and
    // is theirs; the legal and business reviewers' reviews lead.
    let legal: &[&str] = &[
        "agreement_review_legal",
        "legal_expiring_unreviewed",
        "legal_changed_after_approval",
        "legal_risk_partner",
    ];
    for (login, first) in [
        ("li.na", legal),
        ("zhao.lei", &["agreement_review_business"][..]),
        ("wang.mgr", &[]),
        ("qian.fin", &[]),
        ("zhangmin", &[]),
    ] {
        s.click("#sign-out").await;
        s.sign_in(login, "password-1").await;
        s.find("#home-mine").await;
        go(&s, "home", "zh-CN").await;
        let card = s
            .js("const c = document.querySelector('#home-mine .card'); return c ? [c.dataset.kind || c.id, c.dataset.mine || 'alert'] : null")
            .await;
        assert!(card.is_array(), "{login} has work of their own: {card}");
        let kinds = s.js("return [...document.querySelectorAll('#home-mine .card')].map((c) => c.dataset.kind || c.id)").await;
        eprintln!("{login}: own work {kinds}");
        assert!(first.is_empty() || first.iter().any(|k| card[0] == json!(k)), "{login}: {kinds}");
        assert_ne!(card[1], json!("false"), "{login}: {card}");
        assert_eq!(on_first_screen(&s, "#home-mine .card header").await, json!("ok"), "{login}");
        let codes = s
            .js("return (document.getElementById('view').innerText.match(/R\\d\\.\\d\\.\\d/g) || []).length")
            .await;
        assert_eq!(codes, json!(0), "{login}: requirement codes only as tooltips");
        s.shot(&format!("home-{login}-zh")).await;
    }
    // A new password is typed twice; a mismatch is named on the second field and changes nothing.
    go(&s, "settings", "zh-CN").await;
    s.type_into("#password-form #g-current_password", "password-1").await;
    s.type_into("#password-form #g-new_password", "password-2026").await;
    s.type_into("#password-form #g-new_password_again", "password-2062").await;
    s.click("#password-form button[type=submit]").await;
    s.wait_text(".field-error[data-for=new_password_again]", "两次输入的密码不一致").await;
    // The size the person left the window at is where it opens next time.
    s.c().set_window_size(1100, 640).await.expect("window size");
    s.wait_js("return innerWidth <= 1100 && innerWidth > 1000").await;
    let left_at = s.js("return [innerWidth, innerHeight]").await;
    // Kept half a second after the last change, without waiting for a normal exit.
    let file = s.data_dir.join("window-state.json");
    let deadline = Instant::now() + WAIT;
    while !std::fs::read_to_string(&file).is_ok_and(|t| t.contains("1100")) {
        assert!(Instant::now() < deadline, "the window's size was not kept");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _kept = s.close().await;
    let saved = std::fs::read_to_string(&file).expect("window state kept");
    let state: serde_json::Value = serde_json::from_str(&saved).expect("json");
    let copy = move |data: PathBuf| async move {
        std::fs::create_dir_all(&data).expect("data dir");
        std::fs::write(data.join("window-state.json"), saved).expect("window state");
    };
    let Some((s, _)) = start(copy, "#setup-form").await else { return };
    let opened_at = s.js("return [innerWidth, innerHeight]").await;
    assert_eq!(opened_at, left_at, "reopened as left ({state})");
    s.close().await;
}

/// Issue 25: the dashboard with the demo data, at 1366×700 and 1920×1080 in both languages:
/// six cards with figures, a month's hover title naming its target; a class filter reloads
/// the cards and the ones it does not narrow say so; a reversed period is refused naming the
/// field; the sales card printed as a PDF reads back with the total the screen shows.
async fn dashboard(s: &Session) {
    for (w, h) in [(1366u32, 700u32), (1920, 1080)] {
        s.c().set_window_size(w, h).await.expect("window size");
        s.wait_js(&format!("return innerWidth <= {w} && innerHeight <= {h} && innerHeight > {h} - 80")).await;
        for (lang, nav, target) in [("zh-CN", "合作伙伴", "目标"), ("en", "Partners", "Target")] {
            s.set_language(lang, nav).await;
            let short = if lang == "en" { "en" } else { "zh" };
            go(s, "dashboard", lang).await;
            s.wait_js("return document.querySelectorAll('.dash-card[data-loaded]').length === 6").await;
            let title = s
                .js("return document.querySelector('#dash-sales-months .chart-col title')?.textContent || ''")
                .await;
            assert!(title.as_str().is_some_and(|t| t.contains(target)), "{title}");
            s.shot(&format!("dashboard-{w}x{h}-{short}")).await;
            if w == 1366 {
                s.js("document.getElementById('dash-receivables').scrollIntoView(); return 1").await;
                s.shot(&format!("dashboard-{w}x{h}-receivables-{short}")).await;
            }
            let bad = s.js(SIDEBAR_REACHABLE).await;
            assert_eq!(bad, json!([]), "dashboard at {w}×{h} in {lang}");
        }
    }
    s.set_language("zh-CN", "合作伙伴").await;
    s.c().set_window_size(1366, 700).await.expect("window size");
    go(s, "dashboard", "zh-CN").await;
    s.wait_js("return document.querySelectorAll('.dash-card[data-loaded]').length === 6").await;
    let total = s.text("#dash-sales-total .kpi-value").await;
    assert!(total.starts_with('¥') && total != "¥0.00", "{total}");
    s.choose("#dash-class", "A").await;
    s.wait_text("#dash-funnel .dash-applies", "不按等级筛选").await;
    s.wait_js(&format!(
        "return document.querySelector('#dash-sales[data-loaded]:not([aria-busy]) #dash-sales-total .kpi-value')?.textContent !== {}",
        json!(total)
    ))
    .await;
    s.choose("#dash-class", "").await;
    s.wait_text("#dash-sales-total .kpi-value", &total).await;
    // A reversed period: the error names the field and the cards keep nothing stale.
    s.js("const f = document.getElementById('dash-from'); f.value = '2030-01-01'; f.dispatchEvent(new Event('change')); return 1").await;
    s.wait_text("#dash-filter-error", "不能早于开始日期").await;
    s.choose("#dash-preset", "this_year").await;
    s.wait_js("return document.getElementById('dash-filter-error').hidden").await;
    s.wait_text("#dash-sales-total .kpi-value", &total).await;
    s.click("#dash-sales-pdf").await;
    s.open_in_viewer().await;
    s.wait_text("#toasts", "DASH-SALES").await;
    let prints = channeldesk::documents::prints_dir(&s.data_dir);
    let pdf = std::fs::read_dir(&prints)
        .expect("prints")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("DASH-SALES")))
        .expect("the card written");
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout).replace(' ', "");
    for needle in ["渠道经营看板·销售业绩", "按月", "按地区", "按产品", total.as_str()] {
        assert!(text.contains(needle), "{needle} missing from the printed card");
    }
}

/// Issue 25: Ctrl+K from any page searches everything. A partner is found by the initials of
/// its name's pinyin and opened with ↓ and Enter; "/" opens the search again and an
/// agreement's number opens the agreement; Esc closes it. At 1366×700 in both languages.
async fn search_everything(s: &Session, known: &str) {
    let initials = channeldesk::search::pinyin_keys(known).1;
    assert!(initials.len() >= 4, "{known} has a Chinese name");
    go(s, "orders", "zh-CN").await;
    s.find("body").await.send_keys(&(Key::Control + "k")).await.expect("ctrl+k");
    s.wait_js("return document.activeElement?.id === 'find-input'").await;
    s.wait_text("#find-status", "首字母").await;
    s.active().await.send_keys(&initials).await.expect("type");
    s.wait_text("#find-results [data-kind=partner]", known).await;
    s.check_page("search everything in zh-CN", true).await;
    s.shot("find-pinyin-zh").await;
    let at = s
        .js(&format!(
            "return [...document.querySelectorAll('#find-results [role=option]')].findIndex((o) => o.querySelector('.find-title').firstChild.textContent === {})",
            json!(known)
        ))
        .await
        .as_i64()
        .expect("index");
    assert!(at >= 0, "{known} among the hits");
    let keys = format!("{}{}", Key::Down.to_string().repeat(at as usize), Key::Enter);
    s.active().await.send_keys(&keys).await.expect("choose");
    s.wait_text("#partner-title", known).await;
    assert_eq!(s.js("return document.getElementById('find')").await, json!(null));

    let number = s
        .c()
        .execute_async(
            "const done = arguments[0];
             window.__TAURI__.core.invoke('agreement_list', { query: { limit: 1 } }).then((p) => done(p.rows[0].number));",
            vec![],
        )
        .await
        .expect("an agreement");
    let number = number.as_str().expect("a number").to_string();
    s.find("#view").await.send_keys("/").await.expect("slash");
    s.wait_js("return document.activeElement?.id === 'find-input'").await;
    s.active().await.send_keys(&number).await.expect("type");
    s.wait_text("#find-results [data-kind=agreement]", &number).await;
    s.active().await.send_keys(&Key::Enter.to_string()).await.expect("enter");
    s.wait_text("#agreement-title", "").await;
    s.wait_text("#view", &number).await;
    assert!(s.js("return location.hash").await.as_str().unwrap_or_default().starts_with("#/agreements/"));

    // A phrase of a clause's text finds the agreements whose current version says it, with
    // the words around it shown; Enter opens one.
    let phrase = s
        .c()
        .execute_async(
            "const done = arguments[0];
             window.__TAURI__.core.invoke('agreement_list', { query: { limit: 1 } })
               .then((p) => window.__TAURI__.core.invoke('agreement_get', { id: p.rows[0].id }))
               .then((a) => {
                 for (const c of a.current.clauses) {
                   const m = c.body.match(/[\\u4e00-\\u9fa5]{10}/);
                   if (m) return done(m[0].slice(1, 9));
                 }
                 done('');
               });",
            vec![],
        )
        .await
        .expect("a clause");
    let phrase = phrase.as_str().filter(|p| !p.is_empty()).expect("a clause phrase").to_string();
    s.click("#find-open").await;
    s.wait_js("return document.activeElement?.id === 'find-input'").await;
    s.active().await.send_keys(&phrase).await.expect("type");
    s.wait_text("#find-results [data-kind=agreement] .find-excerpt", &phrase).await;
    s.wait_js("return document.querySelector('#find-results li.active')?.closest('[data-kind]')?.dataset.kind === 'agreement'").await;
    s.active().await.send_keys(&Key::Enter.to_string()).await.expect("enter");
    s.wait_js("return location.hash.startsWith('#/agreements/') && document.getElementById('find') === null")
        .await;
    s.wait_text("#agreement-title", "").await;

    // Esc closes it, and the page under it keeps its keys.
    s.click("#find-open").await;
    s.wait_js("return document.activeElement?.id === 'find-input'").await;
    s.active().await.send_keys(&Key::Escape.to_string()).await.expect("esc");
    s.wait_js("return document.getElementById('find') === null").await;

    s.set_language("en", "Partners").await;
    s.click("#find-open").await;
    s.active().await.send_keys(&initials).await.expect("type");
    s.wait_text("#find-results [data-kind=partner] .find-group-head", "Partners and prospects").await;
    s.check_page("search everything in en", true).await;
    s.shot("find-pinyin-en").await;
    s.active().await.send_keys(&Key::Escape.to_string()).await.expect("esc");
    s.set_language("zh-CN", "合作伙伴").await;
}

/// PSS (KiB) of each of the program's processes (the program and its web processes, below
/// the driver), by process name.
fn program_pss(driver: u32) -> Vec<(String, u64)> {
    process_tree(driver)
        .into_iter()
        .filter(|(_, name)| {
            (name == "channeldesk" || name.starts_with("WebKit")) && name != "WebKitWebDriver"
        })
        .filter_map(|(p, name)| {
            let rollup = std::fs::read_to_string(format!("/proc/{p}/smaps_rollup")).ok()?;
            let kib =
                rollup.lines().find(|l| l.starts_with("Pss:"))?.split_whitespace().nth(1)?.parse().ok()?;
            Some((name, kib))
        })
        .collect()
}

/// The soak run (`cargo xtask soak [--minutes N]`, and 3 minutes of it in `cargo xtask
/// test`): the real window driven over every area in random order for `CHANNELDESK_SOAK_MINUTES`
/// (lists, a record's page, the partner form opened and left, search, language, lock and
/// unlock) on 2,000 generated partners, with the PSS of every process of the program each
/// minute, the log's errors, and the processes left afterwards (checked by the xtask).
/// Fails on any error in the log, and, for runs longer than 5 minutes, on memory growing by
/// 20 MiB or more after the fifth minute (issue 22).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: run by cargo xtask soak and, 3 minutes, by cargo xtask test"]
async fn soak() {
    use rand::{Rng, SeedableRng};
    let minutes: f64 =
        std::env::var("CHANNELDESK_SOAK_MINUTES").ok().and_then(|m| m.parse().ok()).unwrap_or(3.0);
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        channeldesk::demo::seed(&desk, 2000, 20261203).await.expect("demo data");
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    let areas = [
        "home",
        "partners",
        "pipeline",
        "agreements",
        "orders",
        "products",
        "settlement",
        "promotion",
        "risks",
        "evaluations",
        "awards",
        "events",
        "research",
        "data",
        "audit",
        "users",
        "settings",
    ];
    let mut rng = rand::rngs::StdRng::seed_from_u64(20261203);
    let started = Instant::now();
    let mut lang = "zh-CN";
    let mut actions = 0u32;
    let mut samples: Vec<serde_json::Value> = vec![];
    let mut next_sample = 0.0;
    // CHANNELDESK_SOAK_BY_ACTION=all: after a mixed first minute, one kind of action at a
    // time for two minutes each (areas 0, records 4, search 6, form 7, language 8, lock 9),
    // sampled twice a minute, to tell which one the memory grows with; =N: only kind N.
    let by_action = std::env::var("CHANNELDESK_SOAK_BY_ACTION").ok();
    let only: Option<u32> = by_action.as_deref().and_then(|k| k.parse().ok());
    let step = if by_action.is_some() { 0.5 } else { 1.0 };
    const KINDS: [u32; 6] = [0, 4, 6, 7, 8, 9];
    let mut kind = None;
    while started.elapsed().as_secs_f64() < minutes * 60.0 {
        let elapsed = started.elapsed().as_secs_f64() / 60.0;
        if by_action.is_some() && elapsed >= 1.0 {
            kind = Some(only.unwrap_or(KINDS[((elapsed - 1.0) / 2.0) as usize % KINDS.len()]));
        }
        if elapsed >= next_sample {
            let pss = program_pss(s.driver.id());
            let total: u64 = pss.iter().map(|(_, k)| k).sum();
            let nodes = s.js("return document.getElementsByTagName('*').length").await;
            samples.push(
                json!({ "minute": (elapsed * 10.0).round() / 10.0, "total_mib": total as f64 / 1024.0,
                "kind": kind, "nodes": nodes,
                "processes": pss.iter().map(|(n, k)| json!([n, *k as f64 / 1024.0])).collect::<Vec<_>>() }),
            );
            next_sample += step;
        }
        match kind.unwrap_or_else(|| rng.random_range(0..10)) {
            0..=3 => {
                let area = areas[rng.random_range(0..areas.len())];
                s.click(&format!("[data-nav={area}]")).await;
                s.wait_rendered(lang).await;
            }
            4 | 5 => {
                if kind.is_some() {
                    let area = areas[rng.random_range(0..areas.len())];
                    s.click(&format!("[data-nav={area}]")).await;
                    s.wait_rendered(lang).await;
                }
                // A record's page from the list on display.
                let opened = s
                    .js("const a = document.querySelector('#view table tbody a[href^=\"#/\"]'); if (!a) return false; a.click(); return true;")
                    .await;
                if opened == json!(true) {
                    s.wait_rendered(lang).await;
                }
            }
            6 => {
                // The render that answers the move, not the record page's before it (a field
                // found on the page being replaced goes stale under the typing).
                go(&s, "partners", lang).await;
                let q = ["科技", "有限", "广州", "138", "贸易", "智能"][rng.random_range(0..6)];
                s.type_into("#partner-search", q).await;
                tokio::time::sleep(Duration::from_millis(400)).await;
                s.wait_rendered(lang).await;
            }
            7 => {
                go(&s, "partners/new", lang).await;
                s.type_into("#partner-form #f-name", "浸泡测试未保存公司").await;
                s.js("history.back()").await;
                // history.back() returns before the route changes.
                s.wait_js("return location.hash !== '#/partners/new'").await;
                s.wait_rendered(lang).await;
            }
            8 => {
                lang = if lang == "zh-CN" { "en" } else { "zh-CN" };
                s.set_language(lang, if lang == "en" { "Partners" } else { "合作伙伴" }).await;
            }
            _ => {
                s.click("#lock-now").await;
                s.type_into("#unlock-form #g-password", OWNER_PASSWORD).await;
                s.js("document.getElementById('unlock-form').requestSubmit()").await;
                s.wait_js(
                    "return document.body.dataset.mode === 'app' && !document.getElementById('unlock-form')",
                )
                .await;
            }
        }
        actions += 1;
    }
    let pss = program_pss(s.driver.id());
    let total: u64 = pss.iter().map(|(_, k)| k).sum();
    samples.push(json!({ "minute": minutes, "total_mib": total as f64 / 1024.0,
        "processes": pss.iter().map(|(n, k)| json!([n, *k as f64 / 1024.0])).collect::<Vec<_>>() }));
    let dir = s.data_dir.clone();
    let _kept = s.close().await;
    let log = log_text(&dir);
    let errors: Vec<&str> =
        log.lines().filter(|l| l.contains(" ERROR ") || l.contains("outcome=\"internal\"")).collect();
    let report = json!({ "minutes": minutes, "actions": actions, "errors": errors, "samples": samples });
    std::fs::write(
        Path::new(env!("CARGO_TARGET_TMPDIR")).join("../channeldesk-soak.json"),
        serde_json::to_string_pretty(&report).expect("json"),
    )
    .expect("soak report");
    forget_key(&dir);
    assert!(errors.is_empty(), "errors in the log during the soak:\n{}", errors.join("\n"));
    assert!(actions > 0 && samples.len() >= 2);
    if minutes > 5.0 {
        let at5 = samples.iter().find(|s| s["minute"].as_f64().unwrap_or(0.0) >= 5.0).expect("minute 5");
        let growth = samples.last().expect("last")["total_mib"].as_f64().unwrap_or(0.0)
            - at5["total_mib"].as_f64().unwrap_or(0.0);
        assert!(growth < 20.0, "memory grew by {growth:.1} MiB after the fifth minute");
    }
}

/// Issue 22, reduced: the web process's growth in the soak run is the web engine's, not the
/// program's. WebKitGTK 2.50 keeps ~3 KB of native memory for every text field ever created
/// (`<input type=text>`, `<textarea>`; ~7 KB for a date field) shown on the page and then
/// dropped, and a full garbage collection does not give it back; the same forms made of
/// spans are freed and their memory reused (measured: forcing full collections with garbage
/// gives nothing back either). The JS heap stays at ~4 MB after each collection
/// (JSC_logGC=1) and the page's element count stays flat, so no view, listener or cache of the
/// program's is kept. Run by hand (`--run-ignored only -E 'test(=text_fields_leak_in_the_web_engine)'`);
/// when it fails, the engine no longer leaks and the soak's memory aim should be met.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a reproduction of the web engine's leak, run by hand"]
async fn text_fields_leak_in_the_web_engine() {
    let prepare = |dir: PathBuf| async move {
        let desk = open_desk(&dir).await;
        channeldesk::users::setup_owner(&desk, "王店主", "owner", OWNER_PASSWORD).await.expect("owner");
        desk.close().await;
    };
    let Some((s, _)) = start(prepare, "#sign-in-form").await else { return };
    s.sign_in("owner", OWNER_PASSWORD).await;
    s.find("#home-summary").await;
    let web = |s: &Session| -> f64 {
        program_pss(s.driver.id())
            .iter()
            .filter(|(n, _)| n.starts_with("WebKitWeb"))
            .map(|(_, k)| *k as f64)
            .sum::<f64>()
            / 1024.0
    };
    // 100 forms of 60 fields each, each shown in place of the one before, then none.
    let forms = |field: &str| {
        format!(
            "const done = arguments[0]; (async () => {{ const view = document.getElementById('view');
               for (let i = 0; i < 100; i++) {{
                 const f = document.createElement('form');
                 f.innerHTML = '<div><label>名称</label>{field}</div>'.repeat(60);
                 view.replaceChildren(f);
                 await new Promise((r) => setTimeout(r, 0)); }}
               view.replaceChildren(); done(1); }})();"
        )
    };
    let (spans, inputs) = (forms("<span>x</span>"), forms("<input type=text>"));
    // Each measure after a pause. (A full collection forced with garbage changes nothing but
    // the noise: the fields' memory is not the JS heap's.)
    let settled = async |s: &Session| -> f64 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        web(s)
    };
    let mut grew = [0.0f64; 2];
    let mut last = settled(&s).await;
    for round in 0..4 {
        for (i, script) in [&spans, &inputs].into_iter().enumerate() {
            s.c().execute_async(script, vec![]).await.expect("forms");
            let now = settled(&s).await;
            if round > 0 {
                grew[i] += now - last;
            }
            last = now;
        }
    }
    let dir = s.data_dir.clone();
    let _kept = s.close().await;
    forget_key(&dir);
    eprintln!("3 rounds of 6,000 fields: spans {:.1} MiB, text fields {:.1} MiB", grew[0], grew[1]);
    assert!(
        grew[1] > 20.0 && grew[1] > 4.0 * grew[0].max(1.0),
        "spans {:.1}, fields {:.1}",
        grew[0],
        grew[1]
    );
}
