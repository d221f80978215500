//! Documents rendered for real: the PDF is written, checked by `qpdf`, its fonts by
//! `pdffonts`, its text by `pdftotext`, and its QR code decoded from the page rendered by
//! `pdftoppm` (poppler-utils and qpdf are installed by `cargo xtask test`).

mod common;

use channeldesk::documents::recovery_kit::{self, KitDetails};
use channeldesk::vault;
use common::desk;
use std::path::Path;
use std::process::Command;

fn tool(name: &str, args: &[&str]) -> Option<String> {
    match Command::new(name).args(args).output() {
        Ok(out) => {
            assert!(out.status.success(), "{name} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(_) => {
            assert!(
                std::env::var("CHANNELDESK_E2E").as_deref() != Ok("required"),
                "{name} is required here (poppler-utils, qpdf)"
            );
            None
        }
    }
}

/// Reads a binary PGM (P5) as written by `pdftoppm -gray`.
fn read_pgm(path: &Path) -> (usize, usize, Vec<u8>) {
    let bytes = std::fs::read(path).unwrap();
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while !bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(String::from_utf8_lossy(&bytes[start..i]).into_owned());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, bytes[i + 1..].to_vec())
}

#[tokio::test]
async fn the_recovery_kit_prints_the_key_as_text_and_qr_code() {
    let t = desk().await;
    let out = t.dir.path().join("恢复密钥.pdf");
    recovery_kit::save(&t.desk, &t.keychain, &out).await.unwrap();
    let code = vault::recovery_code(&t.desk, &t.keychain).await.unwrap();
    if let Some(keep) = std::env::var_os("CHANNELDESK_KEEP_DOCS") {
        std::fs::copy(&out, Path::new(&keep).join("recovery-kit.pdf")).unwrap();
    }
    let pdf = out.to_str().unwrap();
    let Some(check) = tool("qpdf", &["--check", pdf]) else { return };
    assert!(check.contains("No syntax or stream encoding errors"), "{check}");
    let fonts = tool("pdffonts", &[pdf]).unwrap();
    let face = fonts.lines().nth(2).expect("one font");
    assert!(face.contains("+"), "subset font name: {face}");
    assert!(face.split_whitespace().filter(|w| *w == "yes").count() >= 2, "embedded subset: {face}");
    let size = std::fs::metadata(&out).unwrap().len();
    assert!(size < 400_000, "subset keeps the kit small ({size} bytes)");

    let text = tool("pdftotext", &["-layout", pdf, "-"]).unwrap();
    for needle in
        ["渠道商务台", "恢复密钥", "使用说明", "Recovery kit", "测试员", &t.desk.device().short_code]
    {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    let groups: Vec<&str> = code.split('-').collect();
    for g in &groups {
        assert!(text.contains(g), "key group {g} missing");
    }

    let png_base = t.dir.path().join("page");
    tool("pdftoppm", &["-gray", "-r", "200", "-singlefile", pdf, png_base.to_str().unwrap()]).unwrap();
    let (w, h, pixels) = read_pgm(&t.dir.path().join("page.pgm"));
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the page");
    let (_, content) = grids[0].decode().expect("the QR code decodes");
    assert_eq!(content, code);
    // Printing is recorded (R1.1).
    let n: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE operation = 'print_recovery_kit'")
        .fetch_one(t.desk.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
    t.desk.close().await;
}

#[test]
fn a_missing_font_is_a_clear_document_error() {
    // SAFETY: this test binary runs each test in its own process under nextest.
    unsafe { std::env::set_var("CHANNELDESK_FONT", "/nonexistent/font.ttc") };
    let details = KitDetails {
        owner: "x".into(),
        data_dir: "/x".into(),
        device_code: "K7".into(),
        printed_on: "2026-03-01".into(),
    };
    let e = recovery_kit::render("AAAAA-BBBBB", &details).unwrap_err();
    assert_eq!(e.code(), "document");
    assert!(e.to_string().contains("CHANNELDESK_FONT"), "{e}");
    unsafe { std::env::remove_var("CHANNELDESK_FONT") };
}
