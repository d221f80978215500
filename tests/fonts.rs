//! The CJK font search per operating system (issue 19), against fixture folders laid out like
//! each system's, and the face chosen in a real collection by its family name.

use channeldesk::documents::fonts::{self, Os};
use std::path::Path;

fn touch(root: &Path, rel: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("dirs");
    std::fs::write(p, b"").expect("file");
}

fn found(os: Os, root: &Path, env: &[(&str, String)]) -> Option<String> {
    let lookup = |k: &str| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
    fonts::find_in(os, root, &lookup)
        .map(|f| f.path.strip_prefix(root).expect("inside").display().to_string())
}

#[test]
fn windows_prefers_yahei_then_dengxian_then_simsun_and_finds_fonts_installed_per_user() {
    let root = tempfile::tempdir().expect("temp");
    let r = root.path();
    let env = vec![
        ("WINDIR", r.join("Windows").display().to_string()),
        ("LOCALAPPDATA", r.join("Users/li/AppData/Local").display().to_string()),
    ];
    assert_eq!(found(Os::Windows, r, &env), None);
    touch(r, "Users/li/AppData/Local/Microsoft/Windows/Fonts/simsun.ttc");
    assert_eq!(
        found(Os::Windows, r, &env).as_deref(),
        Some("Users/li/AppData/Local/Microsoft/Windows/Fonts/simsun.ttc")
    );
    touch(r, "Windows/Fonts/simsun.ttc");
    assert_eq!(found(Os::Windows, r, &env).as_deref(), Some("Windows/Fonts/simsun.ttc"));
    touch(r, "Windows/Fonts/Deng.ttf");
    assert_eq!(found(Os::Windows, r, &env).as_deref(), Some("Windows/Fonts/Deng.ttf"));
    touch(r, "Windows/Fonts/msyh.ttc");
    assert_eq!(found(Os::Windows, r, &env).as_deref(), Some("Windows/Fonts/msyh.ttc"));
    let yahei =
        fonts::find_in(Os::Windows, r, &|k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone()))
            .expect("font");
    assert_eq!(yahei.family, Some("Microsoft YaHei"));
}

#[test]
fn macos_finds_pingfang_where_recent_systems_download_it() {
    let root = tempfile::tempdir().expect("temp");
    let r = root.path();
    let env = vec![("HOME", r.join("Users/li").display().to_string())];
    touch(r, "System/Library/Fonts/Supplemental/Songti.ttc");
    assert_eq!(found(Os::MacOs, r, &env).as_deref(), Some("System/Library/Fonts/Supplemental/Songti.ttc"));
    touch(r, "System/Library/Fonts/Hiragino Sans GB.ttc");
    assert_eq!(found(Os::MacOs, r, &env).as_deref(), Some("System/Library/Fonts/Hiragino Sans GB.ttc"));
    // macOS 13+: PingFang is not in /System/Library/Fonts but in a mobile asset.
    touch(
        r,
        "System/Library/AssetsV2/com_apple_MobileAsset_Font7/3419f2a427639ad8c8e139149a287865a90fa17e.asset/AssetData/PingFang.ttc",
    );
    touch(r, "System/Library/AssetsV2/com_apple_MobileAsset_Other/x.asset/AssetData/PingFang.ttc");
    let got = found(Os::MacOs, r, &env).expect("found");
    assert!(got.starts_with("System/Library/AssetsV2/com_apple_MobileAsset_Font7/"), "{got}");
    // Older systems: in the system folder, first.
    touch(r, "System/Library/Fonts/PingFang.ttc");
    assert_eq!(found(Os::MacOs, r, &env).as_deref(), Some("System/Library/Fonts/PingFang.ttc"));
}

#[test]
fn linux_prefers_noto_sans_cjk_and_picks_the_simplified_chinese_face_by_name() {
    let root = tempfile::tempdir().expect("temp");
    let r = root.path();
    touch(r, "usr/share/fonts/truetype/wqy/wqy-microhei.ttc");
    assert_eq!(found(Os::Linux, r, &[]).as_deref(), Some("usr/share/fonts/truetype/wqy/wqy-microhei.ttc"));
    touch(r, "usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
    assert_eq!(
        found(Os::Linux, r, &[]).as_deref(),
        Some("usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    );
    // The real collection installed by the set-up: faces JP, KR, SC, TC, HK.
    let noto = Path::new("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc");
    if noto.is_file() {
        let bytes = std::fs::read(noto).expect("font");
        assert_eq!(fonts::face_index(&bytes, "Noto Sans CJK SC", 0), 2);
        assert_eq!(fonts::face_index(&bytes, "Noto Sans CJK TC", 0), 3);
        assert_eq!(
            fonts::face_index(&bytes, "Microsoft YaHei", 7),
            7,
            "a family the file lacks keeps the fallback"
        );
    }
}
