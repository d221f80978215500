//! The recovery kit: one printed A4 page with the database's recovery key as text and as a QR
//! code, and what to do with it, in Chinese and English.
//!
//! Invariants: the key appears on the page exactly as [`crate::secrets::DatabaseKey::recovery_code`]
//! writes it, and the QR code encodes the same text; the file is written to a temporary name
//! and renamed, so a failed save leaves no half-written kit.

use super::fonts;
use super::page::{A4, Page, text_width_mm};
use crate::access::Action;
use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::secrets::Keychain;
use printpdf::{Mm, PdfDocument, PdfPage, PdfSaveOptions};
use std::path::Path;

/// What the page says besides the key.
#[derive(Debug, Clone)]
pub struct KitDetails {
    pub owner: String,
    pub data_dir: String,
    pub device_code: String,
    /// `YYYY-MM-DD`.
    pub printed_on: String,
}

const STEPS_ZH: &str = "1. 请将本页打印，存放在安全的地方（例如上锁的抽屉或保险柜），不要拍照，也不要通过网络发送。\n\
2. 渠道商务台的数据在本机上是加密保存的，密钥保存在系统钥匙串中。换了新电脑、重装系统或钥匙串条目丢失时，程序启动后会显示“输入恢复密钥”。\n\
3. 在新电脑上：把原来的数据文件夹复制过去，启动渠道商务台，在“输入恢复密钥”界面输入下面的密钥（不区分大小写，可省略短横线），或用扫码枪扫描二维码。\n\
4. 拿到本页和数据文件的人可以读取全部数据。请像保管公章一样保管本页；如有遗失，请立即告知管理员。";

const STEPS_EN: &str = "1. Print this page and keep it somewhere safe, such as a locked drawer. Do not photograph it or send it over the network.\n\
2. ChannelDesk keeps its data encrypted on this computer, with the key in the system keychain. On a new computer, after reinstalling the system, or if the keychain entry is lost, ChannelDesk asks for the recovery key when it starts.\n\
3. On a new computer: copy the data folder across, start ChannelDesk and type the key below on the \"Enter the recovery key\" screen (case and dashes do not matter), or scan the QR code.\n\
4. Anyone holding this page and the data files can read all the data. Guard it like the company seal and tell the administrator at once if it is lost.";

/// Lays out the kit for `recovery_code`; the PDF bytes.
pub fn render(recovery_code: &str, details: &KitDetails) -> Result<Vec<u8>> {
    let face = fonts::shared()?;
    let mut doc = PdfDocument::new("渠道商务台 恢复密钥 / ChannelDesk recovery kit");
    let font_id = doc.add_font(&face.font);
    super::layout::set_info(&mut doc, "", &details.printed_on)?;
    let mut p = Page::new(font_id);
    let (left, width) = (20.0, A4.0 - 40.0);

    p.fill_rect(0.0, 0.0, A4.0, 8.0, 0.16);
    p.text(left, 24.0, 20.0, 0.1, "渠道商务台 · 恢复密钥");
    p.text(left, 32.0, 12.0, 0.35, "ChannelDesk · Recovery kit");
    let mut y = 44.0;
    for (label, value) in [
        ("管理员 Administrator", details.owner.as_str()),
        ("设备代码 Device code", details.device_code.as_str()),
        ("数据文件夹 Data folder", details.data_dir.as_str()),
        ("打印日期 Printed on", details.printed_on.as_str()),
    ] {
        p.text(left, y, 9.5, 0.4, label);
        y = p.paragraph(left + 48.0, y, width - 48.0, 9.5, value);
        y += 1.0;
    }

    // The key in three lines of four groups, boxed, with its QR code.
    let box_top = y + 4.0;
    let qr_size = 46.0;
    p.stroke_rect(left, box_top, width, qr_size + 12.0);
    p.text(left + 6.0, box_top + 10.0, 10.0, 0.35, "恢复密钥 Recovery key");
    let groups: Vec<&str> = recovery_code.split('-').collect();
    let lines: Vec<String> = groups.chunks(4).map(|c| c.join(" - ")).collect();
    let key_size = 14.0;
    let mut ky = box_top + 22.0;
    for line in &lines {
        p.text(left + 6.0, ky, key_size, 0.0, line);
        ky += 10.0;
    }
    if text_width_mm(&lines[0], key_size) > width - qr_size - 16.0 {
        return Err(Error::Document("the recovery key does not fit its box".into()));
    }
    draw_qr(&mut p, recovery_code, left + width - qr_size - 6.0, box_top + 6.0, qr_size)?;

    y = box_top + qr_size + 24.0;
    p.text(left, y, 12.0, 0.1, "使用说明");
    y = p.paragraph(left, y + 8.0, width, 10.0, STEPS_ZH) + 4.0;
    p.text(left, y, 12.0, 0.1, "What to do with this page");
    y = p.paragraph(left, y + 8.0, width, 9.5, STEPS_EN);
    if y > A4.1 - 12.0 {
        return Err(Error::Document("the recovery kit does not fit one page".into()));
    }

    let page = PdfPage::new(Mm(A4.0), Mm(A4.1), p.ops);
    let mut warnings = Vec::new();
    let mut bytes = doc.with_pages(vec![page]).save(&PdfSaveOptions::default(), &mut warnings);
    super::layout::blank_pdfx(&mut bytes);
    Ok(bytes)
}

/// Draws `text` as a QR code (error correction M) in a square of `size` mm at (`x`, `y`).
fn draw_qr(p: &mut Page, text: &str, x: f32, y: f32, size: f32) -> Result<()> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| Error::Document(format!("QR code: {e}")))?;
    let n = code.width();
    let quiet = 4;
    let module = size / (n + 2 * quiet) as f32;
    p.fill_rect(x, y, size, size, 1.0);
    let colors = code.to_colors();
    for row in 0..n {
        // One rectangle per run of dark modules on a row.
        let mut col = 0;
        while col < n {
            if colors[row * n + col] == qrcode::Color::Dark {
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                p.fill_rect(
                    x + (quiet + start) as f32 * module,
                    y + (quiet + row) as f32 * module,
                    (col - start) as f32 * module,
                    module,
                    0.0,
                );
            } else {
                col += 1;
            }
        }
    }
    Ok(())
}

/// Writes the kit of the open data folder to `path` (administrators).
pub async fn save(desk: &Desk, keychain: &Keychain, path: &Path) -> Result<()> {
    let me = desk.require(Action::RecoveryKit)?;
    let code = crate::vault::recovery_code(desk, keychain).await?;
    let details = KitDetails {
        owner: me.name,
        data_dir: desk.data_dir().display().to_string(),
        device_code: desk.device().short_code.clone(),
        printed_on: desk.today(),
    };
    let bytes = tokio::task::spawn_blocking(move || render(&code, &details))
        .await
        .map_err(|e| Error::Document(e.to_string()))??;
    super::write_file(path, &bytes)?;
    // It holds the database key: readable by its owner only, wherever it was saved.
    crate::files::make_private_file(path).map_err(|e| Error::Document(format!("{}: {e}", path.display())))?;
    let mut w = desk.write().await?;
    crate::audit::record(
        &mut w,
        "print_recovery_kit",
        "vault",
        &desk.device().id,
        &crate::audit::Changes::new(),
    )
    .await?;
    w.commit().await
}
