//! Printing on Windows (issue 24, R3.1.3): the printers of the computer and a job handed to
//! one of them through GDI, the path every Windows printer driver takes.
//!
//! Printers come from the spooler (`EnumPrintersW`, local and network connections), the
//! default from `GetDefaultPrinterW`, two-sided printing from the driver
//! (`DeviceCapabilitiesW(DC_DUPLEX)`). A job is a printer device context made from the
//! printer's own settings (`DocumentPropertiesW`) with copies, collation and sides set; its
//! number is the one `StartDocW` answers with, so a copy is logged as printed only once the
//! spooler has taken the whole job (`EndDoc`). Windows has no PDF interpreter to hand the file
//! to, so each chosen page is drawn by the same renderer as the print preview (hayro) at the
//! printer's resolution (at most [`MAX_DPI`]) and placed at its true size on the paper: a
//! 46 mm seal box prints 46 mm wide.
//!
//! Invariants: every handle is released on every path (`Printer`/`Dc` guards); a job that
//! fails part way is aborted (`AbortDoc`), never left half spooled; strings cross as UTF-16
//! with their terminating zero.

use super::preview::PageSize;
use super::printers::{Checked, Job, Printer};
use crate::error::{Error, Result};
use std::ptr::{null, null_mut};
use windows_sys::Win32::Foundation::GetLastError;
use windows_sys::Win32::Graphics::Gdi::{
    BI_RGB, BITMAPINFO, BITMAPINFOHEADER, CreateDCW, DEVMODEW, DIB_RGB_COLORS, DM_COLLATE, DM_COPIES,
    DM_DUPLEX, DM_IN_BUFFER, DM_ORIENTATION, DM_OUT_BUFFER, DM_PAPERSIZE, DMCOLLATE_TRUE, DMDUP_HORIZONTAL,
    DMDUP_SIMPLEX, DMDUP_VERTICAL, DMORIENT_LANDSCAPE, DMORIENT_PORTRAIT, DMPAPER_A4, DeleteDC,
    GetDeviceCaps, HDC, LOGPIXELSX, LOGPIXELSY, PHYSICALOFFSETX, PHYSICALOFFSETY, SRCCOPY, StretchDIBits,
};
use windows_sys::Win32::Graphics::Printing::{
    ClosePrinter, DocumentPropertiesW, EnumPrintersW, GetDefaultPrinterW, OpenPrinterW,
    PRINTER_ATTRIBUTE_WORK_OFFLINE, PRINTER_ENUM_CONNECTIONS, PRINTER_ENUM_LOCAL, PRINTER_HANDLE,
    PRINTER_INFO_2W, PRINTER_STATUS_ERROR, PRINTER_STATUS_OFFLINE, PRINTER_STATUS_PAUSED,
    PRINTER_STATUS_PENDING_DELETION,
};
use windows_sys::Win32::Storage::Xps::{
    AbortDoc, DC_DUPLEX, DOCINFOW, DeviceCapabilitiesW, EndDoc, EndPage, StartDocW, StartPage,
};

/// The finest resolution a page is drawn at; a 600 dpi printer gets 300 dpi pictures scaled
/// by its driver (an A4 page is then 35 MB of pixels, drawn and sent one page at a time).
pub const MAX_DPI: i32 = 300;

fn wide(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(std::iter::once(0)).collect()
}

/// The text of a zero-terminated UTF-16 string owned by the spooler (empty for null).
///
/// # Safety
/// `p` is null or points at a zero-terminated UTF-16 string.
unsafe fn from_wide(p: *const u16) -> String {
    if p.is_null() {
        return String::new();
    }
    let mut len = 0;
    // SAFETY: the caller promises a terminating zero.
    while unsafe { *p.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: `len` units were just read.
    String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(p, len) })
}

fn failed(what: &str) -> Error {
    // SAFETY: reads the calling thread's last error, no arguments.
    let code = unsafe { GetLastError() };
    Error::Document(format!("{what}: Windows error {code}"))
}

fn default_printer() -> Option<String> {
    let mut len = 0u32;
    // SAFETY: a null buffer asks for the length needed.
    unsafe { GetDefaultPrinterW(null_mut(), &mut len) };
    if len == 0 {
        return None;
    }
    let mut buf = vec![0u16; len as usize];
    // SAFETY: `buf` holds `len` units.
    (unsafe { GetDefaultPrinterW(buf.as_mut_ptr(), &mut len) } != 0)
        // SAFETY: the spooler wrote a zero-terminated name into `buf`.
        .then(|| unsafe { from_wide(buf.as_ptr()) })
}

/// The printers of this computer, the default one first.
pub fn list() -> Result<Vec<Printer>> {
    let flags = PRINTER_ENUM_LOCAL | PRINTER_ENUM_CONNECTIONS;
    let (mut needed, mut count) = (0u32, 0u32);
    // SAFETY: a null buffer of size 0 asks for the size needed.
    unsafe { EnumPrintersW(flags, null(), 2, null_mut(), 0, &mut needed, &mut count) };
    if needed == 0 {
        return Ok(Vec::new());
    }
    // u64 units keep the buffer aligned for the PRINTER_INFO_2W records written at its start.
    let mut buf = vec![0u64; (needed as usize).div_ceil(8)];
    // SAFETY: `buf` holds at least `needed` bytes.
    let ok =
        unsafe { EnumPrintersW(flags, null(), 2, buf.as_mut_ptr().cast(), needed, &mut needed, &mut count) };
    if ok == 0 {
        return Err(failed("EnumPrintersW"));
    }
    let default = default_printer();
    // SAFETY: the spooler wrote `count` PRINTER_INFO_2W records at the start of `buf`, and the
    // strings they point to live in the rest of `buf`, which outlives this slice.
    let infos = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast::<PRINTER_INFO_2W>(), count as usize) };
    let not_ready = PRINTER_STATUS_PAUSED
        | PRINTER_STATUS_ERROR
        | PRINTER_STATUS_OFFLINE
        | PRINTER_STATUS_PENDING_DELETION;
    let mut printers: Vec<Printer> = infos
        .iter()
        .map(|info| {
            // SAFETY: the record's strings are zero-terminated or null.
            let (name, comment) = unsafe { (from_wide(info.pPrinterName), from_wide(info.pComment)) };
            let wname = wide(&name);
            let port = info.pPortName;
            // SAFETY: name and port come from the spooler; no output buffer is asked for.
            let duplex =
                unsafe { DeviceCapabilitiesW(wname.as_ptr(), port, DC_DUPLEX, null_mut(), null()) } == 1;
            Printer {
                description: if comment.trim().is_empty() { name.clone() } else { comment },
                is_default: default.as_deref() == Some(name.as_str()),
                duplex,
                ready: info.Status & not_ready == 0 && info.Attributes & PRINTER_ATTRIBUTE_WORK_OFFLINE == 0,
                name,
            }
        })
        .collect();
    printers.sort_by_key(|p| !p.is_default);
    Ok(printers)
}

/// An open printer, closed on drop.
struct PrinterHandle(PRINTER_HANDLE);

impl Drop for PrinterHandle {
    fn drop(&mut self) {
        // SAFETY: the handle came from OpenPrinterW and is closed once.
        unsafe { ClosePrinter(self.0) };
    }
}

/// A printer device context, deleted on drop (after the job ended or was aborted).
struct Dc(HDC);

impl Drop for Dc {
    fn drop(&mut self) {
        // SAFETY: the context came from CreateDCW and is deleted once.
        unsafe { DeleteDC(self.0) };
    }
}

/// The printer's settings with copies, collation and sides set as checked; the bytes of a
/// DEVMODEW with its driver's private part, aligned for it.
fn settings(name: &[u16], checked: &Checked, copies: i16, paper: PageSize) -> Result<Vec<u64>> {
    let mut handle = PRINTER_HANDLE { Value: null_mut() };
    // SAFETY: `name` is zero-terminated; the handle is written on success.
    if unsafe { OpenPrinterW(name.as_ptr(), &mut handle, null()) } == 0 {
        return Err(failed("OpenPrinterW"));
    }
    let printer = PrinterHandle(handle);
    // SAFETY: a mode of 0 asks for the size of the driver's settings.
    let size = unsafe { DocumentPropertiesW(null_mut(), printer.0, name.as_ptr(), null_mut(), null(), 0) };
    if size < std::mem::size_of::<DEVMODEW>() as i32 {
        return Err(failed("DocumentPropertiesW (size)"));
    }
    let mut buf = vec![0u64; (size as usize).div_ceil(8)];
    let mode = buf.as_mut_ptr().cast::<DEVMODEW>();
    // SAFETY: `buf` holds `size` bytes, as the driver asked.
    if unsafe { DocumentPropertiesW(null_mut(), printer.0, name.as_ptr(), mode, null(), DM_OUT_BUFFER) } < 0 {
        return Err(failed("DocumentPropertiesW (read)"));
    }
    // SAFETY: `mode` points at the DEVMODEW the driver just wrote; the union's printer part
    // is the one a printer's settings use.
    unsafe {
        (*mode).dmFields |= DM_COPIES | DM_COLLATE | DM_DUPLEX;
        (*mode).Anonymous1.Anonymous1.dmCopies = copies;
        (*mode).dmCollate = DMCOLLATE_TRUE;
        // Our documents are A4, upright or (the certificate) on its side: asked for as such,
        // so a printer set to Letter does not cut the foot off a page printed at true size.
        let (short, long) = (paper.width_mm.min(paper.height_mm), paper.width_mm.max(paper.height_mm));
        if (short - 210.0).abs() < 2.0 && (long - 297.0).abs() < 2.0 {
            (*mode).dmFields |= DM_PAPERSIZE | DM_ORIENTATION;
            (*mode).Anonymous1.Anonymous1.dmPaperSize = DMPAPER_A4 as i16;
            (*mode).Anonymous1.Anonymous1.dmOrientation =
                if paper.width_mm > paper.height_mm { DMORIENT_LANDSCAPE } else { DMORIENT_PORTRAIT } as i16;
        }
        (*mode).dmDuplex = match checked.sides.as_str() {
            "long_edge" => DMDUP_VERTICAL,
            "short_edge" => DMDUP_HORIZONTAL,
            _ => DMDUP_SIMPLEX,
        };
    }
    // SAFETY: the driver merges the changed fields into its own settings in place.
    let merged = unsafe {
        DocumentPropertiesW(null_mut(), printer.0, name.as_ptr(), mode, mode, DM_IN_BUFFER | DM_OUT_BUFFER)
    };
    if merged < 0 {
        return Err(failed("DocumentPropertiesW (merge)"));
    }
    Ok(buf)
}

/// Prints the checked pages (from 1) of the PDF `bytes`, a document of `page_count` pages, on
/// the checked printer as `title`; the job the spooler accepted.
pub fn submit(bytes: &[u8], title: &str, checked: &Checked, page_count: usize) -> Result<Job> {
    let name = wide(&checked.printer.name);
    let wanted = i16::try_from(checked.copies).unwrap_or(1);
    let sizes = super::preview::pages(bytes)?;
    if sizes.is_empty()
        || sizes.len() != page_count
        || checked.pages.iter().any(|&p| p == 0 || p > page_count)
    {
        return Err(Error::Document(format!("the PDF has {} pages, not {page_count}", sizes.len())));
    }
    let first = sizes[0];
    let mut mode = settings(&name, checked, wanted, first)?;
    let devmode = mode.as_mut_ptr().cast::<DEVMODEW>();
    // A driver that cannot make copies itself says so by lowering dmCopies: the pages are then
    // sent that many times, collated.
    // SAFETY: `devmode` is the DEVMODEW `settings` filled in.
    let driver_copies = unsafe { (*devmode).Anonymous1.Anonymous1.dmCopies }.max(1);
    let repeats = if driver_copies >= wanted { 1 } else { checked.copies };
    if repeats > 1 {
        // SAFETY: as above.
        unsafe { (*devmode).Anonymous1.Anonymous1.dmCopies = 1 };
    }
    // SAFETY: the driver name is the printer's (the spooler picks its driver), `devmode` its
    // settings.
    let hdc = unsafe { CreateDCW(wide("WINSPOOL").as_ptr(), name.as_ptr(), null(), devmode) };
    if hdc.is_null() {
        return Err(failed("CreateDCW"));
    }
    let dc = Dc(hdc);
    let wtitle = wide(title);
    let info = DOCINFOW {
        cbSize: std::mem::size_of::<DOCINFOW>() as i32,
        lpszDocName: wtitle.as_ptr(),
        lpszOutput: null(),
        lpszDatatype: null(),
        fwType: 0,
    };
    // SAFETY: `info` and the title it points to live until the call returns.
    let job = unsafe { StartDocW(dc.0, &info) };
    if job <= 0 {
        return Err(failed("StartDocW"));
    }
    let printed =
        (0..repeats).try_for_each(|_| checked.pages.iter().try_for_each(|&p| page(&dc, bytes, p - 1)));
    if let Err(e) = printed {
        // SAFETY: ends the job begun above without printing it.
        unsafe { AbortDoc(dc.0) };
        return Err(e);
    }
    // SAFETY: ends the job begun above; the spooler has it once this succeeds.
    if unsafe { EndDoc(dc.0) } <= 0 {
        return Err(failed("EndDoc"));
    }
    Ok(Job { printer: checked.printer.name.clone(), id: job.to_string() })
}

/// Draws page `index` (from 0) of `bytes` as one printed page, at its true size from the
/// paper's corner.
fn page(dc: &Dc, bytes: &[u8], index: usize) -> Result<()> {
    // SAFETY: `dc` is a live printer context; these only read its capabilities.
    let (dpi_x, dpi_y, off_x, off_y) = unsafe {
        (
            GetDeviceCaps(dc.0, LOGPIXELSX as i32),
            GetDeviceCaps(dc.0, LOGPIXELSY as i32),
            GetDeviceCaps(dc.0, PHYSICALOFFSETX as i32),
            GetDeviceCaps(dc.0, PHYSICALOFFSETY as i32),
        )
    };
    if dpi_x <= 0 || dpi_y <= 0 {
        return Err(Error::Document("the printer reports no resolution".into()));
    }
    let (width, height, mut rgba, size) =
        super::preview::page_pixels(bytes, index, dpi_x.min(MAX_DPI) as f32 / 25.4)?;
    // GDI takes 32-bit pixels as blue, green, red, unused.
    for px in rgba.chunks_exact_mut(4) {
        px.swap(0, 2);
    }
    let header = BITMAPINFOHEADER {
        biSize: std::mem::size_of::<BITMAPINFOHEADER>() as u32,
        biWidth: width as i32,
        // Negative: rows from the top, as the renderer writes them.
        biHeight: -(height as i32),
        biPlanes: 1,
        biBitCount: 32,
        biCompression: BI_RGB,
        ..Default::default()
    };
    let bitmap = BITMAPINFO { bmiHeader: header, ..Default::default() };
    let dest_w = (size.width_mm / 25.4 * dpi_x as f32).round() as i32;
    let dest_h = (size.height_mm / 25.4 * dpi_y as f32).round() as i32;
    // SAFETY: `dc` is a live printer context inside a document.
    if unsafe { StartPage(dc.0) } <= 0 {
        return Err(failed("StartPage"));
    }
    // SAFETY: `rgba` holds width × height 32-bit pixels, as `bitmap` describes.
    let lines = unsafe {
        StretchDIBits(
            dc.0,
            -off_x,
            -off_y,
            dest_w,
            dest_h,
            0,
            0,
            width as i32,
            height as i32,
            rgba.as_ptr().cast(),
            &bitmap,
            DIB_RGB_COLORS,
            SRCCOPY,
        )
    };
    if lines == 0 {
        return Err(failed("StretchDIBits"));
    }
    // SAFETY: ends the page begun above.
    if unsafe { EndPage(dc.0) } <= 0 {
        return Err(failed("EndPage"));
    }
    Ok(())
}
