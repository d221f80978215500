//! The flow engine for multi-page documents (agreements, reports): blocks of text, numbered
//! clauses, field lists, tables and keep-together groups are measured with the real glyph
//! advances of the embedded font, broken into A4 pages, and drawn with a running header and a
//! footer carrying the document number, "第 i 页 / 共 n 页" and the fingerprint.
//!
//! Invariants: line breaks follow the Chinese punctuation rules of [`super::page::wrap_with`]
//! (no closing punctuation at a line start, no opening punctuation at a line end); a table
//! row never splits and the header row is repeated on every page the table reaches; a
//! [`Block::Keep`] group (signature blocks) is never split when it fits a page; a heading
//! never ends a page. Output depends only on the blocks, the frame and the font: no clock,
//! no random ids (see [`save_deterministic`]).

use super::fonts::Face;
use super::page::{units, wrap_with};
use crate::error::{Error, Result};
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt,
    Rgb, TextItem, TextMatrix,
};

/// A4 portrait, millimetres.
pub const PAGE: (f32, f32) = (210.0, 297.0);
/// Print-ready margins: top, right, bottom, left (binding side wider).
pub const MARGIN: (f32, f32, f32, f32) = (25.0, 20.0, 22.0, 25.0);
/// Body text size, points.
pub const BODY: f32 = 10.5;
const LEADING: f32 = 1.6;

const MM_PER_PT: f32 = 25.4 / 72.0;

/// The label of a [`Block::Columns`] pair that leaves [`SEAL_MM`] square free for a company
/// seal (light corner marks show where), covering no text or line.
pub const SEAL: &str = "\u{1}seal";
/// The side of the free space for a seal (round company seals are 40–42 mm across).
pub const SEAL_MM: f32 = 46.0;
/// The shortest line left to write on beside a label; a longer label puts it below.
const WRITE_LINE_MM: f32 = 30.0;

/// A piece of a document, in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    /// The document title, centred, with an optional line under it.
    Title {
        text: String,
        sub: Option<String>,
    },
    /// A section heading; never the last thing on a page.
    Heading(String),
    /// Body text; `\n` starts a new paragraph.
    Paragraph(String),
    /// Small grey text (notes, legends).
    Note(String),
    /// A numbered clause: "第一条 标题" and its body.
    Clause {
        number: String,
        title: String,
        body: String,
    },
    /// Label / value pairs in two columns.
    Fields(Vec<(String, String)>),
    Table(Table),
    /// Blocks kept on one page (signature blocks).
    Keep(Vec<Block>),
    /// Side-by-side columns of label / value pairs (the two parties' signatures), kept together.
    /// A pair with an empty value is a line to write on (below its label when the label leaves
    /// too little of the column); a pair labelled [`SEAL`] is the free space for a seal.
    Columns(Vec<Vec<(String, String)>>),
    Space(f32),
    /// Centred display text at `size` points (certificates).
    Display {
        text: String,
        size: f32,
    },
    /// A horizontal bar chart drawn with vector rectangles: label, share of the track (0–1) and
    /// the value written after the bar, over a scale of 0–100 with light grid lines and the
    /// axis's `axis` label below; kept on one page. A row's bar is filled with its colour in
    /// `fills` (dark grey where there is none).
    Bars {
        rows: Vec<(String, f32, String)>,
        axis: String,
        fills: Vec<[f32; 3]>,
    },
    /// A horizontal bar chart on a scale of its own (the dashboard's cards): each row's bar, a
    /// black mark at its target where it has one, and its figure in words at the right;
    /// `ticks` are the scale's marks (share of the track, label). Legible in greyscale: the
    /// bars are grey, the targets black lines, every figure written out.
    Chart(BarChart),
    /// A square badge (the evaluation class) in `fill` with `text` in `ink`, and `caption`
    /// lines beside it.
    Badge {
        text: String,
        caption: Vec<String>,
        fill: [f32; 3],
        ink: [f32; 3],
    },
}

/// A table with wrapped cells, its columns as wide as their content needs (see
/// `column_widths`); numeric columns are right-aligned.
#[derive(Debug, Clone)]
pub struct Table {
    pub header: Vec<String>,
    /// Relative shares of the room left over once every cell fits on one line.
    pub widths: Vec<f32>,
    pub rows: Vec<Vec<String>>,
}

/// A row of a [`Block::Chart`]: its label, value and target as shares of the scale (0–1),
/// and its figure in words.
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    pub label: String,
    pub value: f32,
    pub target: Option<f32>,
    pub text: String,
}

/// See [`Block::Chart`].
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub rows: Vec<BarRow>,
    pub ticks: Vec<(f32, String)>,
    pub axis: String,
}

/// Where a bar chart's scale is drawn: the label column's width, the track's length, the
/// height of the bars above the axis; the grid's grey, the ticks' type size and the offsets
/// below the axis of the tick labels and of the axis label.
struct Scale {
    label_w: f32,
    track: f32,
    top: f32,
    grid: f32,
    size: f32,
    tick_dy: f32,
    axis_dy: f32,
}

/// What every page carries besides the body.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// PDF title (document information).
    pub title: String,
    /// Running header, left.
    pub header: String,
    /// Document number, footer left.
    pub number: String,
    /// Full SHA-256 (hex); the first 16 digits are printed on every page.
    pub fingerprint: String,
    /// Diagonal watermark across each page (草稿 DRAFT).
    pub watermark: Option<String>,
    /// Boxed mark on the top right of each page (副本 COPY 2/3).
    pub mark: Option<String>,
    /// Extra keywords for the document information.
    pub keywords: Vec<String>,
    /// A certificate: landscape A4 inside a double rule, with no running header and no page
    /// count (the number and fingerprint stay, small, at the foot).
    pub certificate: bool,
    /// The seam-seal guide (骑缝章) on the right edge of every page: a dashed half circle in the
    /// margin where one stamp across the fanned-out originals lands on no text.
    pub seam: bool,
    /// The date the document's content was made (`YYYY-MM-DD…`), written as its creation date;
    /// never the clock, so the bytes do not change from one print to the next.
    pub made_on: String,
    /// Who issues the document (our company, 甲方, where the document knows it): the PDF's
    /// Author. "ChannelDesk" when empty.
    pub author: String,
}

/// The marker put in the document information before the full fingerprint, so a file can be
/// matched to its record without reading its pages.
pub const FINGERPRINT_MARK: &str = "channeldesk-fingerprint:";

/// The fingerprint as printed: the first 16 hex digits in groups of four.
pub fn short_fingerprint(hex: &str) -> String {
    hex.chars()
        .take(16)
        .collect::<Vec<_>>()
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Debug, Clone)]
enum Draw {
    /// Text in a bold face (titles, headings, clause headings): the CJK face's outlines
    /// filled and stroked with a hairline of its own colour (a synthetic bold, since the
    /// system's CJK fonts are found one weight at a time).
    Bold {
        x: f32,
        dy: f32,
        size: f32,
        grey: f32,
        text: String,
    },
    /// `spacing`: extra points at each stretchable gap ([`stretches`]) of a justified line,
    /// usually 0.
    Text {
        x: f32,
        dy: f32,
        size: f32,
        grey: f32,
        text: String,
        spacing: f32,
    },
    Fill {
        x: f32,
        dy: f32,
        w: f32,
        h: f32,
        grey: f32,
    },
    Rule {
        x1: f32,
        dy1: f32,
        x2: f32,
        dy2: f32,
        width: f32,
        grey: f32,
    },
    /// A rectangle filled with a colour.
    Tint {
        x: f32,
        dy: f32,
        w: f32,
        h: f32,
        rgb: [f32; 3],
    },
    /// A filled square of `side` mm with `text` bold and centred in it.
    Badge {
        x: f32,
        dy: f32,
        side: f32,
        fill: [f32; 3],
        ink: [f32; 3],
        text: String,
    },
}

/// Something placed whole on a page.
#[derive(Debug, Clone)]
struct Piece {
    height: f32,
    draws: Vec<Draw>,
    /// Must share a page with the next piece.
    keep_with_next: bool,
    /// Index (in the piece list) of a table header to draw first when this piece opens a page.
    repeat: Option<usize>,
}

/// Lays the pieces out; widths measured with `face`.
struct Composer<'a> {
    face: &'a Face,
    width: f32,
    pieces: Vec<Piece>,
}

fn leading(size: f32) -> f32 {
    size * LEADING * MM_PER_PT
}

impl<'a> Composer<'a> {
    fn lines(&self, text: &str, width: f32, size: f32) -> Vec<String> {
        wrap_with(text, width, |s| self.face.width_mm(s, size))
    }

    fn push(&mut self, height: f32, draws: Vec<Draw>, keep_with_next: bool) {
        self.pieces.push(Piece { height, draws, keep_with_next, repeat: None });
    }

    /// Lines of a paragraph as pieces (two-line groups at the start and end so that no page
    /// begins or ends with a single line of it).
    fn paragraph(&mut self, text: &str, x: f32, size: f32, grey: f32, first_keep: bool) {
        let lh = leading(size);
        for para in text.split('\n') {
            let lines = self.lines(para, self.width - x, size);
            let n = lines.len();
            let avail = self.width - x;
            for (i, line) in lines.into_iter().enumerate() {
                let keep = (i == 0 && first_keep) || (n >= 3 && (i == 0 || i + 2 == n)) || (n == 2 && i == 0);
                // Justified: every line but a paragraph's last fills the measure, the extra
                // space spread between CJK characters and at word spaces (as Chinese text is
                // set), never inside a Latin word or number (issue 24).
                let gaps = stretches(&line).filter(|s| *s).count();
                let gap = avail - self.face.width_mm(&line, size);
                let spacing = if i + 1 < n && gaps > 0 && gap > 0.0 && gap < avail * 0.12 {
                    gap / gaps as f32 / MM_PER_PT
                } else {
                    0.0
                };
                self.push(lh, vec![Draw::Text { x, dy: lh * 0.78, size, grey, text: line, spacing }], keep);
            }
            if let Some(last) = self.pieces.last_mut() {
                last.height += lh * 0.25;
            }
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Title { text, sub } => {
                let size = 18.0;
                for line in self.lines(text, self.width, size) {
                    let x = (self.width - self.face.width_mm(&line, size)) / 2.0;
                    self.push(
                        leading(size),
                        vec![Draw::Bold { x, dy: leading(size) * 0.8, size, grey: 0.0, text: line }],
                        true,
                    );
                }
                if let Some(sub) = sub {
                    let size = 10.0;
                    let x = (self.width - self.face.width_mm(sub, size)).max(0.0) / 2.0;
                    self.push(
                        leading(size) + 4.0,
                        vec![Draw::Text {
                            x,
                            dy: leading(size) * 0.8,
                            size,
                            grey: 0.35,
                            text: sub.clone(),
                            spacing: 0.0,
                        }],
                        false,
                    );
                }
            }
            Block::Heading(text) => {
                let size = 12.5;
                let lh = leading(size);
                let lines = self.lines(text, self.width, size);
                for line in lines {
                    self.push(
                        lh,
                        vec![Draw::Bold { x: 0.0, dy: lh * 0.85, size, grey: 0.05, text: line }],
                        true,
                    );
                }
                if let Some(last) = self.pieces.last_mut() {
                    last.height += 1.5;
                }
            }
            Block::Paragraph(text) => self.paragraph(text, 0.0, BODY, 0.08, false),
            Block::Note(text) => self.paragraph(text, 0.0, 8.5, 0.4, false),
            Block::Clause { number, title, body } => {
                let size = 11.0;
                let lh = leading(size);
                let head = format!("{number}  {title}");
                for line in self.lines(&head, self.width, size) {
                    self.push(
                        lh,
                        vec![Draw::Bold { x: 0.0, dy: lh * 0.85, size, grey: 0.0, text: line }],
                        true,
                    );
                }
                self.paragraph(body, 0.0, BODY, 0.08, true);
                if let Some(last) = self.pieces.last_mut() {
                    last.height += 1.5;
                }
            }
            Block::Fields(pairs) => {
                let label_w = 38.0;
                let lh = leading(BODY);
                for (label, value) in pairs {
                    let labels = self.lines(label, label_w - 2.0, BODY);
                    let values = self.lines(value, self.width - label_w, BODY);
                    let n = labels.len().max(values.len());
                    let mut draws = Vec::new();
                    for (i, l) in labels.into_iter().enumerate() {
                        draws.push(Draw::Text {
                            x: 0.0,
                            dy: lh * (i as f32 + 0.78),
                            size: BODY,
                            grey: 0.4,
                            text: l,
                            spacing: 0.0,
                        });
                    }
                    for (i, v) in values.into_iter().enumerate() {
                        draws.push(Draw::Text {
                            x: label_w,
                            dy: lh * (i as f32 + 0.78),
                            size: BODY,
                            grey: 0.05,
                            text: v,
                            spacing: 0.0,
                        });
                    }
                    self.push(lh * n as f32 + 0.8, draws, false);
                }
            }
            Block::Table(t) => self.table(t),
            Block::Keep(blocks) => {
                let start = self.pieces.len();
                for b in blocks {
                    self.block(b);
                }
                let end = self.pieces.len();
                if end > start {
                    for p in &mut self.pieces[start..end - 1] {
                        p.keep_with_next = true;
                    }
                }
            }
            Block::Columns(cols) => {
                // Row by row, each row as tall as its tallest column, so that the parties'
                // seal spaces, signature and date lines stand level.
                let n = cols.len().max(1) as f32;
                let col_w = self.width / n;
                let lh = leading(BODY);
                let mut draws = Vec::new();
                let mut y: f32 = 0.0;
                let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
                for r in 0..rows {
                    let mut row_h: f32 = 0.0;
                    for (c, pairs) in cols.iter().enumerate() {
                        let Some((label, value)) = pairs.get(r) else { continue };
                        let x0 = col_w * c as f32;
                        let mut dy = y;
                        if label == SEAL {
                            // Corner marks of the seal's square, 5 mm each way, light grey.
                            let (x1, y1, x2, y2) =
                                (x0 + 2.0, dy + 1.0, x0 + 2.0 + SEAL_MM, dy + 1.0 + SEAL_MM);
                            for (cx, cy, ex, ey) in [
                                (x1, y1, 5.0, 5.0),
                                (x2, y1, -5.0, 5.0),
                                (x1, y2, 5.0, -5.0),
                                (x2, y2, -5.0, -5.0),
                            ] {
                                for (tx, ty) in [(cx + ex, cy), (cx, cy + ey)] {
                                    draws.push(Draw::Rule {
                                        x1: cx,
                                        dy1: cy,
                                        x2: tx,
                                        dy2: ty,
                                        width: 0.3,
                                        grey: 0.75,
                                    });
                                }
                            }
                            row_h = row_h.max(SEAL_MM + 3.0);
                            continue;
                        }
                        let text = if value.is_empty() {
                            format!("{label}：")
                        } else {
                            format!("{label}：{value}")
                        };
                        for line in self.lines(&text, col_w - 6.0, BODY) {
                            draws.push(Draw::Text {
                                x: x0,
                                dy: dy + lh * 0.78,
                                size: BODY,
                                grey: 0.05,
                                text: line,
                                spacing: 0.0,
                            });
                            dy += lh;
                        }
                        if value.is_empty() {
                            // A line to sign or write on: beside the label, or below it.
                            let mut label_w = self.face.width_mm(&format!("{label}："), BODY);
                            if col_w - 8.0 - label_w < WRITE_LINE_MM {
                                label_w = 0.0;
                                dy += lh * 1.6;
                            }
                            draws.push(Draw::Rule {
                                x1: x0 + label_w,
                                dy1: dy - lh * 0.15,
                                x2: x0 + col_w - 8.0,
                                dy2: dy - lh * 0.15,
                                width: 0.4,
                                grey: 0.3,
                            });
                        }
                        row_h = row_h.max(dy + lh * 0.9 - y);
                    }
                    y += row_h;
                }
                self.push(y, draws, false);
            }
            Block::Space(mm) => self.push(*mm, Vec::new(), false),
            Block::Display { text, size } => {
                let size = *size;
                for line in self.lines(text, self.width, size) {
                    let x = (self.width - self.face.width_mm(&line, size)).max(0.0) / 2.0;
                    let lh = leading(size);
                    self.push(
                        lh,
                        vec![Draw::Text { x, dy: lh * 0.8, size, grey: 0.05, text: line, spacing: 0.0 }],
                        true,
                    );
                }
            }
            Block::Bars { rows, axis, fills } => {
                let label_w = 42.0;
                let value_w = 22.0;
                let track = self.width - label_w - value_w;
                let row_h = 7.5;
                let top = row_h * rows.len() as f32;
                let mut draws = Vec::new();
                for i in 0..rows.len() {
                    let y = row_h * i as f32;
                    draws.push(Draw::Fill { x: label_w, dy: y + 1.2, w: track, h: 4.8, grey: 0.94 });
                }
                // The scale: grid lines at every 20, ticks and their numbers under the axis.
                let ticks: Vec<(f32, String)> =
                    (0..=5).map(|k| (k as f32 / 5.0, (k * 20).to_string())).collect();
                let scale = Scale { label_w, track, top, grid: 0.75, size: 7.5, tick_dy: 5.0, axis_dy: 9.5 };
                self.scale(&mut draws, &scale, &ticks, axis);
                for (i, (label, share, value)) in rows.iter().enumerate() {
                    let y = row_h * i as f32;
                    draws.push(Draw::Text {
                        x: 0.0,
                        dy: y + 5.0,
                        size: 9.5,
                        grey: 0.15,
                        text: label.clone(),
                        spacing: 0.0,
                    });
                    let w = track * share.clamp(0.0, 1.0);
                    if w > 0.0 {
                        let rgb = fills.get(i).copied().unwrap_or([0.35; 3]);
                        draws.push(Draw::Tint { x: label_w, dy: y + 1.2, w, h: 4.8, rgb });
                    }
                    draws.push(Draw::Text {
                        x: label_w + track + 3.0,
                        dy: y + 5.0,
                        size: 9.5,
                        grey: 0.1,
                        text: value.clone(),
                        spacing: 0.0,
                    });
                }
                self.push(top + 13.0, draws, false);
            }
            Block::Chart(c) => {
                let size = 8.5;
                let label_w = c
                    .rows
                    .iter()
                    .map(|r| self.face.width_mm(&r.label, size))
                    .fold(14.0f32, f32::max)
                    .min(44.0)
                    + 3.0;
                let value_w = c
                    .rows
                    .iter()
                    .map(|r| self.face.width_mm(&r.text, size))
                    .fold(16.0f32, f32::max)
                    .min(70.0)
                    + 3.0;
                let track = self.width - label_w - value_w;
                let row_h = 6.5;
                let top = row_h * c.rows.len() as f32;
                let mut draws = Vec::new();
                let scale = Scale { label_w, track, top, grid: 0.8, size: 7.0, tick_dy: 4.8, axis_dy: 9.0 };
                self.scale(&mut draws, &scale, &c.ticks, &c.axis);
                for (i, r) in c.rows.iter().enumerate() {
                    let y = row_h * i as f32;
                    let label =
                        self.lines(&r.label, label_w - 3.0, size).into_iter().next().unwrap_or_default();
                    draws.push(Draw::Text {
                        x: 0.0,
                        dy: y + 4.3,
                        size,
                        grey: 0.15,
                        text: label,
                        spacing: 0.0,
                    });
                    let w = track * r.value.clamp(0.0, 1.0);
                    if w > 0.0 {
                        draws.push(Draw::Fill { x: label_w, dy: y + 1.2, w, h: 4.2, grey: 0.55 });
                    }
                    if let Some(t) = r.target {
                        let x = label_w + track * t.clamp(0.0, 1.0);
                        draws.push(Draw::Rule {
                            x1: x,
                            dy1: y + 0.4,
                            x2: x,
                            dy2: y + 6.2,
                            width: 0.9,
                            grey: 0.0,
                        });
                    }
                    let tw = self.face.width_mm(&r.text, size);
                    draws.push(Draw::Text {
                        x: self.width - tw,
                        dy: y + 4.3,
                        size,
                        grey: 0.1,
                        text: r.text.clone(),
                        spacing: 0.0,
                    });
                }
                self.push(top + 12.0, draws, false);
            }
            Block::Badge { text, caption, fill, ink } => {
                let side = 20.0;
                let mut draws =
                    vec![Draw::Badge { x: 0.0, dy: 0.0, side, fill: *fill, ink: *ink, text: text.clone() }];
                let size = 11.0;
                let lh = leading(size);
                let y0 = (side - lh * caption.len() as f32) / 2.0;
                for (i, line) in caption.iter().enumerate() {
                    let dy = y0 + lh * (i as f32 + 0.78);
                    draws.push(if i == 0 {
                        Draw::Bold { x: side + 6.0, dy, size, grey: 0.05, text: line.clone() }
                    } else {
                        Draw::Text {
                            x: side + 6.0,
                            dy,
                            size: size - 1.0,
                            grey: 0.25,
                            text: line.clone(),
                            spacing: 0.0,
                        }
                    });
                }
                self.push(side + 4.0, draws, false);
            }
        }
    }

    /// A bar chart's scale: a grid line and a tick at each of `ticks` (share of the track,
    /// label), the axis line, and the axis's label centred below.
    fn scale(&self, draws: &mut Vec<Draw>, s: &Scale, ticks: &[(f32, String)], axis: &str) {
        let (label_w, track, top) = (s.label_w, s.track, s.top);
        for (share, label) in ticks {
            let x = label_w + track * share;
            draws.push(Draw::Rule { x1: x, dy1: 0.5, x2: x, dy2: top + 0.5, width: 0.25, grey: s.grid });
            draws.push(Draw::Rule { x1: x, dy1: top + 0.5, x2: x, dy2: top + 1.8, width: 0.4, grey: 0.3 });
            let w = self.face.width_mm(label, s.size);
            draws.push(Draw::Text {
                x: (x - w / 2.0).min(label_w + track - w + 4.0),
                dy: top + s.tick_dy,
                size: s.size,
                grey: 0.3,
                text: label.clone(),
                spacing: 0.0,
            });
        }
        draws.push(Draw::Rule {
            x1: label_w,
            dy1: top + 0.5,
            x2: label_w + track,
            dy2: top + 0.5,
            width: 0.4,
            grey: 0.3,
        });
        let w = self.face.width_mm(axis, 8.0);
        draws.push(Draw::Text {
            x: label_w + (track - w) / 2.0,
            dy: top + s.axis_dy,
            size: 8.0,
            grey: 0.3,
            text: axis.to_string(),
            spacing: 0.0,
        });
    }

    fn table(&mut self, t: &Table) {
        let size = 9.5;
        let lh = leading(size);
        let pad = 1.6;
        let widths = column_widths(t, self.width, 2.0 * pad, |s| self.face.width_mm(s, size));
        let right: Vec<bool> = (0..t.header.len()).map(|j| is_numeric_column(&t.rows, j)).collect();
        let row = |c: &Composer, cells: &[String], header: bool| -> Piece {
            let wrapped: Vec<Vec<String>> =
                cells.iter().zip(&widths).map(|(text, w)| c.lines(text, w - 2.0 * pad, size)).collect();
            let n = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
            let h = lh * n as f32 + 2.0 * pad;
            let mut draws = Vec::new();
            if header {
                draws.push(Draw::Fill { x: 0.0, dy: 0.0, w: c.width, h, grey: 0.9 });
            }
            let mut x = 0.0;
            for (j, (lines, w)) in wrapped.into_iter().zip(&widths).enumerate() {
                for (i, l) in lines.into_iter().enumerate() {
                    // Numbers stand right-aligned so that their digits line up (issue 24).
                    let at = if right.get(j).copied().unwrap_or(false) {
                        x + w - pad - c.face.width_mm(&l, size)
                    } else {
                        x + pad
                    };
                    draws.push(Draw::Text {
                        x: at,
                        dy: pad + lh * (i as f32 + 0.78),
                        size,
                        grey: if header { 0.0 } else { 0.08 },
                        text: l,
                        spacing: 0.0,
                    });
                }
                x += w;
            }
            // Cell borders: the bottom and every vertical line; the top for the header.
            let g = 0.55;
            if header {
                draws.push(Draw::Rule { x1: 0.0, dy1: 0.0, x2: c.width, dy2: 0.0, width: 0.5, grey: g });
            }
            draws.push(Draw::Rule { x1: 0.0, dy1: h, x2: c.width, dy2: h, width: 0.5, grey: g });
            let mut x = 0.0;
            draws.push(Draw::Rule { x1: 0.0, dy1: 0.0, x2: 0.0, dy2: h, width: 0.5, grey: g });
            for w in &widths {
                x += w;
                draws.push(Draw::Rule { x1: x, dy1: 0.0, x2: x, dy2: h, width: 0.5, grey: g });
            }
            Piece { height: h, draws, keep_with_next: header, repeat: None }
        };
        let header = row(self, &t.header, true);
        let header_at = self.pieces.len();
        self.pieces.push(header);
        for cells in &t.rows {
            let mut p = row(self, cells, false);
            p.repeat = Some(header_at);
            self.pieces.push(p);
        }
        if let Some(last) = self.pieces.last_mut() {
            last.height += 3.0;
        }
    }
}

/// The widest piece of `text` that may not be broken ([`units`]), as measured.
fn widest_unit(text: &str, measure: &impl Fn(&str) -> f32) -> f32 {
    text.split('\n').flat_map(units).map(|u| measure(u.trim())).fold(0.0, f32::max)
}

/// A cell line at most this wide (mm; about six CJK characters in a table) is kept on one line
/// when the table has the room.
const SHORT_LINE_MM: f32 = 21.0;

/// Column widths (mm, summing to `width`) from the cells' content, as a browser lays out an
/// automatic table: a column is never narrower than its widest unbreakable piece (an order
/// number, an amount, a Latin word) nor than its header when the header is short, so no
/// such token is split; where the table allows, short cell lines (up to [`SHORT_LINE_MM`]:
/// 线下活动, 已达成) stay whole too; the rest of the width goes first to the columns whose
/// text would wrap, and when every cell fits on one line, the space left over is shared by the
/// table's relative `widths`. Only when even the unbreakable pieces do not fit are they shared
/// out (and cut).
fn column_widths(t: &Table, width: f32, padding: f32, measure: impl Fn(&str) -> f32) -> Vec<f32> {
    let n = t.header.len().max(1);
    let mut hard = vec![padding; n];
    let mut soft = vec![padding; n];
    let mut max = vec![padding; n];
    let cells = std::iter::once(&t.header).chain(&t.rows);
    for (r, row) in cells.enumerate() {
        for (j, text) in row.iter().enumerate().take(n) {
            // A header of up to six characters is one piece: never 项/目 stacked.
            let piece =
                if r == 0 && text.chars().count() <= 6 { measure(text) } else { widest_unit(text, &measure) };
            let lines: Vec<f32> = text.split('\n').map(&measure).collect();
            let line = lines.iter().copied().fold(0.0, f32::max);
            let short = lines.iter().copied().filter(|w| *w <= SHORT_LINE_MM).fold(0.0, f32::max);
            hard[j] = hard[j].max(piece.min(width * 0.5) + padding);
            soft[j] = soft[j].max(hard[j]).max(short + padding);
            max[j] = max[j].max(line + padding);
        }
    }
    let mut min = if soft.iter().sum::<f32>() <= width { soft } else { hard };
    for j in 0..n {
        max[j] = max[j].max(min[j]);
        min[j] = min[j].min(max[j]);
    }
    let (sum_min, sum_max) = (min.iter().sum::<f32>(), max.iter().sum::<f32>());
    if sum_max <= width {
        let hints: Vec<f32> = (0..n).map(|j| t.widths.get(j).copied().unwrap_or(1.0).max(0.0)).collect();
        let total = hints.iter().sum::<f32>().max(f32::EPSILON);
        return (0..n).map(|j| max[j] + (width - sum_max) * hints[j] / total).collect();
    }
    if sum_min <= width {
        let wrap = (sum_max - sum_min).max(f32::EPSILON);
        return (0..n).map(|j| min[j] + (width - sum_min) * (max[j] - min[j]) / wrap).collect();
    }
    min.iter().map(|m| width * m / sum_min).collect()
}

/// Whether every filled body cell of column `j` is a number or an amount (digits with
/// separators, a sign, a currency symbol or a percent sign): such a column is right-aligned.
fn is_numeric_column(rows: &[Vec<String>], j: usize) -> bool {
    let mut any = false;
    for row in rows {
        let cell = row.get(j).map(|c| c.trim()).unwrap_or_default();
        if cell.is_empty() || cell == "—" || cell == "-" {
            continue;
        }
        let core = cell
            .trim_start_matches(['-', '+', '−'])
            .trim_start_matches("US$")
            .trim_start_matches(['¥', '€', '$'])
            .trim_end_matches('%');
        if core.is_empty()
            || !core.chars().next().is_some_and(|c| c.is_ascii_digit())
            || !core.chars().all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        {
            return false;
        }
        any = true;
    }
    any
}

/// Breaks `pieces` into pages of absolute draws (y from the top of the body area).
fn paginate(pieces: &[Piece], body_height: f32) -> Vec<Vec<(f32, Draw)>> {
    let mut pages: Vec<Vec<(f32, Draw)>> = vec![Vec::new()];
    let mut y = 0.0f32;
    let mut i = 0;
    while i < pieces.len() {
        // The group that must stay together starting at i.
        let mut end = i;
        let mut group_h = pieces[i].height;
        while pieces[end].keep_with_next
            && end + 1 < pieces.len()
            && group_h + pieces[end + 1].height <= body_height
        {
            end += 1;
            group_h += pieces[end].height;
        }
        if y > 0.0 && y + group_h > body_height + 0.01 {
            pages.push(Vec::new());
            y = 0.0;
        }
        for (k, p) in pieces.iter().enumerate().take(end + 1).skip(i) {
            if y > 0.0 && y + p.height > body_height + 0.01 {
                pages.push(Vec::new());
                y = 0.0;
            }
            if y == 0.0
                && let Some(h) = p.repeat
                && h + 1 != k
            {
                let page = pages.last_mut().expect("a page");
                page.extend(pieces[h].draws.iter().map(|d| (y, d.clone())));
                y += pieces[h].height;
            }
            let page = pages.last_mut().expect("a page");
            page.extend(p.draws.iter().map(|d| (y, d.clone())));
            y += p.height;
        }
        i = end + 1;
    }
    pages
}

/// Lays out and writes the document; PDF bytes, identical for identical input and font.
pub fn render(face: &Face, frame: &Frame, blocks: &[Block]) -> Result<Vec<u8>> {
    render_copies(face, std::slice::from_ref(frame), blocks)
}

/// The same blocks once per frame, one after the other in one file (numbered copies: each
/// with its own mark and its own page count). The document information is the first frame's.
pub fn render_copies(face: &Face, frames: &[Frame], blocks: &[Block]) -> Result<Vec<u8>> {
    let first = frames.first().ok_or_else(|| Error::Document("nothing to print".into()))?;
    let page = if first.certificate { (PAGE.1, PAGE.0) } else { PAGE };
    let width = page.0 - MARGIN.1 - MARGIN.3;
    let body_height = page.1 - MARGIN.0 - MARGIN.2;
    let mut c = Composer { face, width, pieces: Vec::new() };
    for b in blocks {
        c.block(b);
    }
    // A trailing keep flag would glue the last piece to nothing.
    if let Some(last) = c.pieces.last_mut() {
        last.keep_with_next = false;
    }
    let pages = paginate(&c.pieces, body_height);
    let total = pages.len();

    let mut doc = PdfDocument::new(&first.title);
    let font = FontId(subset_tag(&first.fingerprint));
    doc.resources.fonts.map.insert(font.clone(), printpdf::font::PdfFont::new(face.font.clone()));
    let mut keywords = vec![format!("{FINGERPRINT_MARK}{}", first.fingerprint)];
    keywords.extend(first.keywords.iter().cloned());
    doc.metadata.info.keywords = keywords;
    // The identifier is written as plain bytes (the other fields as UTF-16): found by
    // [`fingerprint_in`] without parsing the file.
    doc.metadata.info.identifier = format!("{FINGERPRINT_MARK}{}", first.fingerprint);
    doc.metadata.info.subject = first.number.clone();
    set_info(&mut doc, &first.author, &first.made_on)?;

    let mut out = Vec::with_capacity(total * frames.len());
    for frame in frames {
        for (n, draws) in pages.iter().enumerate() {
            let mut ops = Vec::new();
            let mut pen = Pen { ops: &mut ops, font: &font, face, page };
            if let Some(w) = &frame.watermark {
                pen.watermark(face, w);
            }
            if frame.certificate {
                pen.border();
            }
            pen.frame(face, frame, n + 1, total);
            if frame.seam {
                pen.seam(face);
            }
            for (y, d) in draws {
                pen.draw(MARGIN.3, MARGIN.0 + y, d);
            }
            out.push(PdfPage::new(Mm(page.0), Mm(page.1), ops));
        }
    }
    save_deterministic(doc.with_pages(out), &first.fingerprint)
}

/// Sets the document information every printed document carries (issue 24): Author (our
/// company, or "ChannelDesk"), Creator and Producer, and the creation date from the
/// document's own date `made_on` (`YYYY-MM-DD…`; never printpdf's default of 1970).
pub fn set_info(doc: &mut PdfDocument, author: &str, made_on: &str) -> Result<()> {
    doc.metadata.info.creator = "ChannelDesk".into();
    doc.metadata.info.producer = "ChannelDesk".into();
    doc.metadata.info.author =
        if author.trim().is_empty() { "ChannelDesk".into() } else { author.trim().to_string() };
    let t = chrono::NaiveDate::parse_from_str(made_on.get(..10).unwrap_or_default(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|d| printpdf::OffsetDateTime::from_unix_timestamp(d.and_utc().timestamp()).ok())
        .ok_or_else(|| Error::Document(format!("the document has no date: {made_on:?}")))?;
    doc.metadata.info.creation_date = t;
    doc.metadata.info.modification_date = t;
    doc.metadata.info.metadata_date = t;
    Ok(())
}

/// Blanks the empty PDF/X version printpdf writes (readers take it as a claim of PDF/X), in
/// place: same length, so no offset moves.
pub fn blank_pdfx(bytes: &mut [u8]) {
    let empty = b"/GTS_PDFXVersion()";
    while let Some(at) = find(bytes, empty) {
        bytes[at..at + empty.len()].fill(b' ');
    }
}

/// For each character of `line`, whether a justified line may widen the gap after it: between
/// CJK characters and at spaces, never between two letters, digits or signs of one Latin word
/// or number (`ChannelDesk`, `SO-2026-0001`, `¥1,760.00`), nor after the last character.
pub fn stretches(line: &str) -> impl Iterator<Item = bool> + '_ {
    let latin = |c: char| c.is_ascii_graphic() || matches!(c, '¥' | '€' | '£');
    let mut chars = line.chars().peekable();
    std::iter::from_fn(move || {
        let c = chars.next()?;
        Some(match chars.peek() {
            None => false,
            Some(&next) => c == ' ' || !(latin(c) && latin(next)),
        })
    })
}

/// The font's subset tag (six capital letters, as PDF readers expect before `+` in a subset
/// font's name), derived from the document's fingerprint so that the bytes stay the same.
fn subset_tag(fingerprint: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(fingerprint.as_bytes()).iter().take(6).map(|b| (b'A' + b % 26) as char).collect()
}

/// Saves with the trailer's random file identifiers replaced by ones derived from `seed`
/// (same length, so no offset moves): printpdf draws them at random.
pub fn save_deterministic(doc: &PdfDocument, seed: &str) -> Result<Vec<u8>> {
    let mut warnings = Vec::new();
    let mut bytes = doc.save(&PdfSaveOptions::default(), &mut warnings);
    let tail_from = bytes.len().saturating_sub(2048);
    let at = find(&bytes[tail_from..], b"/ID")
        .map(|i| i + tail_from)
        .ok_or_else(|| Error::Document("the PDF trailer has no file identifier".into()))?;
    let digest = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(seed.as_bytes()))
    };
    // Two literal strings of 32 characters follow: `(xxxx…)(yyyy…)`.
    let mut k = at;
    for part in 0..2 {
        let open = find(&bytes[k..], b"(")
            .map(|i| i + k)
            .ok_or_else(|| Error::Document("file identifier".into()))?;
        let close = find(&bytes[open..], b")")
            .map(|i| i + open)
            .ok_or_else(|| Error::Document("file identifier".into()))?;
        let id = &digest.as_bytes()[part * 32..part * 32 + 32];
        for (j, b) in bytes[open + 1..close].iter_mut().enumerate() {
            *b = id[j % id.len()];
        }
        k = close + 1;
    }
    blank_pdfx(&mut bytes);
    Ok(bytes)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The full fingerprint written in a PDF made here, if any.
pub fn fingerprint_in(pdf: &[u8]) -> Option<String> {
    let at = find(pdf, FINGERPRINT_MARK.as_bytes())? + FINGERPRINT_MARK.len();
    let hex: String = pdf[at..].iter().take(64).map(|&b| b as char).collect();
    (hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit())).then_some(hex)
}

struct Pen<'o> {
    ops: &'o mut Vec<Op>,
    font: &'o FontId,
    face: &'o Face,
    /// The page's width and height (mm).
    page: (f32, f32),
}

fn rgb(c: [f32; 3]) -> Color {
    Color::Rgb(Rgb { r: c[0], g: c[1], b: c[2], icc_profile: None })
}

fn grey(g: f32) -> Color {
    Color::Rgb(Rgb { r: g, g, b: g, icc_profile: None })
}

impl Pen<'_> {
    fn at(&self, x: f32, y_from_top: f32) -> Point {
        Point { x: Mm(x).into_pt(), y: Mm(self.page.1 - y_from_top).into_pt() }
    }

    fn text(&mut self, x: f32, y: f32, size: f32, g: f32, text: &str) {
        self.spaced_text(x, y, size, g, text, 0.0);
    }

    fn spaced_text(&mut self, x: f32, y: f32, size: f32, g: f32, text: &str, spacing: f32) {
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: grey(g) },
            Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(size) },
            Op::SetTextCursor { pos: self.at(x, y) },
        ]);
        // Extra space after a glyph, in the thousandths of an em a TJ array counts (negative:
        // to the right).
        let offset = -spacing / size * 1000.0;
        self.ops.push(Op::ShowText { items: vec![self.glyphs(text, offset)] });
        self.ops.push(Op::EndTextSection);
    }

    fn bold_text(&mut self, x: f32, y: f32, size: f32, g: f32, text: &str) {
        self.bold_coloured(x, y, size, grey(g), text);
    }

    fn bold_coloured(&mut self, x: f32, y: f32, size: f32, col: Color, text: &str) {
        use printpdf::TextRenderingMode;
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: col.clone() },
            Op::SetOutlineColor { col },
            Op::SetOutlineThickness { pt: Pt(size * 0.035) },
            Op::SetTextRenderingMode { mode: TextRenderingMode::FillStroke },
            Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(size) },
            Op::SetTextCursor { pos: self.at(x, y) },
            Op::ShowText { items: vec![self.glyphs(text, 0.0)] },
            Op::SetTextRenderingMode { mode: TextRenderingMode::Fill },
            Op::EndTextSection,
        ]);
    }

    /// `text` as glyph ids from the face's cache, each with its character for the text layer
    /// (printpdf would otherwise look every character up in the font twice while saving), and
    /// `offset` after each glyph followed by a stretchable gap.
    fn glyphs(&self, text: &str, offset: f32) -> TextItem {
        TextItem::GlyphIds(
            text.chars()
                .zip(stretches(text))
                .map(|(c, stretch)| {
                    let after = if stretch { offset } else { 0.0 };
                    printpdf::Codepoint::with_cid(self.face.glyph(c).0, after, c.to_string())
                })
                .collect(),
        )
    }

    fn rule(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width: f32, g: f32) {
        self.ops.push(Op::SetOutlineColor { col: grey(g) });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint { p: self.at(x1, y1), bezier: false },
                    LinePoint { p: self.at(x2, y2), bezier: false },
                ],
                is_closed: false,
            },
        });
    }

    fn tint(&mut self, x: f32, y: f32, w: f32, h: f32, c: [f32; 3]) {
        let bl = self.at(x, y + h);
        self.ops.push(Op::SetFillColor { col: rgb(c) });
        self.ops.push(Op::DrawRectangle {
            rectangle: printpdf::Rect {
                x: bl.x,
                y: bl.y,
                width: Mm(w).into_pt(),
                height: Mm(h).into_pt(),
                mode: Some(printpdf::PaintMode::Fill),
                winding_order: None,
            },
        });
    }

    fn badge(&mut self, x: f32, y: f32, side: f32, fill: [f32; 3], ink: [f32; 3], text: &str) {
        self.tint(x, y, side, side, fill);
        let size = side / MM_PER_PT * 0.62;
        let w = self.face.width_mm(text, size);
        // The letter's cap height is about 0.7 em: its baseline sits that far below the middle.
        let baseline = y + side / 2.0 + size * MM_PER_PT * 0.35;
        self.bold_coloured(x + (side - w) / 2.0, baseline, size, rgb(ink), text);
    }

    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, g: f32) {
        self.tint(x, y, w, h, [g; 3]);
    }

    fn draw(&mut self, x0: f32, y0: f32, d: &Draw) {
        match d {
            Draw::Bold { x, dy, size, grey, text } => self.bold_text(x0 + x, y0 + dy, *size, *grey, text),
            Draw::Text { x, dy, size, grey, text, spacing } => {
                self.spaced_text(x0 + x, y0 + dy, *size, *grey, text, *spacing)
            }
            Draw::Fill { x, dy, w, h, grey } => self.fill(x0 + x, y0 + dy, *w, *h, *grey),
            Draw::Rule { x1, dy1, x2, dy2, width, grey } => {
                self.rule(x0 + x1, y0 + dy1, x0 + x2, y0 + dy2, *width, *grey)
            }
            Draw::Tint { x, dy, w, h, rgb } => self.tint(x0 + x, y0 + dy, *w, *h, *rgb),
            Draw::Badge { x, dy, side, fill, ink, text } => {
                self.badge(x0 + x, y0 + dy, *side, *fill, *ink, text)
            }
        }
    }

    /// Large light text across the page, under everything else.
    fn watermark(&mut self, face: &Face, text: &str) {
        let size = 72.0;
        let w = face.width_mm(text, size);
        let angle: f32 = 35.0;
        let (s, c) = angle.to_radians().sin_cos();
        // Centre of the text at the centre of the page.
        let cx = self.page.0 / 2.0 - (w / 2.0) * c;
        let cy = self.page.1 / 2.0 - (w / 2.0) * s;
        self.ops.push(Op::SaveGraphicsState);
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor { col: grey(0.88) },
            Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(size) },
            Op::SetTextMatrix {
                matrix: TextMatrix::TranslateRotate(Mm(cx).into_pt(), Mm(cy).into_pt(), angle),
            },
            Op::ShowText { items: vec![self.glyphs(text, 0.0)] },
            Op::EndTextSection,
        ]);
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// The seam-seal guide: a dashed half circle of the seal's size (40 mm) centred on the right
    /// edge at mid-height, inside the right margin, labelled 骑缝章.
    fn seam(&mut self, face: &Face) {
        let (cx, cy, r) = (self.page.0, self.page.1 / 2.0, MARGIN.1);
        let steps = 36;
        for k in (0..steps).step_by(2) {
            let a0 = std::f32::consts::FRAC_PI_2 + std::f32::consts::PI * k as f32 / steps as f32;
            let a1 = std::f32::consts::FRAC_PI_2 + std::f32::consts::PI * (k + 1) as f32 / steps as f32;
            let (x0, y0) = (cx + r * a0.cos(), cy - r * a0.sin());
            let (x1, y1) = (cx + r * a1.cos(), cy - r * a1.sin());
            self.rule(x0, y0, x1, y1, 0.5, 0.55);
        }
        let label = "骑缝章";
        let w = face.width_mm(label, 7.0);
        self.text(cx - r / 2.0 - w / 2.0, cy + 1.2, 7.0, 0.55, label);
    }

    /// Two rules around the page inside the margins.
    fn border(&mut self) {
        for (inset, width, g) in [(6.0, 2.0, 0.35), (8.5, 0.6, 0.5)] {
            let (x0, y0, x1, y1) = (inset, inset, self.page.0 - inset, self.page.1 - inset);
            for (a, b, c, d) in [(x0, y0, x1, y0), (x1, y0, x1, y1), (x1, y1, x0, y1), (x0, y1, x0, y0)] {
                self.rule(a, b, c, d, width, g);
            }
        }
    }

    /// Running header, copy mark and footer.
    fn frame(&mut self, face: &Face, f: &Frame, page: usize, total: usize) {
        let (top, right, bottom, left) = MARGIN;
        let width = self.page.0 - left - right;
        if f.certificate {
            // Nothing runs across a certificate: its number and fingerprint, small, at the foot.
            let fy = self.page.1 - 13.0;
            let foot = format!("{} · 指纹 SHA-256 {}", f.number, short_fingerprint(&f.fingerprint));
            let w = face.width_mm(&foot, 7.0);
            self.text(left + (width - w) / 2.0, fy, 7.0, 0.5, &foot);
            return;
        }
        let hy = top - 9.0;
        self.text(left, hy, 8.5, 0.4, &f.header);
        if let Some(mark) = &f.mark {
            let size = 10.0;
            let w = face.width_mm(mark, size) + 6.0;
            let x = left + width - w;
            self.ops.push(Op::SetOutlineColor { col: grey(0.1) });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(1.0) });
            let bl = self.at(x, hy + 2.2);
            self.ops.push(Op::DrawRectangle {
                rectangle: printpdf::Rect {
                    x: bl.x,
                    y: bl.y,
                    width: Mm(w).into_pt(),
                    height: Mm(7.0).into_pt(),
                    mode: Some(printpdf::PaintMode::Stroke),
                    winding_order: None,
                },
            });
            self.text(x + 3.0, hy, size, 0.0, mark);
        } else if !f.number.is_empty() {
            let w = face.width_mm(&f.number, 8.5);
            self.text(left + width - w, hy, 8.5, 0.4, &f.number);
        }
        self.rule(left, hy + 3.5, left + width, hy + 3.5, 0.4, 0.6);

        let fy = self.page.1 - bottom + 10.0;
        self.rule(left, fy - 5.0, left + width, fy - 5.0, 0.4, 0.6);
        self.text(left, fy, 8.0, 0.4, &f.number);
        let pages = format!("第 {page} 页 / 共 {total} 页");
        let w = face.width_mm(&pages, 8.0);
        self.text(left + (width - w) / 2.0, fy, 8.0, 0.25, &pages);
        if !f.fingerprint.is_empty() {
            let fp = format!("指纹 SHA-256 {}", short_fingerprint(&f.fingerprint));
            let w = face.width_mm(&fp, 8.0);
            self.text(left + width - w, fy, 8.0, 0.4, &fp);
        }
    }
}

/// Chinese clause numbers: 1 → 一, 12 → 十二, 20 → 二十, 105 → 一百零五.
pub fn chinese_number(n: u32) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n as usize].into(),
        10..=19 => format!("十{}", if n.is_multiple_of(10) { "" } else { D[(n % 10) as usize] }),
        20..=99 => {
            format!(
                "{}十{}",
                D[(n / 10) as usize],
                if n.is_multiple_of(10) { "" } else { D[(n % 10) as usize] }
            )
        }
        _ => {
            let rest = n % 100;
            let tail = match rest {
                0 => String::new(),
                1..=9 => format!("零{}", D[rest as usize]),
                10..=19 => format!("一{}", chinese_number(rest)),
                _ => chinese_number(rest),
            };
            format!("{}百{tail}", D[(n / 100 % 10) as usize])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clause_numbers_in_chinese() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (23, "二十三"),
            (100, "一百"),
            (105, "一百零五"),
            (112, "一百一十二"),
        ];
        for (n, s) in cases {
            assert_eq!(chinese_number(n), s, "{n}");
        }
    }

    #[test]
    fn short_fingerprint_groups_sixteen_digits() {
        assert_eq!(short_fingerprint("0123456789abcdef0123"), "0123 4567 89ab cdef");
    }

    fn piece(h: f32, keep: bool) -> Piece {
        Piece {
            height: h,
            draws: vec![Draw::Fill { x: 0.0, dy: 0.0, w: 1.0, h, grey: 0.0 }],
            keep_with_next: keep,
            repeat: None,
        }
    }

    #[test]
    fn a_kept_group_moves_whole_to_the_next_page() {
        // 80 of 100 used; a 30 group (10+10+10 kept together) does not fit and moves.
        let mut pieces = vec![piece(40.0, false), piece(40.0, false)];
        pieces.extend([piece(10.0, true), piece(10.0, true), piece(10.0, false)]);
        let pages = paginate(&pieces, 100.0);
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1].len(), 3);
        assert_eq!(pages[1][0].0, 0.0);
    }

    #[test]
    fn a_table_header_is_repeated_on_the_next_page() {
        let mut pieces = vec![piece(90.0, false), piece(5.0, true)];
        for _ in 0..3 {
            let mut p = piece(8.0, false);
            p.repeat = Some(1);
            pieces.push(p);
        }
        let pages = paginate(&pieces, 100.0);
        // Header + first row move together (keep), the rest follow; the header is drawn once
        // per page where rows continue.
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[1].len(), 4, "header and three rows on page 2: {:?}", pages[1].len());
    }
}
