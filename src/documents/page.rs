//! A page being written: text at positions measured from the top-left in millimetres,
//! paragraphs wrapped to a width with Chinese line-breaking rules, filled rectangles.
//!
//! Widths are estimated (a CJK character is one em, other characters about half), which is
//! enough for single-page documents laid out with margins to spare.

use printpdf::{Color, FontId, Mm, Op, PaintMode, PdfFontHandle, Point, Pt, Rect, Rgb, TextItem};

/// A4 portrait.
pub const A4: (f32, f32) = (210.0, 297.0);

/// Characters that may not start a line (Chinese punctuation rules, GB/T 15834).
const NO_LINE_START: &str = "，。、；：？！）》」』】〕”’…—,.;:?!)]}%";
/// Characters that may not end a line.
const NO_LINE_END: &str = "（《「『【〔“‘([{";

fn is_wide(c: char) -> bool {
    (c as u32) >= 0x2E80
}

/// Estimated width of `text` at `size` points, in millimetres.
pub fn text_width_mm(text: &str, size: f32) -> f32 {
    let ems: f32 = text.chars().map(|c| if is_wide(c) { 1.0 } else { 0.56 }).sum();
    ems * size * 25.4 / 72.0
}

/// Splits `text` into lines no wider than `width_mm` at `size` with estimated widths.
pub fn wrap(text: &str, width_mm: f32, size: f32) -> Vec<String> {
    wrap_with(text, width_mm, |s| text_width_mm(s, size))
}

/// Splits `text` into lines no wider than `width_mm` as measured by `measure`: breaks
/// between CJK characters or at spaces, never before closing punctuation nor after opening
/// punctuation, and at every `\n`. A run without a break opportunity wider than the line
/// (a long number, a web address) is cut where it must be.
pub fn wrap_with(text: &str, width_mm: f32, measure: impl Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for u in units(para) {
            let candidate = format!("{line}{u}");
            if measure(candidate.trim_end()) <= width_mm
                || line.trim().is_empty() && measure(u.trim()) <= width_mm
            {
                line = candidate;
                continue;
            }
            if !line.trim().is_empty() {
                lines.push(line.trim_end().to_string());
            }
            line = u.trim_start().to_string();
            // Too wide on its own: cut it character by character.
            while measure(&line) > width_mm && line.chars().count() > 1 {
                let mut head = String::new();
                for c in line.chars() {
                    let next = format!("{head}{c}");
                    if !head.is_empty() && measure(&next) > width_mm {
                        break;
                    }
                    head = next;
                }
                line = line[head.len()..].to_string();
                lines.push(head);
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// The pieces of one line of text that must stay together: a run of non-wide, non-space
/// characters (a Latin word, a number, an order number such as `SO-2026-AQ-000/2`, an amount such
/// as `¥1,760.00`), or one wide character with any closing punctuation after it and opening
/// punctuation before it; a space is a piece of its own. Concatenated they give the line back.
pub fn units(para: &str) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    for c in para.chars() {
        let glue = NO_LINE_START.contains(c)
            || units.last().and_then(|u| u.chars().last()).is_some_and(|l| NO_LINE_END.contains(l))
            || (!is_wide(c)
                && c != ' '
                && units.last().is_some_and(|u| u.chars().all(|x| !is_wide(x) && x != ' ')));
        match units.last_mut() {
            Some(u) if glue => u.push(c),
            _ => units.push(c.to_string()),
        }
    }
    units
}

/// The operations of one page.
pub struct Page {
    pub ops: Vec<Op>,
    font: FontId,
    height: f32,
}

impl Page {
    pub fn new(font: FontId) -> Self {
        Page { ops: Vec::new(), font, height: A4.1 }
    }

    fn point(&self, x: f32, y_from_top: f32) -> Point {
        Point { x: Mm(x).into_pt(), y: Mm(self.height - y_from_top).into_pt() }
    }

    /// One line of text whose baseline is `y` mm from the top.
    pub fn text(&mut self, x: f32, y: f32, size: f32, grey: f32, text: &str) {
        let pos = self.point(x, y);
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: grey_color(grey) },
            Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(size) },
            Op::SetTextCursor { pos },
            Op::ShowText { items: vec![TextItem::Text(text.to_string())] },
            Op::EndTextSection,
        ]);
    }

    /// A wrapped paragraph starting at baseline `y`; returns the baseline after it.
    pub fn paragraph(&mut self, x: f32, y: f32, width: f32, size: f32, text: &str) -> f32 {
        let leading = size * 1.55 * 25.4 / 72.0;
        let mut y = y;
        for line in wrap(text, width, size) {
            self.text(x, y, size, 0.1, &line);
            y += leading;
        }
        y
    }

    /// A filled rectangle with its top-left corner at (`x`, `y`) mm.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, grey: f32) {
        self.ops.push(Op::SetFillColor { col: grey_color(grey) });
        self.rect(x, y, w, h, PaintMode::Fill);
    }

    /// A rectangle outline.
    pub fn stroke_rect(&mut self, x: f32, y: f32, w: f32, h: f32) {
        self.ops.push(Op::SetOutlineColor { col: grey_color(0.3) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(0.8) });
        self.rect(x, y, w, h, PaintMode::Stroke);
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, mode: PaintMode) {
        let bottom_left = self.point(x, y + h);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: bottom_left.x,
                y: bottom_left.y,
                width: Mm(w).into_pt(),
                height: Mm(h).into_pt(),
                mode: Some(mode),
                winding_order: None,
            },
        });
    }
}

fn grey_color(g: f32) -> Color {
    Color::Rgb(Rgb { r: g, g, b: g, icc_profile: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_chinese_without_punctuation_at_line_start() {
        let text = "请将本页打印后存放在安全的地方，不要拍照或通过网络发送。";
        let lines = wrap(text, text_width_mm("请将本页打印后存放在安全", 10.0) + 0.1, 10.0);
        assert_eq!(lines[0], "请将本页打印后存放在安全");
        // "的地方，" stays together: the comma never starts a line.
        for l in &lines {
            assert!(!l.starts_with('，') && !l.starts_with('。'), "{lines:?}");
        }
        assert_eq!(lines.concat(), text);
        let bracket = wrap("甲乙丙（丁戊）", text_width_mm("甲乙丙（", 10.0) + 0.1, 10.0);
        assert_eq!(bracket, vec!["甲乙丙", "（丁戊）"], "an opening bracket goes with what follows");
    }

    #[test]
    fn wraps_latin_at_spaces() {
        let lines = wrap("Keep this page somewhere safe, like a locked drawer.", 40.0, 10.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
        assert_eq!(lines.join(" "), "Keep this page somewhere safe, like a locked drawer.");
    }
}
