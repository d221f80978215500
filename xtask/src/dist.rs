//! `cargo xtask dist [--windows] [--linux] [--check]`: the installers, into `dist/`.
//!
//! - Windows x86_64: `channeldesk.exe` cross-built here with mingw-w64 (x86_64-pc-windows-gnu;
//!   on Windows itself, the native MSVC target), the console twin `channeldesk.com`,
//!   `WebView2Loader.dll` (the GNU build links it dynamically), the icon and the third-party
//!   notices, packaged by our own NSIS script (`src-tauri/windows/installer.nsi`, 64-bit stub,
//!   per-user) with makensis. Tauri's bundler would download NSIS and its plug-ins at bundle
//!   time; this needs only Debian's `nsis`.
//! - Linux: a `.deb` laid out as Tauri's bundler lays it out (`/usr/bin`, a desktop entry, the
//!   hicolor icons), plus the `.cdbundle` MIME type and the notices, built by `dpkg-deb`.
//! - `--check` installs each and runs it: the `.deb` with apt, the installed program under Xvfb
//!   through the end-to-end smoke tests, then removed; the Windows installer silently under
//!   wine, its files, shortcuts and registry checked, `--version`, `setup`, `backup` and
//!   `verify` run through the installed program, then the silent uninstaller (data kept, then
//!   deleted with /DELETEDATA). What wine cannot do is printed.
//!
//! With `CHANNELDESK_UPDATE_KEY_FILE` (a minisign secret key) each installer is also signed for
//! the program's updater and `latest.json` written beside them.
//!
//! Sizes go to `dist/sizes.md` (copied into docs/benchmarks.md by hand after a release run).

use crate::{Result, cargo, have, root, status};
use std::path::{Path, PathBuf};
use std::process::Command;

const WINDOWS_TARGET: &str = "x86_64-pc-windows-gnu";
const DIST_PACKAGES: &[&str] = &["nsis", "gcc-mingw-w64-x86-64", "dpkg-dev"];
pub(crate) const CHECK_PACKAGES: &[&str] = &["wine", "wine64"];

pub fn dist(args: &[String]) -> Result {
    let check = args.iter().any(|a| a == "--check");
    let only_windows = args.iter().any(|a| a == "--windows");
    let only_linux = args.iter().any(|a| a == "--linux");
    let (windows, linux) = match (only_windows, only_linux) {
        (false, false) => (true, cfg!(target_os = "linux")),
        (w, l) => (w, l),
    };
    if cfg!(target_os = "linux") {
        crate::install_packages(DIST_PACKAGES)?;
        if check && windows {
            crate::install_packages(CHECK_PACKAGES)?;
        }
    }
    let version = package_version()?;
    let out = root().join("dist");
    std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
    let mut sizes = vec![];
    if linux {
        let deb = build_deb(&version, &out)?;
        sizes.push(("Linux .deb (x86_64)", file_size(&deb), installed_size_deb(&deb)));
        if check {
            check_deb(&deb)?;
        }
    }
    if windows {
        let (setup, stage) = build_windows(&version, &out)?;
        sizes.push(("Windows installer (x86_64)", file_size(&setup), dir_size(&stage)));
        sizes.push(("  channeldesk.exe", file_size(&stage.join("channeldesk.exe")), 0));
        if check {
            check_windows(&setup)?;
        }
    }
    if let Some(key) = std::env::var_os("CHANNELDESK_UPDATE_KEY_FILE") {
        sign(&out, Path::new(&key), &version)?;
    }
    let mut md = String::from("| package | file | installed |\n|---|---:|---:|\n");
    for (what, file, installed) in &sizes {
        md.push_str(&format!(
            "| {what} | {} | {} |\n",
            mib(*file),
            if *installed > 0 { mib(*installed) } else { String::new() }
        ));
    }
    std::fs::write(out.join("sizes.md"), &md).map_err(|e| e.to_string())?;
    if windows && linux {
        record_sizes(&md)?;
    }
    eprintln!("xtask: dist/\n{md}");
    Ok(())
}

/// Signs each installer in `out` for the program's updater (`minisign -S`, the signed comment
/// naming version and platform) and writes `latest.json` beside them: copy the folder to the
/// company's update address.
fn sign(out: &Path, key: &Path, version: &str) -> Result {
    crate::install_packages(&["minisign"])?;
    let mut platforms = serde_json::Map::new();
    for (suffix, platform) in
        [("-windows-x86_64-setup.exe", "windows-x86_64"), ("_amd64.deb", "linux-x86_64")]
    {
        let Some(file) = std::fs::read_dir(out)
            .map_err(|e| e.to_string())?
            .flatten()
            .map(|e| e.path())
            .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(suffix)))
        else {
            continue;
        };
        let mut c = Command::new("minisign");
        c.args(["-S", "-W", "-s"])
            .arg(key)
            .arg("-m")
            .arg(&file)
            .args(["-t", &format!("channeldesk {version} {platform}")]);
        status(c, &format!("minisign -S {}", file.display()))?;
        let sig =
            std::fs::read_to_string(format!("{}.minisig", file.display())).map_err(|e| e.to_string())?;
        let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
        platforms.insert(platform.into(), serde_json::json!({ "url": name, "signature": sig }));
    }
    let latest = serde_json::json!({ "version": version, "notes": "", "platforms": platforms });
    write(&out.join("latest.json"), &serde_json::to_string_pretty(&latest).map_err(|e| e.to_string())?)
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

fn file_size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

fn dir_size(p: &Path) -> u64 {
    std::fs::read_dir(p)
        .map(|d| {
            d.flatten()
                .map(|e| if e.path().is_dir() { dir_size(&e.path()) } else { file_size(&e.path()) })
                .sum()
        })
        .unwrap_or(0)
}

fn package_version() -> Result<String> {
    let manifest = std::fs::read_to_string(root().join("src-tauri/Cargo.toml")).map_err(|e| e.to_string())?;
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \"").and_then(|v| v.strip_suffix('"')))
        .map(String::from)
        .ok_or_else(|| "no version in src-tauri/Cargo.toml".into())
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

fn copy(from: &Path, to: &Path) -> Result {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copy {} → {}: {e}", from.display(), to.display()))
}

fn write(to: &Path, text: &str) -> Result {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    std::fs::write(to, text).map_err(|e| format!("{}: {e}", to.display()))
}

/// The release build of the program (and the console twin) for `target` (`None`: this machine).
fn release_build(target: Option<&str>) -> Result<PathBuf> {
    let mut c = cargo();
    c.args(["build", "--release", "-p", "channeldesk-app", "--features", "tauri/custom-protocol"]);
    if target.is_some() {
        c.args(["-p", "channeldesk-console"]);
    }
    if let Some(t) = target {
        c.args(["--target", t]);
    }
    status(c, &format!("release build for {}", target.unwrap_or("this machine")))?;
    Ok(match target {
        Some(t) => target_dir().join(t).join("release"),
        None => target_dir().join("release"),
    })
}

/// The licence notices of every crate in the program for `target`: name, version, licence
/// expression, repository and the licence files the crate ships, from `cargo metadata`.
fn notices(target: &str, out: &Path) -> Result {
    let o = cargo()
        .args(["metadata", "--format-version", "1", "--filter-platform", target, "--manifest-path"])
        .arg(root().join("src-tauri/Cargo.toml"))
        .output()
        .map_err(|e| e.to_string())?;
    if !o.status.success() {
        return Err(format!("cargo metadata: {}", String::from_utf8_lossy(&o.stderr)));
    }
    let meta: serde_json::Value = serde_json::from_slice(&o.stdout).map_err(|e| e.to_string())?;
    // The crates the program links: the resolve graph from channeldesk-app, normal dependencies only.
    let nodes: std::collections::HashMap<&str, &serde_json::Value> = meta["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|n| n["id"].as_str().map(|id| (id, n)))
        .collect();
    let app = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == "channeldesk-app")
        .and_then(|p| p["id"].as_str())
        .ok_or("channeldesk-app not in metadata")?;
    let mut seen = std::collections::BTreeSet::new();
    let mut todo = vec![app];
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        for dep in nodes.get(id).and_then(|n| n["deps"].as_array()).into_iter().flatten() {
            let normal = dep["dep_kinds"].as_array().into_iter().flatten().any(|k| k["kind"].is_null());
            if normal && let Some(d) = dep["pkg"].as_str() {
                todo.push(d);
            }
        }
    }
    let mut pkgs: Vec<&serde_json::Value> = meta["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["id"].as_str().is_some_and(|id| seen.contains(id)) && p["source"].is_string())
        .collect();
    pkgs.sort_by_key(|p| {
        (p["name"].as_str().unwrap_or("").to_string(), p["version"].as_str().unwrap_or("").to_string())
    });
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let mut html = String::from(
        "<!doctype html><meta charset=\"utf-8\"><title>ChannelDesk third-party notices</title>\n\
         <style>body{font:14px system-ui,sans-serif;max-width:60em;margin:2em auto}pre{white-space:pre-wrap;\
         background:#f6f6f6;padding:1em;font-size:12px}</style>\n<h1>ChannelDesk: third-party notices</h1>\n\
         <p>ChannelDesk is built with the open-source components below. Each is used under its licence, \
         whose text follows.</p>\n<ul>\n",
    );
    for p in &pkgs {
        html.push_str(&format!(
            "<li>{} {} — {}</li>\n",
            esc(p["name"].as_str().unwrap_or("")),
            esc(p["version"].as_str().unwrap_or("")),
            esc(p["license"].as_str().unwrap_or("see its files"))
        ));
    }
    html.push_str("</ul>\n");
    for p in &pkgs {
        let name = p["name"].as_str().unwrap_or("");
        html.push_str(&format!(
            "<h2>{} {}</h2><p>{} · {}</p>\n",
            esc(name),
            esc(p["version"].as_str().unwrap_or("")),
            esc(p["license"].as_str().unwrap_or("")),
            esc(p["repository"].as_str().unwrap_or(""))
        ));
        let dir = Path::new(p["manifest_path"].as_str().unwrap_or(""))
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|f| {
                let n = f.file_name().map(|n| n.to_string_lossy().to_uppercase()).unwrap_or_default();
                f.is_file()
                    && (n.starts_with("LICENSE")
                        || n.starts_with("LICENCE")
                        || n.starts_with("COPYING")
                        || n.starts_with("NOTICE"))
            })
            .collect();
        if let Some(f) = p["license_file"].as_str() {
            files.push(dir.join(f));
        }
        files.sort();
        files.dedup();
        for f in files {
            if let Ok(text) = std::fs::read_to_string(&f) {
                html.push_str(&format!("<pre>{}</pre>\n", esc(&text)));
            }
        }
    }
    write(out, &html)?;
    eprintln!("xtask: {} third-party notices for {target} in {}", pkgs.len(), out.display());
    Ok(())
}

fn build_deb(version: &str, out: &Path) -> Result<PathBuf> {
    let bin = release_build(None)?.join("channeldesk");
    let arch = "amd64";
    let stage = target_dir().join("dist/deb");
    let _ = std::fs::remove_dir_all(&stage);
    let icons = root().join("src-tauri/icons");
    copy(&bin, &stage.join("usr/bin/channeldesk"))?;
    for (file, size) in [
        ("32x32.png", "32x32"),
        ("64x64.png", "64x64"),
        ("128x128.png", "128x128"),
        ("256x256.png", "256x256"),
    ] {
        copy(&icons.join(file), &stage.join(format!("usr/share/icons/hicolor/{size}/apps/channeldesk.png")))?;
        copy(
            &icons.join(file),
            &stage.join(format!(
                "usr/share/icons/hicolor/{size}/mimetypes/application-x-channeldesk-bundle.png"
            )),
        )?;
    }
    write(
        &stage.join("usr/share/applications/channeldesk.desktop"),
        "[Desktop Entry]\nType=Application\nName=ChannelDesk\nName[zh_CN]=渠道商务台\n\
         GenericName=Channel partner business\nGenericName[zh_CN]=渠道商务管理\n\
         Comment=Recruit, sign, evaluate and serve channel partners\nComment[zh_CN]=渠道合作伙伴的招募、签约、评估与服务\n\
         Exec=channeldesk %f\nIcon=channeldesk\nTerminal=false\nCategories=Office;Finance;\n\
         MimeType=application/x-channeldesk-bundle;\nStartupWMClass=channeldesk\n",
    )?;
    write(
        &stage.join("usr/share/mime/packages/channeldesk.xml"),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<mime-info xmlns=\"http://www.freedesktop.org/standards/shared-mime-info\">\n\
         <mime-type type=\"application/x-channeldesk-bundle\">\n<comment>ChannelDesk bundle</comment>\n\
         <comment xml:lang=\"zh_CN\">渠道商务台数据包</comment>\n<sub-class-of type=\"application/zip\"/>\n\
         <glob pattern=\"*.cdbundle\" weight=\"60\"/>\n</mime-type>\n</mime-info>\n",
    )?;
    notices("x86_64-unknown-linux-gnu", &stage.join("usr/share/doc/channeldesk/THIRD-PARTY-NOTICES.html"))?;
    write(
        &stage.join("usr/share/doc/channeldesk/copyright"),
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: ChannelDesk\n\n\
         Files: *\nLicense: MIT or Apache-2.0\n Third-party components: see THIRD-PARTY-NOTICES.html.\n",
    )?;
    let installed_kb = dir_size(&stage).div_ceil(1024);
    write(
        &stage.join("DEBIAN/control"),
        &format!(
            "Package: channeldesk\nVersion: {version}\nArchitecture: {arch}\nMaintainer: ChannelDesk <it@channeldesk.invalid>\n\
             Installed-Size: {installed_kb}\nDepends: libwebkit2gtk-4.1-0, libgtk-3-0, libayatana-appindicator3-1 | libappindicator3-1, keyutils\n\
             Recommends: fonts-noto-cjk\nSection: misc\nPriority: optional\nHomepage: https://channeldesk.invalid\n\
             Description: ChannelDesk (渠道商务台): channel partner business desk\n \
             Recruiting, screening, agreements, evaluation, relationships, orders, settlement,\n \
             promotion and risk for a company's channel partners; offline first, encrypted at rest.\n"
        ),
    )?;
    write(
        &stage.join("DEBIAN/postinst"),
        "#!/bin/sh\nset -e\nif command -v update-mime-database >/dev/null; then update-mime-database /usr/share/mime || true; fi\nif command -v update-desktop-database >/dev/null; then update-desktop-database -q /usr/share/applications || true; fi\nif command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t /usr/share/icons/hicolor || true; fi\n",
    )?;
    write(
        &stage.join("DEBIAN/postrm"),
        "#!/bin/sh\nset -e\nif command -v update-mime-database >/dev/null; then update-mime-database /usr/share/mime || true; fi\nif command -v update-desktop-database >/dev/null; then update-desktop-database -q /usr/share/applications || true; fi\n",
    )?;
    for script in ["postinst", "postrm"] {
        chmod(&stage.join("DEBIAN").join(script), 0o755)?;
    }
    chmod(&stage.join("usr/bin/channeldesk"), 0o755)?;
    let deb = out.join(format!("channeldesk_{version}_{arch}.deb"));
    let mut c = Command::new("dpkg-deb");
    c.args(["--root-owner-group", "-Zxz", "--build"]).arg(&stage).arg(&deb);
    status(c, "dpkg-deb --build")?;
    Ok(deb)
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) -> Result {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).map_err(|e| e.to_string())
}
#[cfg(not(unix))]
fn chmod(_: &Path, _: u32) -> Result {
    Ok(())
}

fn installed_size_deb(deb: &Path) -> u64 {
    let o = Command::new("dpkg-deb").args(["-f"]).arg(deb).arg("Installed-Size").output();
    o.ok().and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse::<u64>().ok()).unwrap_or(0) * 1024
}

fn build_windows(version: &str, out: &Path) -> Result<(PathBuf, PathBuf)> {
    let target = if cfg!(windows) { "x86_64-pc-windows-msvc" } else { WINDOWS_TARGET };
    if !cfg!(windows) {
        let mut c = Command::new("rustup");
        c.args(["target", "add", WINDOWS_TARGET]);
        status(c, &format!("rustup target add {WINDOWS_TARGET}"))?;
    }
    let built = release_build(Some(target))?;
    let stage = target_dir().join("dist/windows");
    let _ = std::fs::remove_dir_all(&stage);
    copy(&built.join("channeldesk.exe"), &stage.join("channeldesk.exe"))?;
    copy(&built.join("channeldesk-console.exe"), &stage.join("channeldesk.com"))?;
    copy(&root().join("src-tauri/icons/icon.ico"), &stage.join("channeldesk.ico"))?;
    let dll = built.join("WebView2Loader.dll");
    let has_dll = dll.is_file();
    if has_dll {
        copy(&dll, &stage.join("WebView2Loader.dll"))?;
    }
    notices(target, &stage.join("THIRD-PARTY-NOTICES.html"))?;
    write(
        &stage.join("README.txt"),
        &format!(
            "ChannelDesk 渠道商务台 {version}\r\n\r\nData folder / 数据文件夹: %LOCALAPPDATA%\\com.channeldesk.desk\r\n\
             Log folder / 日志文件夹: %LOCALAPPDATA%\\com.channeldesk.desk\\logs\r\n\r\n\
             Command-line tasks / 命令行任务 (cmd, PowerShell):\r\n  \"%LOCALAPPDATA%\\Programs\\ChannelDesk\\channeldesk.com\" help\r\n"
        ),
    )?;
    let setup = out.join(format!("ChannelDesk-{version}-windows-x86_64-setup.exe"));
    let mut c = Command::new("makensis");
    c.arg("-V2")
        .arg(format!("-DVERSION={version}"))
        .arg(format!("-DSTAGE={}", stage.display()))
        .arg(format!("-DOUTFILE={}", setup.display()));
    if has_dll {
        c.arg("-DWEBVIEW2_DLL");
    }
    c.arg(root().join("src-tauri/windows/installer.nsi"));
    status(c, "makensis (our installer script, 64-bit stub)")?;
    Ok((setup, stage))
}

fn check_deb(deb: &Path) -> Result {
    let mut c = Command::new("apt-get");
    c.args(["install", "-y", "-qq", "--reinstall"]).arg(deb).env("DEBIAN_FRONTEND", "noninteractive");
    status(c, "apt-get install ./channeldesk.deb")?;
    let result = (|| {
        for f in [
            "/usr/bin/channeldesk",
            "/usr/share/applications/channeldesk.desktop",
            "/usr/share/icons/hicolor/128x128/apps/channeldesk.png",
            "/usr/share/doc/channeldesk/THIRD-PARTY-NOTICES.html",
        ] {
            if !Path::new(f).is_file() {
                return Err(format!("the package did not install {f}"));
            }
        }
        let o = Command::new("/usr/bin/channeldesk").arg("--version").output().map_err(|e| e.to_string())?;
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        if !o.status.success() || !text.contains("ChannelDesk") {
            return Err(format!("installed channeldesk --version: {text}"));
        }
        eprintln!("xtask: installed program says: {}", text.lines().next().unwrap_or(""));
        // The end-to-end smoke tests against the installed program, in a real window.
        let tools = crate::setup(true)?;
        let (_display, display) = crate::virtual_display()?;
        let mut c = crate::cargo_with_keyring();
        c.args([
            "nextest",
            "run",
            "-p",
            "channeldesk-app",
            "--test",
            "e2e",
            "--no-fail-fast",
            "-E",
            "test(partner_register_through_the_window) | test(an_agreement_is_drafted_reviewed_signed_and_printed) | test(a_bundle_opened_from_the_file_manager_reaches_the_running_window)",
        ])
        .env("CHANNELDESK_APP", "/usr/bin/channeldesk");
        crate::test_env(&mut c, &tools, &display);
        status(c, "end-to-end smoke tests against /usr/bin/channeldesk")
    })();
    let mut c = Command::new("apt-get");
    c.args(["remove", "-y", "-qq", "channeldesk"]).env("DEBIAN_FRONTEND", "noninteractive");
    status(c, "apt-get remove channeldesk")?;
    if Path::new("/usr/bin/channeldesk").exists() {
        return Err("apt-get remove left /usr/bin/channeldesk".into());
    }
    result
}

/// A stand-in `bcryptprimitives.dll` for wine 8, which lacks `ProcessPrng` (imported by every
/// Rust ≥ 1.78 program): it forwards to `BCryptGenRandom`. Test only, never shipped.
pub(crate) fn wine_prng_shim(dir: &Path) -> Result<PathBuf> {
    let src = dir.join("bcryptprimitives.c");
    write(
        &src,
        "#include <windows.h>\n#include <bcrypt.h>\n\
         BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {\n\
           return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;\n}\n",
    )?;
    let def = dir.join("bcryptprimitives.def");
    write(&def, "LIBRARY bcryptprimitives\nEXPORTS\n  ProcessPrng\n")?;
    let dll = dir.join("bcryptprimitives.dll");
    let mut c = Command::new("x86_64-w64-mingw32-gcc");
    c.args(["-shared", "-O2", "-o"]).arg(&dll).arg(&src).arg(&def).arg("-lbcrypt");
    status(c, "building the test-only ProcessPrng stand-in for wine")?;
    Ok(dll)
}

fn check_windows(setup: &Path) -> Result {
    if !have("wine", "--version") {
        return Err("wine is needed for --check of the Windows installer".into());
    }
    let prefix = target_dir().join("dist/wineprefix");
    let _ = std::fs::remove_dir_all(&prefix);
    std::fs::create_dir_all(&prefix).map_err(|e| e.to_string())?;
    let wine = |args: &[&str]| {
        let mut c = Command::new("wine");
        c.args(args)
            .env("WINEPREFIX", &prefix)
            .env("WINEARCH", "win64")
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "mscoree,mshtml=");
        c
    };
    let run = |mut c: Command, what: &str| -> Result<(bool, String)> {
        eprintln!("xtask: wine: {what}");
        let o = c.output().map_err(|e| format!("{what}: {e}"))?;
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        Ok((o.status.success(), text))
    };
    let (_, _) = run(wine(&["wineboot", "--init"]), "wineboot --init")?;
    let drive_c = prefix.join("drive_c");
    let user = std::env::var("USER").unwrap_or_else(|_| "root".into());
    let local = drive_c.join("users").join(&user).join("AppData/Local");
    let install = local.join("Programs/ChannelDesk");
    let (ok, text) = run(wine(&[&setup.display().to_string(), "/S"]), "installer /S")?;
    if !ok {
        return Err(format!("silent install failed: {text}"));
    }
    let mut report = vec![];
    for f in [
        "channeldesk.exe",
        "channeldesk.com",
        "channeldesk.ico",
        "WebView2Loader.dll",
        "THIRD-PARTY-NOTICES.html",
        "uninstall.exe",
    ] {
        if !install.join(f).is_file() {
            return Err(format!("the installer did not put {f} into {}", install.display()));
        }
    }
    report.push(format!("installed into {}", install.display()));
    let start_menu =
        drive_c.join("users").join(&user).join("AppData/Roaming/Microsoft/Windows/Start Menu/Programs");
    let shortcuts: Vec<String> = std::fs::read_dir(&start_menu)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".lnk"))
        .collect();
    if !shortcuts.iter().any(|n| n == "渠道商务台.lnk" || n == "ChannelDesk.lnk") {
        return Err(format!("no Start-menu shortcut in {}: {shortcuts:?}", start_menu.display()));
    }
    report.push(format!("Start-menu shortcut: {shortcuts:?}"));
    let desktop = drive_c.join("users").join(&user).join("Desktop");
    let on_desktop = std::fs::read_dir(&desktop)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.file_name().to_string_lossy().ends_with(".lnk"));
    if !on_desktop {
        return Err("no desktop shortcut after a default silent install".into());
    }
    report.push("desktop shortcut: yes".into());
    // What `reg query` prints for a key of the installed user's registry.
    let reg = |key: &str| {
        run(wine(&["reg", "query", &format!("HKCU\\{key}")]), &format!("reg query {key}")).map(|(_, t)| t)
    };
    let assoc = reg("Software\\Classes\\ChannelDesk.Bundle\\shell\\open\\command")?;
    if !assoc.contains("channeldesk.exe") {
        return Err(format!(".cdbundle association missing: {assoc}"));
    }
    let ext = reg("Software\\Classes\\.cdbundle")?;
    if !ext.contains("ChannelDesk.Bundle") {
        return Err(format!(".cdbundle extension not registered: {ext}"));
    }
    report.push(".cdbundle → ChannelDesk.Bundle → channeldesk.exe \"%1\"".into());
    let uninst = reg("Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\ChannelDesk")?;
    if !uninst.contains("DisplayVersion") {
        return Err(format!("no Apps & features entry: {uninst}"));
    }
    report.push("Apps & features entry: yes".into());

    // The program itself. wine 8.0 lacks ProcessPrng: a test-only stand-in beside the exe.
    let shim = wine_prng_shim(&target_dir().join("dist/wine-shim"))?;
    copy(&shim, &install.join("bcryptprimitives.dll"))?;
    let exe = install.join("channeldesk.exe").display().to_string();
    let com = install.join("channeldesk.com").display().to_string();
    let (ok, text) = run(wine(&[&com, "--version"]), "channeldesk.com --version")?;
    if !ok || !text.contains("ChannelDesk") {
        return Err(format!("channeldesk.com --version: {text}"));
    }
    report.push(format!("channeldesk.com --version: {}", text.lines().next().unwrap_or("").trim()));
    if !text.contains("AppData\\Local\\com.channeldesk.desk") {
        return Err(format!("the data folder is not the per-user local one: {text}"));
    }
    report.push("data folder: %LOCALAPPDATA%\\com.channeldesk.desk".into());
    let password = "Wine-setup-1";
    let mut c = wine(&[&com, "setup", "--owner-name", "IT 管理员", "--user", "itadmin", "--language", "en"]);
    c.env("CHANNELDESK_PASSWORD", password);
    let (ok, text) = run(c, "channeldesk.com setup (headless provisioning, key into Credential Manager)")?;
    if !ok {
        return Err(format!("headless setup under wine failed: {text}"));
    }
    report.push(format!("setup: {}", text.trim()));
    let data = local.join("com.channeldesk.desk");
    if !data.join(channeldesk_db_file()).is_file() {
        return Err(format!("setup made no database in {}", data.display()));
    }
    let (ok, text) = run(wine(&[&com, "backup"]), "channeldesk.com backup")?;
    if !ok {
        return Err(format!("backup under wine failed: {text}"));
    }
    report.push(format!("backup (key read back from Credential Manager): {}", text.trim()));
    let mut c = wine(&[&com, "verify", "--user", "itadmin"]);
    c.env("CHANNELDESK_PASSWORD", password);
    let (ok, text) = run(c, "channeldesk.com verify")?;
    if !ok || !text.contains("intact") {
        return Err(format!("verify under wine: {text}"));
    }
    report.push(format!("verify: {}", text.trim().replace('\n', "; ")));
    let mut c = wine(&[&com, "verify", "--user", "itadmin"]);
    c.env("CHANNELDESK_PASSWORD", "wrong-password");
    let (ok, text) = run(c, "channeldesk.com verify with a wrong password")?;
    if ok {
        return Err(format!("a wrong password was accepted: {text}"));
    }
    report.push("exit code through channeldesk.com: 1 on a wrong password".into());
    // The window: wine has no WebView2, so the program must say so and end, not hang.
    let mut c = wine(&[&exe]);
    c.env("CHANNELDESK_NO_DIALOG", "1");
    let started = std::time::Instant::now();
    let mut child = c
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let ended = loop {
        if let Ok(Some(_)) = child.try_wait() {
            break true;
        }
        if started.elapsed() > std::time::Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let o = child.wait_with_output().map_err(|e| e.to_string())?;
    let said = String::from_utf8_lossy(&o.stderr).to_string();
    if !ended || !said.contains("WebView2") {
        return Err(format!(
            "the window program without WebView2 did not explain itself within 60 s: {said}"
        ));
    }
    report.push(format!(
        "window without WebView2: explained and ended in {:.1} s",
        started.elapsed().as_secs_f32()
    ));
    std::fs::remove_file(install.join("bcryptprimitives.dll")).map_err(|e| e.to_string())?;

    // Uninstall keeps the data, unless asked.
    let uninstaller = install.join("uninstall.exe").display().to_string();
    let (_, _) = run(wine(&[&uninstaller, "/S"]), "uninstall /S")?;
    wait_gone(&install.join("channeldesk.exe"))?;
    if !data.join(channeldesk_db_file()).is_file() {
        return Err("the uninstaller deleted the data folder without being asked".into());
    }
    if reg("Software\\Classes\\.cdbundle")?.contains("ChannelDesk.Bundle") {
        return Err("the uninstaller left the .cdbundle association".into());
    }
    report.push("uninstall /S: program, shortcuts, association removed; data folder kept".into());
    let (ok, _) = run(wine(&[&setup.display().to_string(), "/S"]), "reinstall /S")?;
    if !ok {
        return Err("reinstall failed".into());
    }
    let (_, _) = run(wine(&[&uninstaller, "/S", "/DELETEDATA"]), "uninstall /S /DELETEDATA")?;
    wait_gone(&install.join("channeldesk.exe"))?;
    wait_gone(&data)?;
    report.push("uninstall /S /DELETEDATA: data folder deleted".into());
    eprintln!("xtask: Windows installer under wine:\n  {}", report.join("\n  "));
    write(&root().join("dist/wine-report.txt"), &report.join("\n"))?;
    Ok(())
}

/// NSIS uninstallers copy themselves to a temporary folder and return at once.
fn wait_gone(p: &Path) -> Result {
    for _ in 0..150 {
        if !p.exists() {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    Err(format!("{} still there after the uninstaller", p.display()))
}

fn channeldesk_db_file() -> &'static str {
    "channeldesk.sqlite3"
}

/// Start and end of the package sizes in docs/benchmarks.md (kept by `cargo xtask bench`).
pub const SIZES_BEGIN: &str = "<!-- package sizes: cargo xtask dist -->";
pub const SIZES_END: &str = "<!-- /package sizes -->";

/// Writes the sizes of a full `dist` run into docs/benchmarks.md.
fn record_sizes(table: &str) -> Result {
    let path = root().join("docs/benchmarks.md");
    let mut doc = std::fs::read_to_string(&path).unwrap_or_default();
    let block = format!(
        "{SIZES_BEGIN}\n## Installers (`cargo xtask dist`, release profile: strip, fat LTO, one codegen unit)\n\n\
         Measured {}. Aim: Windows installer ≤ 15 MB.\n\n{table}{SIZES_END}",
        crate::today()
    );
    crate::splice(&mut doc, SIZES_BEGIN, SIZES_END, &block);
    write(&path, &doc)
}
