//! `#[command]`: declares a Tauri command of the shell whose every call is logged.
//!
//! It expands to `#[tauri::command]` on the same function with its body run inside
//! `crate::logging::command("<name>", async { … })`, which writes one log line per call
//! (name, duration, outcome code; errors with their source chain). The body is unchanged,
//! so a handler stays the one call into the core it was. Invariant: every function in
//! `src-tauri/src/commands/` is declared with this attribute (checked by a test there).

use proc_macro::TokenStream;
use quote::quote;
use syn::{ItemFn, parse_macro_input};

/// A logged Tauri command (see the crate documentation).
#[proc_macro_attribute]
pub fn command(attr: TokenStream, item: TokenStream) -> TokenStream {
    parse_macro_input!(attr as syn::parse::Nothing);
    let mut f = parse_macro_input!(item as ItemFn);
    if f.sig.asyncness.is_none() {
        return syn::Error::new_spanned(&f.sig, "a command is an async fn").to_compile_error().into();
    }
    let name = f.sig.ident.to_string();
    let body = &f.block;
    let wrapped: syn::Block = syn::parse_quote!({
        crate::logging::command(#name, async #body).await
    });
    *f.block = wrapped;
    quote!(#[tauri::command] #f).into()
}
