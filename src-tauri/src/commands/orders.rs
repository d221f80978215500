//! The business process (R4.1.1–R4.3.2): catalogue and price list, agreement trade terms,
//! orders and their review, override and confirmation, shipments, after-sales cases, money
//! received, credit notes, payments to partners and settlement statements.

use super::agreements::{PrintedFile, open_printed};
use crate::state::Shell;
use channeldesk::Result;
use channeldesk::orders::catalogue::{
    self, PriceInput, PriceListInput, Product, ProductDetail, ProductInput, ProductQuery,
};
use channeldesk::orders::delivery::{self, Case, CaseInput, CaseUpdate, ShipmentInput};
use channeldesk::orders::finance::{
    self, CreditNote, CreditNoteInput, Payment, PaymentQuery, PayoutInput, ReceiptInput,
};
use channeldesk::orders::settlement::{self, IssueInput, Periods, Statement, StatementRow};
use channeldesk::orders::terms::{self, TermsInput, TradeTerms};
use channeldesk::orders::{self, Order, OrderInput, OrderQuery, OrderRow};
use channeldesk::paging::Page;
use channeldesk_macros::command;
use tauri::State;

#[command]
pub async fn products(shell: State<'_, Shell>, query: ProductQuery) -> Result<Vec<Product>> {
    catalogue::products(&*shell.desk().await?, &query).await
}

#[command]
pub async fn product(shell: State<'_, Shell>, id: String) -> Result<ProductDetail> {
    catalogue::product(&*shell.desk().await?, &id).await
}

#[command]
pub async fn product_categories(shell: State<'_, Shell>) -> Result<Vec<String>> {
    catalogue::categories(&*shell.desk().await?).await
}

#[command]
pub async fn product_create(shell: State<'_, Shell>, input: ProductInput) -> Result<ProductDetail> {
    catalogue::create_product(&*shell.desk().await?, &input).await
}

#[command]
pub async fn product_update(
    shell: State<'_, Shell>,
    id: String,
    expected_hlc: String,
    input: ProductInput,
) -> Result<ProductDetail> {
    catalogue::update_product(&*shell.desk().await?, &id, &expected_hlc, &input).await
}

#[command]
pub async fn price_set(
    shell: State<'_, Shell>,
    product_id: String,
    input: PriceInput,
) -> Result<ProductDetail> {
    catalogue::set_price(&*shell.desk().await?, &product_id, &input).await
}

#[command]
pub async fn price_remove(shell: State<'_, Shell>, id: String) -> Result<ProductDetail> {
    catalogue::remove_price(&*shell.desk().await?, &id).await
}

/// The price list for a tier, written into the data folder and opened.
#[command]
pub async fn price_list_print(
    shell: State<'_, Shell>,
    input: PriceListInput,
) -> Result<crate::printing::DocumentView> {
    let desk = shell.desk().await?;
    let printed = catalogue::price_list_pdf(&desk, &input).await?;
    shell.documents.hold(&desk, printed, None)
}

#[command]
pub async fn trade_terms(shell: State<'_, Shell>, agreement_id: String) -> Result<TradeTerms> {
    terms::terms(&*shell.desk().await?, &agreement_id).await
}

#[command]
pub async fn trade_terms_set(
    shell: State<'_, Shell>,
    agreement_id: String,
    expected_hlc: String,
    input: TermsInput,
) -> Result<TradeTerms> {
    terms::set_terms(&*shell.desk().await?, &agreement_id, &expected_hlc, &input).await
}

#[command]
pub async fn orders(shell: State<'_, Shell>, query: OrderQuery) -> Result<Page<OrderRow>> {
    orders::list(&*shell.desk().await?, &query).await
}

#[command]
pub async fn order(shell: State<'_, Shell>, id: String) -> Result<Order> {
    orders::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn order_prices(
    shell: State<'_, Shell>,
    partner_id: String,
    on: String,
    product_ids: Vec<String>,
) -> Result<Vec<Option<i64>>> {
    orders::partner_prices(&*shell.desk().await?, &partner_id, &on, &product_ids).await
}

#[command]
pub async fn order_create(shell: State<'_, Shell>, input: OrderInput) -> Result<Order> {
    orders::create(&*shell.desk().await?, &input).await
}

#[command]
pub async fn order_update(
    shell: State<'_, Shell>,
    id: String,
    expected_hlc: String,
    input: OrderInput,
) -> Result<Order> {
    orders::update(&*shell.desk().await?, &id, &expected_hlc, &input).await
}

#[command]
pub async fn order_review(shell: State<'_, Shell>, id: String) -> Result<Order> {
    orders::review(&*shell.desk().await?, &id).await
}

#[command]
pub async fn order_override(shell: State<'_, Shell>, id: String, reason: String) -> Result<Order> {
    orders::override_review(&*shell.desk().await?, &id, &reason).await
}

#[command]
pub async fn order_confirm(shell: State<'_, Shell>, id: String, contract_ref: String) -> Result<Order> {
    orders::confirm(&*shell.desk().await?, &id, &contract_ref).await
}

#[command]
pub async fn order_cancel(shell: State<'_, Shell>, id: String, reason: String) -> Result<Order> {
    orders::cancel(&*shell.desk().await?, &id, &reason).await
}

#[command]
pub async fn shipment_record(
    shell: State<'_, Shell>,
    order_id: String,
    input: ShipmentInput,
) -> Result<Order> {
    delivery::ship(&*shell.desk().await?, &order_id, &input).await
}

#[command]
pub async fn shipment_delivered(shell: State<'_, Shell>, id: String, delivered_on: String) -> Result<Order> {
    delivery::deliver(&*shell.desk().await?, &id, &delivered_on).await
}

#[command]
pub async fn aftersales_cases(
    shell: State<'_, Shell>,
    open_only: bool,
    offset: Option<i64>,
) -> Result<Page<Case>> {
    delivery::cases(&*shell.desk().await?, open_only, offset.unwrap_or(0)).await
}

#[command]
pub async fn aftersales_open(shell: State<'_, Shell>, order_id: String, input: CaseInput) -> Result<Order> {
    delivery::open_case(&*shell.desk().await?, &order_id, &input).await
}

#[command]
pub async fn aftersales_update(
    shell: State<'_, Shell>,
    id: String,
    expected_hlc: String,
    input: CaseUpdate,
) -> Result<Order> {
    delivery::update_case(&*shell.desk().await?, &id, &expected_hlc, &input).await
}

#[command]
pub async fn payments(shell: State<'_, Shell>, query: PaymentQuery) -> Result<Page<Payment>> {
    finance::payments(&*shell.desk().await?, &query).await
}

#[command]
pub async fn payment_receive(shell: State<'_, Shell>, input: ReceiptInput) -> Result<Payment> {
    finance::record_receipt(&*shell.desk().await?, &input).await
}

#[command]
pub async fn payout_propose(shell: State<'_, Shell>, input: PayoutInput) -> Result<Payment> {
    finance::propose_payout(&*shell.desk().await?, &input).await
}

#[command]
pub async fn payout_decide(
    shell: State<'_, Shell>,
    id: String,
    approve: bool,
    note: String,
) -> Result<Payment> {
    finance::decide_payout(&*shell.desk().await?, &id, approve, &note).await
}

#[command]
pub async fn payout_paid(
    shell: State<'_, Shell>,
    id: String,
    paid_on: String,
    reference: String,
) -> Result<Payment> {
    finance::mark_paid(&*shell.desk().await?, &id, &paid_on, &reference).await
}

#[command]
pub async fn credit_notes(shell: State<'_, Shell>, partner_id: String) -> Result<Vec<CreditNote>> {
    finance::credit_notes(&*shell.desk().await?, &partner_id).await
}

#[command]
pub async fn credit_note_issue(shell: State<'_, Shell>, input: CreditNoteInput) -> Result<CreditNote> {
    finance::issue_credit_note(&*shell.desk().await?, &input).await
}

#[command]
pub async fn statements(
    shell: State<'_, Shell>,
    partner_id: String,
    offset: Option<i64>,
) -> Result<Page<StatementRow>> {
    settlement::list(&*shell.desk().await?, &partner_id, offset.unwrap_or(0)).await
}

#[command]
pub async fn statement_periods(shell: State<'_, Shell>, partner_id: String) -> Result<Periods> {
    settlement::periods(&*shell.desk().await?, &partner_id).await
}

#[command]
pub async fn statement(shell: State<'_, Shell>, id: String) -> Result<Statement> {
    settlement::get(&*shell.desk().await?, &id).await
}

#[command]
pub async fn statement_issue(shell: State<'_, Shell>, input: IssueInput) -> Result<Statement> {
    settlement::issue(&*shell.desk().await?, &input).await
}

#[command]
pub async fn statement_confirm(
    shell: State<'_, Shell>,
    id: String,
    confirmed_on: String,
    confirmed_by: String,
) -> Result<Statement> {
    settlement::confirm(&*shell.desk().await?, &id, &confirmed_on, &confirmed_by).await
}

#[command]
pub async fn statement_dispute(
    shell: State<'_, Shell>,
    id: String,
    line_ref: String,
    reason: String,
) -> Result<Statement> {
    settlement::dispute(&*shell.desk().await?, &id, &line_ref, &reason).await
}

#[command]
pub async fn statement_resolve(
    shell: State<'_, Shell>,
    dispute_id: String,
    resolution: String,
) -> Result<Statement> {
    settlement::resolve_dispute(&*shell.desk().await?, &dispute_id, &resolution).await
}

/// The statement as a PDF, written into the data folder and opened.
#[command]
pub async fn statement_print(shell: State<'_, Shell>, id: String) -> Result<crate::printing::DocumentView> {
    let desk = shell.desk().await?;
    let printed = settlement::pdf(&desk, &id).await?;
    shell.documents.hold(&desk, printed, None)
}

/// The statement as .xlsx, written into the data folder's `prints/` and opened.
#[command]
pub async fn statement_xlsx(shell: State<'_, Shell>, id: String) -> Result<PrintedFile> {
    let desk = shell.desk().await?;
    let file = settlement::xlsx(&desk, &id).await?;
    open_printed(&desk, &file)
}
