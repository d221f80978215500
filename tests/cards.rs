//! Business cards read as contacts (R2.1.3 trade-show leads): vCard files as phones, mail
//! programs and card apps write them, and MECARD / vCard text typed by a QR scanner.

use channeldesk::cards::{self, CardContact};

fn one(text: &str) -> CardContact {
    let mut all = cards::parse(text).unwrap_or_else(|e| panic!("{e:?} for {text}"));
    assert_eq!(all.len(), 1);
    all.remove(0)
}

#[test]
fn android_vcard_2_1_with_quoted_printable_chinese() {
    // As Android contacts export it: CHARSET and QUOTED-PRINTABLE, a soft line break.
    let c = one(concat!(
        "BEGIN:VCARD\r\n",
        "VERSION:2.1\r\n",
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B;=E5=BB=BA=E5=9B=BD;;;\r\n",
        "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B=E5=BB=BA=E5=9B=BD\r\n",
        "ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=B7=B1=E5=9C=B3=E5=B8=82=E5=8D=8E=E5=BC=BA=E7=94=B5=E5=AD=\r\n",
        "=90=E6=9C=89=E9=99=90=E5=85=AC=E5=8F=B8\r\n",
        "TEL;WORK:0755-88886666\r\n",
        "TEL;CELL:138 0013 8000\r\n",
        "EMAIL;INTERNET:wangjg@huaqiang.cn\r\n",
        "END:VCARD\r\n",
    ));
    assert_eq!(c.name, "王建国");
    assert_eq!(c.company, "深圳市华强电子有限公司");
    assert_eq!(c.mobile, "138 0013 8000");
    assert_eq!(c.email, "wangjg@huaqiang.cn");
}

#[test]
fn iphone_vcard_3_0_with_folded_lines_groups_and_escapes() {
    let c = one(concat!(
        "BEGIN:VCARD\r\n",
        "VERSION:3.0\r\n",
        "PRODID:-//Apple Inc.//iPhone OS 17.0//EN\r\n",
        "N:李;娜;;;\r\n",
        "FN:李娜\r\n",
        "ORG:杭州云帆网络科技有限公司;渠道部\r\n",
        "TITLE:渠道总监\r\n",
        "item1.TEL;type=pref:+86 571 8888 0000\r\n",
        "TEL;type=CELL;type=VOICE:+86 139-0571-1234\r\n",
        "item2.EMAIL;type=INTERNET;type=pref:li.na@yunfan-\r\n",
        " network.cn\r\n",
        "ADR;type=WORK:;;文三路 90 号;杭州;浙江省;310012;中国\r\n",
        "URL:https://www.yunfan.cn\r\n",
        "NOTE:展会认识\\, 对安防感兴趣\r\n",
        "END:VCARD\r\n",
    ));
    assert_eq!(c.name, "李娜");
    assert_eq!(c.company, "杭州云帆网络科技有限公司");
    assert_eq!(c.title, "渠道总监");
    // The cell number wins over the preferred office line.
    assert_eq!(c.mobile, "+86 139-0571-1234");
    assert_eq!(c.email, "li.na@yunfan-network.cn");
    assert_eq!(c.address, "中国310012浙江省杭州文三路 90 号");
    assert_eq!(c.website, "https://www.yunfan.cn");
}

#[test]
fn vcard_4_0_and_several_cards_in_one_file() {
    let all = cards::parse(concat!(
        "BEGIN:VCARD\nVERSION:4.0\nFN:Ada Smith\nN:Smith;Ada;;;\nORG:Acme Ltd.\n",
        "TEL;VALUE=uri;TYPE=cell:tel:+44-7700-900123\nEMAIL:ada@acme.example\nEND:VCARD\n",
        "BEGIN:VCARD\nVERSION:3.0\nN:Zhang;Wei;;;\nORG:Beijing Soft\nEND:VCARD\n",
    ))
    .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!((all[0].name.as_str(), all[0].mobile.as_str()), ("Ada Smith", "+44-7700-900123"));
    // Without FN the N parts give the name, given name first for Latin script.
    assert_eq!((all[1].name.as_str(), all[1].company.as_str()), ("Wei Zhang", "Beijing Soft"));
}

#[test]
fn vcard_2_1_in_gb18030_from_an_older_phone() {
    // "张三" and "广州" in GB18030, quoted-printable.
    let c = one(concat!(
        "BEGIN:VCARD\r\nVERSION:2.1\r\n",
        "FN;CHARSET=GB18030;ENCODING=QUOTED-PRINTABLE:=D5=C5=C8=FD\r\n",
        "ORG;CHARSET=GB18030;ENCODING=QUOTED-PRINTABLE:=B9=E3=D6=DD\r\n",
        "TEL;CELL:13500001111\r\nEND:VCARD\r\n",
    ));
    assert_eq!((c.name.as_str(), c.company.as_str(), c.mobile.as_str()), ("张三", "广州", "13500001111"));
}

#[test]
fn mecard_and_vcard_as_a_scanner_types_them() {
    let c = one(
        "MECARD:N:陈,晓东;ORG:成都蓝海信息;TEL:13688889999;EMAIL:chenxd@lanhai.cn;URL:http://lanhai.cn;;",
    );
    assert_eq!(c.name, "陈晓东");
    assert_eq!(
        (c.company.as_str(), c.mobile.as_str(), c.email.as_str()),
        ("成都蓝海信息", "13688889999", "chenxd@lanhai.cn")
    );
    let c = one("mecard:N:Doe,John;TEL:+1 555 0100;NOTE:met at booth\\; asked for prices;;");
    assert_eq!((c.name.as_str(), c.mobile.as_str()), ("John Doe", "+1 555 0100"));
    // A keyboard-wedge scanner typing CR line ends, with leading blanks.
    let c = one("  BEGIN:VCARD\rVERSION:3.0\rFN:周杰\rTEL:13012345678\rEND:VCARD\r");
    assert_eq!((c.name.as_str(), c.mobile.as_str()), ("周杰", "13012345678"));
}

#[test]
fn unreadable_text_is_refused_by_field() {
    for text in ["", "hello there", "BEGIN:VCARD\nVERSION:3.0\nEND:VCARD\n", "MECARD:;;"] {
        let e = cards::parse(text).unwrap_err();
        let channeldesk::Error::Validation(f) = e else { panic!("{text}") };
        assert_eq!((f[0].field.as_str(), f[0].rule.as_str()), ("card", "unreadable"), "{text:?}");
    }
}
