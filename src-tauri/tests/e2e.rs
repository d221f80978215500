//! End to end: the real `channeldesk` binary in a real window, driven through `tauri-driver`
//! and WebKitWebDriver (Linux, under Xvfb). Each test starts the program on its own temporary
//! data folder and always deletes its WebDriver session, so no window outlives it.
//!
//! When the tools are missing the tests skip with a message, unless `CHANNELDESK_E2E=required`
//! (set by `cargo xtask test` after it installed them), where a missing tool is a failure.
//! Screenshots and timings go to `$CARGO_TARGET_TMPDIR/e2e/`; with `CHANNELDESK_UPDATE_DOCS=1`
//! the screenshots are also written to `docs/screenshots/`.

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(15);

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The program under test, the driver process and the session.
struct Session {
    client: Option<Client>,
    driver: Child,
    data: tempfile::TempDir,
    data_dir: PathBuf,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e");
    std::fs::create_dir_all(&dir).expect("artifacts dir");
    dir
}

/// Starts tauri-driver and a session on the program with a fresh data folder, prepared by
/// `prepare` (which runs before the program starts). `None` when the tools are not here.
async fn start<F, Fut>(prepare: F) -> Option<(Session, Duration)>
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

    let port = free_port();
    let native_port = free_port();
    let driver = Command::new(driver_bin)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start tauri-driver");
    let deadline = Instant::now() + WAIT;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let mut caps = serde_json::Map::new();
    caps.insert(
        "tauri:options".into(),
        json!({
            "application": env!("CARGO_BIN_EXE_channeldesk"),
            "args": ["--data-dir", data_dir.to_str().expect("utf-8 path")],
        }),
    );
    caps.insert("browserName".into(), json!("wry"));
    let started = Instant::now();
    let client = ClientBuilder::native()
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("WebDriver session");
    let session = Session { client: Some(client), driver, data, data_dir };
    // Home is the first screen; the window is ready once it shows.
    session.find("#home-new-partner").await;
    Some((session, started.elapsed()))
}

impl Session {
    fn c(&self) -> &Client {
        self.client.as_ref().expect("open session")
    }

    async fn find(&self, css: &str) -> Element {
        self.c()
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("element {css} did not appear: {e}"))
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

    async fn type_into(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear().await.expect("clear");
        if !text.is_empty() {
            el.send_keys(text).await.expect("type");
        }
    }

    async fn click(&self, css: &str) {
        let el = self.find(css).await;
        let arg = serde_json::to_value(&el).expect("element reference");
        self.c()
            .execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg])
            .await
            .expect("scroll into view");
        if let Err(e) = el.click().await {
            self.shot("failure").await;
            panic!("click {css}: {e:?}");
        }
    }

    /// Chooses `value` in the select `css`, scrolled into view first.
    async fn choose(&self, css: &str, value: &str) {
        let el = self.find(css).await;
        let arg = serde_json::to_value(&el).expect("element reference");
        self.c().execute("arguments[0].scrollIntoView({block: 'center'})", vec![arg]).await.expect("scroll");
        el.select_by_value(value).await.unwrap_or_else(|e| panic!("choose {value:?} in {css}: {e:?}"));
    }

    async fn js(&self, script: &str) -> serde_json::Value {
        self.c().execute(script, vec![]).await.expect("script")
    }

    async fn shot(&self, name: &str) {
        let png = self.c().screenshot().await.expect("screenshot");
        std::fs::write(artifacts().join(format!("{name}.png")), &png).expect("write screenshot");
        if std::env::var("CHANNELDESK_UPDATE_DOCS").as_deref() == Ok("1") {
            let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
            std::fs::create_dir_all(&docs).expect("docs dir");
            std::fs::write(docs.join(format!("{name}.png")), &png).expect("write docs screenshot");
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
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        std::mem::replace(&mut self.data, tempfile::tempdir().expect("temp dir"))
    }
}

async fn open_partners(s: &Session) {
    s.click("[data-nav=partners]").await;
    s.find("#partner-search").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partner_register_through_the_window() {
    let Some((s, _)) = start(|_| async {}).await else { return };
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
    let desk = channeldesk::Desk::open(&dir, channeldesk::OpenOptions::default()).await.expect("reopen");
    let page = channeldesk::partners::list(&desk, &Default::default()).await.expect("list");
    assert_eq!(channeldesk::settings::get(&desk).await.expect("settings").language, "en");
    assert_eq!(page.total, 2, "exactly the two partners saved through the window");
    desk.close().await;
}

/// Start-up and search timings on a register of generated partners, and the screenshots of
/// a filled register for the docs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filled_register_timings_and_screenshots() {
    const PARTNERS: usize = 2_000;
    let prepare = |dir: PathBuf| async move {
        let desk = channeldesk::Desk::open(&dir, channeldesk::OpenOptions::default()).await.expect("open");
        channeldesk::demo::seed(&desk, PARTNERS, 20261127).await.expect("seed");
        desk.close().await;
    };
    let Some((s, to_home)) = start(prepare).await else { return };
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
    s.click("[data-nav=settings]").await;
    s.wait_text("#view", "本机代码").await;
    s.shot("settings-zh").await;
    s.close().await;

    let report = json!({
        "partners": PARTNERS,
        "start_to_home_ms": to_home.as_millis(),
        "start_to_partner_list_ms": to_list.as_millis(),
        "keystroke_to_list_ms": samples.iter().map(|(q, ms)| json!({"query": q, "ms": (ms * 10.0).round() / 10.0})).collect::<Vec<_>>(),
    });
    eprintln!("{report}");
    std::fs::write(artifacts().join("timings.json"), serde_json::to_vec_pretty(&report).expect("json"))
        .expect("timings");
    for (q, ms) in samples {
        assert!(ms > 0.0, "{q}: the list updated after the keystroke");
    }
}
