//! Shell tests without a window: the real command handlers, the real capability file and a
//! real database file, driven through Tauri's IPC with the mock runtime.

use channeldesk::{Desk, OpenOptions};
use channeldesk_app::command_list::COMMANDS;
use serde_json::{Value, json};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

struct Shell {
    _app: App<MockRuntime>,
    main: WebviewWindow<MockRuntime>,
    other: WebviewWindow<MockRuntime>,
    _dir: tempfile::TempDir,
}

fn shell() -> Shell {
    let dir = tempfile::tempdir().expect("temp dir");
    let desk = tauri::async_runtime::block_on(Desk::open(
        dir.path(),
        OpenOptions { login: Some("ipc".into()), display_name: Some("接口测试".into()) },
    ))
    .expect("open desk");
    let app = channeldesk_app::with_commands(mock_builder())
        .manage(desk)
        .build(channeldesk_app::context())
        .expect("build app");
    let main = WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window");
    let other = WebviewWindowBuilder::new(&app, "other", Default::default()).build().expect("other window");
    Shell { _app: app, main, other, _dir: dir }
}

fn call(w: &WebviewWindow<MockRuntime>, cmd: &str, body: Value) -> Result<Value, Value> {
    get_ipc_response(
        w,
        InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().expect("url"),
            body: InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|b| b.deserialize::<Value>().expect("json response"))
}

fn partner(name: &str) -> Value {
    json!({ "name": name, "source_kind": "online", "status": "prospect" })
}

#[test]
fn partner_commands_round_trip() {
    let s = shell();
    let created = call(
        &s.main,
        "partners_create",
        json!({ "input": partner("苏州博远智能科技有限公司"), "confirmSimilar": false }),
    )
    .expect("create");
    let id = created["id"].as_str().expect("id").to_string();
    let hlc = created["hlc"].as_str().expect("hlc").to_string();

    let page = call(&s.main, "partners_list", json!({ "query": { "q": "博远智能" } })).expect("list");
    assert_eq!(page["total"], 1);
    assert_eq!(page["rows"][0]["name"], "苏州博远智能科技有限公司");

    let mut edited = partner("苏州博远智能科技有限公司");
    edited["city"] = json!("苏州");
    let updated = call(
        &s.main,
        "partners_update",
        json!({ "id": id, "expectedHlc": hlc, "input": edited, "confirmSimilar": false }),
    )
    .expect("update");
    assert_eq!(updated["city"], "苏州");

    // A second edit based on the first version is refused as stale, with the core's payload.
    let stale = call(
        &s.main,
        "partners_update",
        json!({ "id": id, "expectedHlc": hlc, "input": edited, "confirmSimilar": false }),
    )
    .expect_err("stale");
    assert_eq!(stale["code"], "conflict");
    assert_eq!(stale["kind"], "stale");

    call(&s.main, "partners_delete", json!({ "id": id })).expect("delete");
    assert_eq!(call(&s.main, "partners_list", json!({ "query": {} })).expect("list")["total"], 0);
    call(&s.main, "partners_restore", json!({ "id": id })).expect("restore");
    let history = call(&s.main, "partners_history", json!({ "id": id })).expect("history");
    let ops: Vec<&str> =
        history.as_array().expect("array").iter().map(|e| e["operation"].as_str().unwrap_or("")).collect();
    assert_eq!(ops, ["create", "update", "delete", "restore"]);
}

#[test]
fn errors_reach_the_ui_as_code_and_fields() {
    let s = shell();
    let err = call(&s.main, "partners_create", json!({ "input": { "name": "", "credit_code": "123", "source_kind": "online", "status": "prospect" }, "confirmSimilar": false }))
        .expect_err("invalid");
    assert_eq!(err["code"], "validation");
    let fields: Vec<(String, String)> = err["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| (f["field"].as_str().unwrap_or("").into(), f["rule"].as_str().unwrap_or("").into()))
        .collect();
    assert_eq!(
        fields,
        vec![("name".into(), "required".into()), ("credit_code".into(), "credit_code_length".into())]
    );

    let missing = call(&s.main, "partners_get", json!({ "id": "no-such-id" })).expect_err("missing");
    assert_eq!(missing["code"], "not_found");
    // Malformed arguments are refused by the shell, not a crash.
    assert!(call(&s.main, "partners_list", json!({ "query": "not an object" })).is_err());
    assert!(call(&s.main, "settings_set_language", json!({ "language": "xx" })).is_err());
}

#[test]
fn every_command_is_registered_and_granted_to_the_main_window_only() {
    let s = shell();
    for cmd in COMMANDS {
        let main = call(&s.main, cmd, json!({}));
        if let Err(e) = &main {
            let text = e.to_string();
            assert!(!text.contains("not allowed") && !text.contains("not found"), "{cmd} on main: {text}");
        }
        let other = call(&s.other, cmd, json!({})).expect_err("other windows get nothing");
        assert!(other.to_string().contains("not allowed"), "{cmd} on other window: {other}");
    }
    let unknown =
        call(&s.main, "plugin:fs|read_file", json!({ "path": "/etc/passwd" })).expect_err("no fs access");
    assert!(!unknown.to_string().is_empty());
}

#[test]
fn app_info_and_reference_data() {
    let s = shell();
    let info = call(&s.main, "app_info", json!({})).expect("info");
    assert_eq!(info["user"]["name"], "接口测试");
    assert_eq!(info["device"]["short_code"].as_str().map(str::len), Some(2));
    let r = call(&s.main, "reference_data", json!({})).expect("reference");
    assert_eq!(r["provinces"].as_array().map(Vec::len), Some(34));
    assert_eq!(r["statuses"], json!(["prospect", "active", "suspended", "terminated"]));
}

/// Both translations have the same keys, and every literal key the UI asks for exists.
#[test]
fn ui_translations_are_complete() {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
    let load = |lang: &str| -> serde_json::Map<String, Value> {
        let text = std::fs::read_to_string(ui.join(format!("i18n/{lang}.json"))).expect("read translations");
        serde_json::from_str::<Value>(&text).expect("json").as_object().expect("object").clone()
    };
    let zh = load("zh-CN");
    let en = load("en");
    let zk: std::collections::BTreeSet<_> = zh.keys().collect();
    let ek: std::collections::BTreeSet<_> = en.keys().collect();
    assert_eq!(zk, ek, "zh-CN and en must have the same keys");
    for (k, v) in zh.iter().chain(en.iter()) {
        assert!(v.as_str().is_some_and(|s| !s.trim().is_empty()), "empty translation {k}");
    }
    let mut files = vec![];
    let mut dirs = vec![ui.clone()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            if p.is_dir() && !p.ends_with("bindings") {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "js") {
                files.push(p);
            }
        }
    }
    let mut used = 0;
    for f in files {
        let src = std::fs::read_to_string(&f).expect("read js");
        for (i, _) in src.match_indices("t('") {
            let rest = &src[i + 3..];
            let Some(end) = rest.find('\'') else { continue };
            let key = &rest[..end];
            if i > 0 && src.as_bytes()[i - 1].is_ascii_alphanumeric() {
                continue; // e.g. `set('…')`, not the translation function
            }
            used += 1;
            assert!(zh.contains_key(key), "{}: missing translation key {key}", f.display());
        }
    }
    assert!(used > 50, "found only {used} translation calls");
}
