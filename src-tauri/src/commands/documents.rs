//! The print preview (issue 24): a held document's pages as pictures, this computer's
//! printers, printing through the system's queue, saving with the native dialog, the system
//! viewer, the folder a document was saved in, and closing. Documents come from the commands
//! that make them (`agreement_print`, `statement_print`, …) through [`crate::printing`].

use super::agreements::PrintedFile;
use crate::state::Shell;
use channeldesk::Result;
use channeldesk::agreements::signing::{self, Handed};
use channeldesk::documents::preview;
use channeldesk::documents::printers::{self, Job, PrintOptions, Printer};
use channeldesk_macros::command;
use tauri::ipc::Response;
use tauri::{AppHandle, Runtime, State};

/// Page `page` (from 0) of document `token` as a PNG, `zoom` pixels to the millimetre.
#[command]
pub async fn document_page(
    shell: State<'_, Shell>,
    token: String,
    page: usize,
    zoom: f32,
) -> Result<Response> {
    let held = shell.documents.get(&*shell.desk().await?, &token)?;
    let png = tokio::task::spawn_blocking(move || preview::page_png(&held.printed.bytes, page, zoom))
        .await
        .map_err(|e| channeldesk::Error::Document(e.to_string()))??;
    Ok(Response::new(png))
}

/// This computer's printers, the default one first.
#[command]
pub async fn printers_list(shell: State<'_, Shell>) -> Result<Vec<Printer>> {
    shell.desk().await?.require(channeldesk::access::Action::PartnerRead)?;
    tokio::task::spawn_blocking(printers::list)
        .await
        .map_err(|e| channeldesk::Error::Document(e.to_string()))?
}

/// Prints document `token` with `options` through the system's queue; the job. Numbered
/// copies are logged with the printer and the job once the queue has accepted them.
#[command]
pub async fn document_print(shell: State<'_, Shell>, token: String, options: PrintOptions) -> Result<Job> {
    let desk = shell.desk().await?;
    let held = shell.documents.get(&desk, &token)?;
    let copies = held.copies.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(c) = &copies {
        signing::check_copies(&desk, c).await?;
    }
    let job = printers::print(&desk, &held.printed, &options).await?;
    if let Some(c) = copies {
        signing::log_copies(&desk, &c, &Handed::Printed(job.clone())).await?;
        *held.copies.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
    Ok(job)
}

/// Asks where to save document `token` and writes it there; the path, or `None` when
/// cancelled. Numbered copies are logged as saved.
#[command]
pub async fn document_save<R: Runtime>(
    app: AppHandle<R>,
    shell: State<'_, Shell>,
    token: String,
) -> Result<Option<String>> {
    let desk = shell.desk().await?;
    let held = shell.documents.get(&desk, &token)?;
    let copies = held.copies.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(c) = &copies {
        signing::check_copies(&desk, c).await?;
    }
    let Some(path) = crate::files::ask_save_path(&app, &held.printed.file_name, "PDF", "pdf").await? else {
        return Ok(None);
    };
    channeldesk::documents::write_file(&path, &held.printed.bytes)?;
    if let Some(c) = copies {
        signing::log_copies(&desk, &c, &Handed::Saved).await?;
        *held.copies.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
    *held.saved_to.lock().unwrap_or_else(|p| p.into_inner()) = Some(path.clone());
    Ok(Some(path.display().to_string()))
}

/// Opens the folder document `token` was saved in: the folder, and whether a file manager
/// could be started.
#[command]
pub async fn document_show_folder(shell: State<'_, Shell>, token: String) -> Result<PrintedFile> {
    let held = shell.documents.get(&*shell.desk().await?, &token)?;
    let saved = held.saved_to.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let dir = saved
        .as_deref()
        .and_then(|p| p.parent())
        .map(|p| p.to_path_buf())
        .ok_or_else(|| channeldesk::Error::field("token", "not_saved"))?;
    Ok(PrintedFile { opened: crate::files::show(&dir), path: dir.display().to_string() })
}

/// Opens document `token` in the system's PDF viewer (not numbered copies): where its
/// temporary file is, and whether a viewer could be started.
#[command]
pub async fn document_open(shell: State<'_, Shell>, token: String) -> Result<PrintedFile> {
    let desk = shell.desk().await?;
    let held = shell.documents.get(&desk, &token)?;
    if held.numbered {
        return Err(channeldesk::Error::field("token", "numbered_copies"));
    }
    super::agreements::open_printed(&desk, &held.printed)
}

/// Closes the preview of document `token`.
#[command]
pub async fn document_close(shell: State<'_, Shell>, token: String) -> Result<()> {
    shell.desk().await?.require(channeldesk::access::Action::PartnerRead)?;
    shell.documents.close(&token);
    Ok(())
}
