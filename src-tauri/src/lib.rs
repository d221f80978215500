//! The desktop shell: builds the Tauri app around a [`channeldesk::Desk`] and exposes the
//! core's operations as commands (`commands/<area>.rs`). No business rule lives here.
//!
//! Invariants: the data folder is opened (database created, migrated, or waiting for its
//! recovery key) before the window loads; the pool is closed when the app exits.

pub mod cli;
pub mod command_list;
pub mod commands;
pub mod diagnostics;
pub mod files;
pub mod logging;
pub mod paths;
pub mod printing;
pub mod state;

use channeldesk::secrets::Keychain;
pub use state::Shell;
use std::path::PathBuf;
use tauri::{Manager, RunEvent, Runtime};

/// The day this program was built (`SOURCE_DATE_EPOCH` when set, for reproducible builds).
pub const BUILD_DATE: &str = env!("CHANNELDESK_BUILD_DATE");

/// The operating system and processor this build runs on (`linux x86_64`).
pub fn platform() -> String {
    format!("{} {}", std::env::consts::OS, std::env::consts::ARCH)
}

/// Command-line help.
pub const USAGE: &str = "usage: channeldesk [--data-dir DIR] [--demo [N]] [FILE.cdbundle]
  --data-dir DIR  use DIR for the database instead of the per-user data folder
                  (also CHANNELDESK_DATA_DIR)
  --demo [N]      fill an empty register with N generated partners (default 500) when
                  an administrator signs in
  FILE.cdbundle   open the import preview of this bundle after sign-in
  --version       print the version and the folders the program uses
  help            the command-line tasks (setup, export, import, backup, verify)";

/// What the program was started with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LaunchOptions {
    pub data_dir: Option<PathBuf>,
    pub demo: Option<usize>,
    /// A bundle double-clicked in the file manager (the `.cdbundle` association).
    pub open: Option<PathBuf>,
}

impl LaunchOptions {
    /// Parses the arguments after the program name.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut opts = LaunchOptions::default();
        let mut it = args.into_iter().peekable();
        while let Some(a) = it.next() {
            match a.as_str() {
                "--data-dir" => {
                    let dir = it.next().ok_or("--data-dir needs a folder")?;
                    opts.data_dir = Some(PathBuf::from(dir));
                }
                "--demo" => {
                    let n = match it.peek().map(|s| s.parse::<usize>()) {
                        Some(Ok(n)) => {
                            it.next();
                            n
                        }
                        _ => 500,
                    };
                    opts.demo = Some(n);
                }
                "-h" | "--help" => return Err(String::new()),
                file if !file.starts_with('-') && opts.open.is_none() => {
                    opts.open = Some(PathBuf::from(file))
                }
                other => return Err(format!("unknown option: {other}")),
            }
        }
        Ok(opts)
    }

    /// The bundle among a second start's arguments (the program name first), made absolute
    /// against the folder that start was made in.
    pub fn bundle_in(argv: &[String], cwd: &str) -> Option<PathBuf> {
        let opts = Self::parse(argv.iter().skip(1).cloned()).ok()?;
        opts.open.map(|p| if p.is_absolute() { p } else { std::path::Path::new(cwd).join(p) })
    }
}

/// Registers every command on `builder` (the real app and the IPC tests share this).
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    use commands::*;
    builder.plugin(tauri_plugin_dialog::init()).invoke_handler(tauri::generate_handler![
        app::app_status,
        app::vault_recover,
        app::vault_retry,
        app::reference_data,
        app::reference_divisions,
        app::settings_set_language,
        app::settings_set_idle_minutes,
        app::reminders_due,
        app::recovery_kit_save,
        app::diagnostics_open_logs,
        app::diagnostics_save,
        session::session_setup_owner,
        session::session_sign_in,
        session::session_unlock,
        session::session_lock,
        session::session_touch,
        session::session_sign_out,
        session::session_change_password,
        session::kiosk_start,
        session::kiosk_exit,
        session::kiosk_submit,
        users::users_list,
        users::users_accounts,
        users::users_create,
        users::users_update,
        audit::audit_list,
        audit::audit_verify,
        audit::audit_export_csv,
        applications::applications_get,
        applications::applications_register,
        applications::applications_discard,
        partners::partners_list,
        partners::find_everything,
        partners::partner_picture,
        dashboard::dashboard_card,
        dashboard::dashboard_print,
        dashboard::dashboard_xlsx,
        partners::partners_get,
        partners::partners_create,
        partners::partners_update,
        partners::partners_delete,
        partners::partners_restore,
        partners::partners_check_duplicates,
        partners::partners_tags,
        partners::partners_status_counts,
        partners::partner_cooperation,
        partners::partners_migrate,
        partners::lifecycle_findings,
        partners::partners_history,
        recruitment::pipeline_board,
        recruitment::pipeline_list,
        recruitment::prospect_file,
        recruitment::prospect_move,
        recruitment::prospect_reject,
        recruitment::prospect_reopen,
        recruitment::prospect_merge,
        recruitment::inspection_record,
        recruitment::negotiation_record,
        recruitment::scheme_current,
        recruitment::scheme_versions,
        recruitment::scheme_save,
        recruitment::scorecard_record,
        recruitment::referral_set,
        recruitment::referral_settle,
        recruitment::events_list,
        recruitment::event_get,
        recruitment::event_create,
        recruitment::event_update,
        recruitment::event_summary,
        recruitment::event_summary_csv,
        recruitment::lead_check,
        recruitment::lead_capture,
        recruitment::notes_list,
        recruitment::note_get,
        recruitment::note_create,
        recruitment::note_update,
        recruitment::note_delete,
        recruitment::card_parse,
        recruitment::attachment_add,
        recruitment::attachment_bytes,
        recruitment::attachment_save,
        recruitment::attachment_remove,
        agreements::agreement_templates,
        agreements::clause_library,
        agreements::clause_history,
        agreements::clause_save,
        agreements::agreement_template_seam_mark,
        agreements::agreement_list,
        agreements::agreement_get,
        agreements::agreement_versions,
        agreements::agreement_diff,
        agreements::agreement_history,
        agreements::agreement_create,
        agreements::agreement_amend,
        agreements::agreement_save,
        agreements::agreement_submit,
        agreements::agreement_review,
        agreements::agreement_comment,
        agreements::agreement_sign,
        agreements::agreement_archive,
        agreements::agreement_print,
        agreements::agreement_copies,
        agreements::agreement_originals,
        documents::document_page,
        documents::printers_list,
        documents::document_print,
        documents::document_save,
        documents::document_show_folder,
        documents::document_open,
        documents::document_close,
        agreements::agreement_save_pdf,
        agreements::agreement_verify_text,
        agreements::agreement_verify_file,
        agreements::agreement_reports,
        agreements::agreement_report_save,
        agreements::agreement_notice,
        agreements::agreement_terminate,
        agreements::agreement_handover,
        agreements::agreement_close,
        agreements::agreement_approve_paper,
        agreements::agreement_intent,
        agreements::agreement_renew,
        agreements::agreement_terms,
        agreements::renewal_days_get,
        agreements::renewal_days_set,
        evaluation::evaluation_scheme_versions,
        evaluation::evaluation_scheme_save,
        evaluation::evaluation_list,
        evaluation::evaluation_get,
        evaluation::evaluation_round,
        evaluation::evaluation_special,
        evaluation::evaluation_score,
        evaluation::evaluation_finish,
        evaluation::evaluation_measure_add,
        evaluation::evaluation_measure_done,
        evaluation::partner_standing,
        evaluation::evaluation_print,
        evaluation::portfolio,
        evaluation::portfolio_print,
        evaluation::portfolio_csv,
        relationship::relationship_logs,
        relationship::relationship_log,
        relationship::follow_up_done,
        relationship::minutes_print,
        relationship::trainings,
        relationship::training_record,
        relationship::support_requests,
        relationship::support_open,
        relationship::support_move,
        relationship::rewards,
        relationship::reward_propose,
        relationship::reward_decide,
        relationship::awards,
        relationship::award_nominate,
        relationship::award_confer,
        relationship::award_categories_set,
        relationship::award_certificate,
        relationship::partner_timeline,
        promotion::promotion_goals,
        promotion::promotion_goal_save,
        promotion::promotion_strategies,
        promotion::promotion_strategy_save,
        promotion::promotion_activities,
        promotion::promotion_activity,
        promotion::promotion_activity_save,
        promotion::promotion_log_add,
        promotion::promotion_evaluate,
        promotion::promotion_summary_print,
        risk::risks,
        risk::risk,
        risk::risk_create,
        risk::risk_update,
        risk::risk_measure_add,
        risk::risk_measure_done,
        risk::risk_review,
        risk::risk_close,
        risk::risk_heat_map,
        risk::risk_sweep,
        risk::credit_scheme,
        risk::credit_schemes,
        risk::credit_scheme_save,
        risk::partner_credit,
        risk::credit_rate,
        risk::credit_respond,
        risk::credit_alerts,
        risk::procedures,
        risk::procedure_save,
        risk::staff_trainings,
        risk::staff_training_record,
        orders::products,
        orders::product,
        orders::product_categories,
        orders::product_create,
        orders::product_update,
        orders::price_set,
        orders::price_remove,
        orders::price_list_print,
        orders::trade_terms,
        orders::trade_terms_set,
        orders::orders,
        orders::order,
        orders::order_prices,
        orders::order_create,
        orders::order_update,
        orders::order_review,
        orders::order_override,
        orders::order_confirm,
        orders::order_cancel,
        orders::shipment_record,
        orders::shipment_delivered,
        orders::aftersales_cases,
        orders::aftersales_open,
        orders::aftersales_update,
        orders::payments,
        orders::payment_receive,
        orders::payout_propose,
        orders::payout_decide,
        orders::payout_paid,
        orders::credit_notes,
        orders::credit_note_issue,
        orders::statements,
        orders::statement_periods,
        orders::statement,
        orders::statement_issue,
        orders::statement_confirm,
        orders::statement_dispute,
        orders::statement_resolve,
        orders::statement_print,
        orders::statement_xlsx,
        share::share_export,
        share::share_cancel,
        share::share_save_copy,
        share::share_inbox,
        share::share_pick,
        share::share_take_opened,
        updates::update_source_set,
        updates::update_check,
        updates::update_from_file,
        updates::update_install,
        share::share_open,
        share::share_apply,
        share::share_conflicts,
        share::share_resolve,
        share::share_peers,
        share::share_pairing,
        share::share_pair,
        share::backup_page,
        share::backup_now,
        share::backup_keep_set,
        share::backup_check,
        share::backup_restore,
        share::sheet_export,
        share::sheet_read,
        share::sheet_import,
    ])
}

/// The compiled-in configuration, assets and capabilities (shared with the IPC tests).
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Hands a bundle opened from the file manager to the running window: kept for the import
/// preview, the window brought forward and told.
fn bundle_opened<R: Runtime>(app: &tauri::AppHandle<R>, path: Option<PathBuf>) {
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
    let (Some(path), Some(shell)) = (path, app.try_state::<Shell>()) else { return };
    tracing::info!("bundle opened from the file manager");
    shell.set_opened(path);
    let _ = tauri::Emitter::emit(app, "bundle-opened", ());
}

/// Runs the desktop program until its window closes.
pub fn run(opts: LaunchOptions) {
    let Some(dir) = paths::data_dir(opts.data_dir.clone()) else {
        fatal("ChannelDesk could not find the user's data folder; start it with --data-dir DIR.");
    };
    let _log = logging::init(&paths::log_dir(&dir));
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        built = BUILD_DATE,
        os = std::env::consts::OS,
        "start"
    );
    if let Err(message) = webview_available() {
        fatal(&message);
    }
    // One window per user and data folder: a second start hands its bundle to the first.
    let single = tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(&dir))
        .callback(|app, argv, cwd| bundle_opened(app, LaunchOptions::bundle_in(&argv, &cwd)))
        .build();
    // Kept in the data folder (an absolute name replaces the plugin's config folder), so a
    // second data folder has its own.
    let window_state = tauri_plugin_window_state::Builder::new()
        .with_filename(dir.join(WINDOW_STATE_FILE).to_string_lossy())
        .with_state_flags(WINDOW_STATE)
        .build();
    let app = with_commands(tauri::Builder::default().plugin(single).plugin(window_state))
        .on_window_event(|window, event| {
            if matches!(event, tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)) {
                keep_window_state(window.app_handle());
            }
        })
        .setup(move |app| {
            // Without an OS store the window still opens, to say why the data cannot.
            let keychain = Keychain::native().unwrap_or_else(|e| Keychain::unavailable(&e.to_string()));
            let shell = tauri::async_runtime::block_on(Shell::open(dir.clone(), keychain, opts.demo));
            if let Some(file) = opts.open.clone() {
                shell.set_opened(file);
            }
            app.manage(shell);
            // The web view's own storage lives with the data it belongs to.
            let remembered = dir.join(WINDOW_STATE_FILE).exists();
            let room = work_area(app.primary_monitor().ok().flatten().as_ref());
            let (width, height) = opening_size(room);
            let mut window = tauri::WebviewWindowBuilder::new(app, "main", tauri::WebviewUrl::default())
                .title("渠道商务台 ChannelDesk")
                .inner_size(width, height)
                .min_inner_size(960.0, 600.0)
                .center()
                // Files dropped on the window reach the page's drop zones (business cards,
                // inspection photos) as files, not as paths on this machine.
                .disable_drag_drop_handler();
            // With an unusable data folder the window still opens (with the web view's default
            // storage) to say what is wrong.
            let webview_dir = dir.join("webview");
            if std::fs::create_dir_all(&webview_dir).is_ok() {
                window = window.data_directory(webview_dir);
            }
            let window = window.build()?;
            fit_to_screen(&window, remembered);
            Ok(())
        })
        .build(context());
    let app = match app {
        Ok(app) => app,
        Err(e) => fatal(&format!("ChannelDesk could not start: {e}")),
    };
    app.run(|handle, event| match event {
        RunEvent::Exit => {
            if let Some(shell) = handle.try_state::<Shell>() {
                tauri::async_runtime::block_on(shell.close());
            }
            tracing::info!("exit");
        }
        #[cfg(any(target_os = "macos", target_os = "ios"))]
        RunEvent::Opened { urls } => {
            let file = urls.into_iter().find_map(|u| u.to_file_path().ok());
            bundle_opened(handle, file);
        }
        _ => {}
    });
}

/// Where the window's size and place are kept, in the data folder.
const WINDOW_STATE_FILE: &str = "window-state.json";

/// What of the window is kept between starts.
const WINDOW_STATE: tauri_plugin_window_state::StateFlags = tauri_plugin_window_state::StateFlags::SIZE
    .union(tauri_plugin_window_state::StateFlags::POSITION)
    .union(tauri_plugin_window_state::StateFlags::MAXIMIZED);

/// The size the window opens at on a screen with room for it (logical pixels).
const WINDOW_SIZE: (f64, f64) = (1280.0, 820.0);

/// Writes the window's size and place half a second after it last moved or was resized, so
/// that they are kept even when the program does not end normally (the plugin itself writes
/// them only at a normal exit).
fn keep_window_state(app: &tauri::AppHandle) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::AppHandleExt;
    static LAST: AtomicU64 = AtomicU64::new(0);
    let this = LAST.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        if LAST.load(Ordering::SeqCst) == this
            && let Err(e) = app.save_window_state(WINDOW_STATE)
        {
            tracing::warn!(error = %e, "window: could not keep its size and place");
        }
    });
}

/// The work area of `monitor` (the screen less the task bar or dock) in logical pixels.
fn work_area(monitor: Option<&tauri::Monitor>) -> Option<(f64, f64)> {
    let m = monitor?;
    let size = m.work_area().size.to_logical::<f64>(m.scale_factor());
    Some((size.width, size.height))
}

/// Title bar and frame the system adds around the page, allowed for when fitting.
const FRAME: (f64, f64) = (16.0, 40.0);

/// The page size a first start opens at: [`WINDOW_SIZE`], or the work area less the window's
/// frame where that is smaller (a 1366×768 laptop).
fn opening_size(room: Option<(f64, f64)>) -> (f64, f64) {
    match room {
        Some((w, h)) => {
            (WINDOW_SIZE.0.min(w - FRAME.0).max(960.0), WINDOW_SIZE.1.min(h - FRAME.1).max(600.0))
        }
        None => WINDOW_SIZE,
    }
}

/// Keeps the window on the screen it is on. A first start opened at [`opening_size`] is
/// maximised on a screen with less room than [`WINDOW_SIZE`]; a size remembered from a larger
/// screen that does not fit this one is maximised too; one that fits is left alone.
fn fit_to_screen(window: &tauri::WebviewWindow, remembered: bool) {
    if window.is_maximized().unwrap_or(false) {
        return;
    }
    let monitor = window.current_monitor().ok().flatten().or_else(|| window.primary_monitor().ok().flatten());
    let (Some((room_w, room_h)), Ok(size), Some(scale)) =
        (work_area(monitor.as_ref()), window.outer_size(), monitor.as_ref().map(|m| m.scale_factor()))
    else {
        return;
    };
    let outer = size.to_logical::<f64>(scale);
    let small = room_w < WINDOW_SIZE.0 + FRAME.0 || room_h < WINDOW_SIZE.1 + FRAME.1;
    let fits = outer.width <= room_w && outer.height <= room_h;
    if ((small && !remembered) || !fits)
        && let Err(e) = window.maximize()
    {
        tracing::warn!(error = %e, "window: could not maximise it");
    }
    tracing::info!(
        work_area = %format!("{room_w}x{room_h}"),
        scale,
        maximized = window.is_maximized().unwrap_or(false),
        "window"
    );
}

/// The single-instance name of a data folder: the app identifier plus a short hash of the
/// folder, so that a second data folder (`--data-dir`) runs beside the first.
fn instance_id(dir: &std::path::Path) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    dir.hash(&mut h);
    format!("{}.d{:016x}", paths::IDENTIFIER, h.finish())
}

/// The web view the window needs is there (on Windows: the WebView2 runtime), or what to
/// tell the person.
fn webview_available() -> Result<(), String> {
    if !cfg!(windows) {
        return Ok(());
    }
    match tauri::webview_version() {
        Ok(v) => {
            tracing::info!(webview = %v, "web view found");
            Ok(())
        }
        Err(e) => {
            tracing::error!(error = %e, "no WebView2 runtime");
            Err(WEBVIEW2_MISSING.to_string())
        }
    }
}

/// What a person on Windows without the WebView2 runtime is told.
pub const WEBVIEW2_MISSING: &str = "渠道商务台需要 Microsoft Edge WebView2 运行时，但这台电脑上没有找到。\n\
请从 https://go.microsoft.com/fwlink/p/?LinkId=2124703 下载并安装（或请 IT 部门安装），然后重新打开渠道商务台。\n\n\
ChannelDesk needs the Microsoft Edge WebView2 Runtime, which was not found on this computer.\n\
Install it from https://go.microsoft.com/fwlink/p/?LinkId=2124703 (or ask your IT department), \
then start ChannelDesk again.";

/// Says why the program cannot start (a message box on Windows, where a window program has
/// no console; standard error and the log everywhere) and ends it.
fn fatal(message: &str) -> ! {
    tracing::error!("{message}");
    eprintln!("{message}");
    // CHANNELDESK_NO_DIALOG: for the installer check under wine, which waits for the exit.
    #[cfg(windows)]
    if std::env::var_os("CHANNELDESK_NO_DIALOG").is_none() {
        use windows_sys::Win32::UI::WindowsAndMessaging::{MB_ICONERROR, MB_OK, MessageBoxW};
        let wide = |s: &str| s.encode_utf16().chain(std::iter::once(0)).collect::<Vec<u16>>();
        let (text, title) = (wide(message), wide("渠道商务台 ChannelDesk"));
        // SAFETY: both strings are NUL-terminated UTF-16 buffers that outlive the call.
        unsafe { MessageBoxW(std::ptr::null_mut(), text.as_ptr(), title.as_ptr(), MB_OK | MB_ICONERROR) };
    }
    std::process::exit(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_options() {
        let o = LaunchOptions::parse(args("--data-dir /tmp/x --demo 20")).unwrap();
        assert_eq!(o.data_dir, Some(PathBuf::from("/tmp/x")));
        assert_eq!(o.demo, Some(20));
        assert_eq!(LaunchOptions::parse(args("--demo")).unwrap().demo, Some(500));
        assert!(LaunchOptions::parse(args("--data-dir")).is_err());
        assert!(LaunchOptions::parse(args("--wipe")).is_err());
        let o = LaunchOptions::parse(args("/tmp/leads.cdbundle")).unwrap();
        assert_eq!(o.open, Some(PathBuf::from("/tmp/leads.cdbundle")));
        assert!(LaunchOptions::parse(args("a.cdbundle b.cdbundle")).is_err());
    }

    #[test]
    fn a_second_start_hands_over_its_bundle_as_an_absolute_path() {
        let argv = args("channeldesk --data-dir /d leads.cdbundle");
        assert_eq!(
            LaunchOptions::bundle_in(&argv, "/home/u/Downloads"),
            Some(PathBuf::from("/home/u/Downloads/leads.cdbundle"))
        );
        assert_eq!(LaunchOptions::bundle_in(&args("channeldesk"), "/x"), None);
        assert_eq!(
            LaunchOptions::bundle_in(&args("channeldesk /abs/x.cdbundle"), "/x"),
            Some(PathBuf::from("/abs/x.cdbundle"))
        );
    }

    #[test]
    fn each_data_folder_has_its_own_instance() {
        let a = instance_id(std::path::Path::new("/a"));
        assert_ne!(a, instance_id(std::path::Path::new("/b")));
        assert!(a.starts_with("com.channeldesk.desk.d"));
        assert_eq!(a, instance_id(std::path::Path::new("/a")));
    }
}
