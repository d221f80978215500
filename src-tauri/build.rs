//! Generates the Tauri context and one `allow-<command>` permission per app command, so the
//! capability file can grant exactly the commands the UI uses; and the program's icon set
//! (`icons/icon.ico` with 16–256 px images, and the PNG sizes the Linux packages and the
//! window use) from the one source image `icons/icon.png` (1024 × 1024). The generated icons
//! are ignored by git and rewritten only when the source is newer.

use std::path::Path;

/// PNG sizes written beside the source, named as Tauri's bundler expects them.
const PNG_SIZES: &[(&str, u32)] = &[
    ("32x32.png", 32),
    ("64x64.png", 64),
    ("128x128.png", 128),
    ("128x128@2x.png", 256),
    ("256x256.png", 256),
];
/// Images inside the Windows icon (Explorer, Start menu, taskbar, Alt+Tab at every scale).
const ICO_SIZES: &[u32] = &[16, 20, 24, 32, 40, 48, 64, 128, 256];

fn main() {
    println!("cargo:rerun-if-changed=src/command_list.rs");
    println!("cargo:rerun-if-changed=icons/icon.png");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rustc-env=CHANNELDESK_BUILD_DATE={}", build_date());
    if let Err(e) = icons(Path::new("icons")) {
        panic!("generating the icon set from icons/icon.png: {e}");
    }
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri build step");
}

/// The build day as `YYYY-MM-DD` (UTC), from `SOURCE_DATE_EPOCH` when set.
fn build_date() -> String {
    let secs =
        std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse::<i64>().ok()).unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0)
        });
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

fn newer(source: &Path, target: &Path) -> bool {
    let m = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (m(source), m(target)) {
        (Some(s), Some(t)) => s > t,
        _ => true,
    }
}

fn icons(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let source = dir.join("icon.png");
    let ico_path = dir.join("icon.ico");
    let stale = newer(&source, &ico_path) || PNG_SIZES.iter().any(|(n, _)| newer(&source, &dir.join(n)));
    if !stale {
        return Ok(());
    }
    let master = image::open(&source)?.into_rgba8();
    let resized =
        |size: u32| image::imageops::resize(&master, size, size, image::imageops::FilterType::Lanczos3);
    for (name, size) in PNG_SIZES {
        resized(*size).save_with_format(dir.join(name), image::ImageFormat::Png)?;
    }
    let mut ico = ico::IconDir::new(ico::ResourceType::Icon);
    for &size in ICO_SIZES {
        let img = resized(size);
        let icon = ico::IconImage::from_rgba_data(size, size, img.into_raw());
        ico.add_entry(ico::IconDirEntry::encode(&icon)?);
    }
    let tmp = dir.join("icon.ico.part");
    ico.write(std::fs::File::create(&tmp)?)?;
    std::fs::rename(tmp, ico_path)?;
    Ok(())
}

include!("src/command_list.rs");
