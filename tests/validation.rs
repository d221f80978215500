//! Input rules: unified social credit codes (GB 32100-2015), phones, e-mails, web addresses,
//! and company name normalisation for duplicate detection.

use channeldesk::validate::{
    credit_code, email, mobile, normalize_company_name, phone, phone_digits, website,
};

#[test]
fn credit_codes() {
    let valid = [
        "91350100M000100Y43",
        "91110000600037341L",
        "91440300708461136T",
        "91350100m000100y43",                   // lower case accepted, stored upper case
        " 9135 0100M000100Y43 ",                // spaces ignored
        "９１３５０１００Ｍ０００１００Ｙ４３", // full-width digits and letters
    ];
    for c in valid {
        assert!(credit_code(c).is_ok(), "{c} should be valid");
        assert_eq!(credit_code(c).unwrap().len(), 18);
    }
    assert_eq!(credit_code("91350100m000100y43").unwrap(), "91350100M000100Y43");
    assert_eq!(credit_code("９１３５０１００Ｍ０００１００Ｙ４３").unwrap(), "91350100M000100Y43");
    let invalid = [
        ("91350100M000100Y44", "credit_code_check"), // wrong check character
        ("91350100M000100Y4", "credit_code_length"),
        ("91350100M000100Y433", "credit_code_length"),
        ("", "credit_code_length"),
        ("91350100M0001I0Y43", "credit_code_chars"), // I is not in the code alphabet
        ("91350100M0001O0Y43", "credit_code_chars"),
        ("91350100M0001Z0Y43", "credit_code_chars"),
        ("91350100M0001S0Y43", "credit_code_chars"),
        ("91350100M0001V0Y43", "credit_code_chars"),
        ("91350100-000100Y43", "credit_code_chars"),
        ("91310000MA1FL0KX0L", "credit_code_check"),
    ];
    for (c, rule) in invalid {
        assert_eq!(credit_code(c), Err(rule), "{c}");
    }
}

#[test]
fn visitor_mobiles() {
    for ok in ["13800138000", "+86 138 0013 8000", "0086 13800138000", "+44 7700 900123", "+1 555 0100"] {
        assert!(mobile(ok).is_ok(), "{ok}");
    }
    for bad in ["1380013", "010-62345678", "(0755) 8888 6666", "+86 10 6234 5678", "12345678901", "电话"] {
        assert_eq!(mobile(bad), Err("mobile"), "{bad}");
    }
}

#[test]
fn phones() {
    for ok in [
        "13800138000",
        "138-0013-8000",
        "+86 138 0013 8000",
        "010-62345678",
        "(0755) 8888 6666",
        "+44 20 7946 0958",
    ] {
        assert!(phone(ok).is_ok(), "{ok}");
    }
    for bad in ["12345678901", "1234", "13800138000x", "138 0013 8000 ext 1", "++8613800138000", "电话"] {
        assert_eq!(phone(bad), Err("phone"), "{bad}");
    }
    // Starts like a mainland mobile but is not one: a digit short, or a 7-digit fragment.
    for bad in ["1380013800", "1380013", "12345"] {
        assert_eq!(phone(bad), Err("phone"), "{bad}");
    }
    assert_eq!(phone_digits("+86 138-0013-8000"), "13800138000");
    assert_eq!(phone_digits("0086 13800138000"), "13800138000");
    assert_eq!(phone_digits("010-62345678"), "01062345678");
}

#[test]
fn emails_and_websites() {
    for ok in ["a@b.cn", "zhang.wei+sales@huaxin-tech.com.cn", "张@例子.中国"] {
        assert!(email(ok).is_ok(), "{ok}");
    }
    for bad in ["", "a", "a@b", "a@.cn", "a b@c.cn", "<a>@b.cn", "a@b..cn", "@b.cn"] {
        assert_eq!(email(bad), Err("email"), "{bad}");
    }
    for ok in ["www.huaxin.cn", "https://huaxin.cn/about?x=1", "http://例子.中国"] {
        assert!(website(ok).is_ok(), "{ok}");
    }
    for bad in ["javascript:alert(1)", "ftp://x.cn", "huaxin", "www.hua xin.cn", "data:text/html,x"] {
        assert_eq!(website(bad), Err("url"), "{bad}");
    }
}

#[test]
fn company_name_normalisation() {
    let same = [
        ("深圳华信科技有限公司", "深圳 华信科技股份有限公司"),
        ("深圳华信科技有限公司", "深圳华信科技有限责任公司"),
        ("深圳华信科技有限公司", "深圳华信科技"),
        ("Acme Trading Co., Ltd.", "ACME TRADING LIMITED"),
        ("Acme Trading Co., Ltd.", "ａｃｍｅ　ｔｒａｄｉｎｇ ｃｏ．，ｌｔｄ．"),
        ("华信（深圳）科技有限公司", "华信(深圳)科技有限公司"),
        // The registered place, written any of the usual ways.
        ("深圳市华信科技有限公司", "深圳华信科技有限公司"),
        ("深圳市华信科技有限公司", "华信科技（深圳）有限公司"),
        ("深圳市华信科技有限公司", "广东省深圳市华信科技有限公司"),
        ("内蒙古自治区蓝海商贸有限公司", "内蒙古蓝海商贸有限公司"),
        ("北京市启明软件有限公司", "启明软件(北京)有限公司"),
        // Parenthesised words that are not places are ignored.
        ("华信科技（集团）有限公司", "华信科技集团有限公司"),
    ];
    for (a, b) in same {
        assert_eq!(normalize_company_name(a), normalize_company_name(b), "{a} ~ {b}");
    }
    // The same name registered in another city is another company.
    assert_ne!(
        normalize_company_name("深圳华信科技有限公司"),
        normalize_company_name("广州华信科技有限公司")
    );
    assert_ne!(
        normalize_company_name("华信科技（深圳）有限公司"),
        normalize_company_name("华信科技（广州）有限公司")
    );
    // A place name that is the whole name is not stripped.
    assert_eq!(normalize_company_name("北京"), "北京");
    assert_ne!(normalize_company_name("北京"), normalize_company_name("天津"));
    assert_eq!(normalize_company_name("公司"), "公司", "a name is never reduced to nothing");
}
