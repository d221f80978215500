//! The life cycles: one typed state machine per record that has a status, and the only way a
//! status changes.
//!
//! Each machine is a table of [`Step`]s (from, to, the action that moves it, the roles through
//! [`crate::access`], what it needs and what else it causes) over a status enum stored as its
//! text. The tables are in [`tables`]; `docs/state-machines.md` is generated from them.
//!
//! Invariants:
//! - a status column is written only here: [`crate::records::insert`] and
//!   [`crate::records::set_values`] refuse a status column whose value is not a [`StateVal`],
//!   and only [`Machine::start`] and the steps make one;
//! - a step is taken only from one of its `from` states, by a role that holds one of its
//!   actions (a step with no actions is *caused* by another step in the core and never offered
//!   to a person), with a reason when it needs one;
//! - what the UI offers for a record is [`Machine::offers`] of its current state and the
//!   person's roles, never a list repeated in a view.

pub mod review;
pub mod tables;

use crate::access::{self, Action, Role};
use crate::desk::Write;
use crate::error::{Error, Result};
use crate::records::Val;
use std::fmt::Debug;

pub use tables::*;

/// A status enum: its stored texts in the order of [`State::ALL`].
pub trait State: Copy + Eq + Debug + Send + Sync + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == s)
    }
}

/// Declares a status enum stored and serialised as the given texts, exported to the UI.
macro_rules! states {
    ($(#[$m:meta])* pub enum $name:ident { $($(#[$vm:meta])* $v:ident = $s:literal,)+ }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS, sqlx::Type)]
        #[ts(export)]
        pub enum $name { $($(#[$vm])* #[serde(rename = $s)] #[sqlx(rename = $s)] $v,)+ }
        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$v),+];
            pub fn as_str(self) -> &'static str { match self { $(Self::$v => $s),+ } }
            pub fn parse(s: &str) -> Option<Self> { Self::ALL.iter().copied().find(|v| v.as_str() == s) }
        }
        impl $crate::machines::State for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str { $name::as_str(self) }
        }
        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool { self.as_str() == *other }
        }
        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool { self.as_str() == other }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use states;

/// What a step needs besides the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// A reason in words (recorded in the audit entry).
    Reason,
    /// The approvals named (checked by the operation that takes the step).
    Approval(&'static str),
    /// A linked record (checked by the operation that takes the step).
    Link(&'static str),
}

/// One allowed transition.
#[derive(Debug)]
pub struct Step<S: 'static> {
    /// The action's name, as the UI and the audit log know it.
    pub action: &'static str,
    pub from: &'static [S],
    pub to: S,
    /// Any of these lets a person take the step; none: only caused by another step.
    pub by: &'static [Action],
    pub needs: Needs,
    /// What else happens with it (for the documentation; done by the operation).
    pub causes: &'static str,
    /// The rule id of the refusal when the record is in none of the `from` states.
    pub refused: &'static str,
}

/// How a record may come into being in a state.
#[derive(Debug)]
pub struct Start<S: 'static> {
    pub state: S,
    /// Any of these may create it so; none: only created by another step in the core.
    pub by: &'static [Action],
    pub how: &'static str,
}

/// How a machine keeps its state in its column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// The state's text.
    Text,
    /// A two-state life cycle kept as the date of its second state: NULL is the first state
    /// (`recorded`, `open`), a date the second (`delivered`, `done`); a step into the second
    /// state writes its date, a step back clears it.
    Date,
}

/// One record's life cycle.
#[derive(Debug)]
pub struct Machine<S: 'static> {
    /// The machine's name (`partner`, `agreement` …), as the UI asks for its actions.
    pub name: &'static str,
    pub table: &'static str,
    pub column: &'static str,
    pub kept: Kept,
    /// Which requirements it serves and what it means, for the documentation.
    pub about: &'static str,
    pub starts: &'static [Start<S>],
    pub steps: &'static [Step<S>],
}

/// A status value made by a machine: the only value a status column accepts (the state's
/// text, or for a [`Kept::Date`] machine the date of its second state or NULL).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateVal(Option<String>);

impl StateVal {
    pub(crate) fn value(&self) -> Option<String> {
        self.0.clone()
    }
}

impl From<StateVal> for Val {
    fn from(v: StateVal) -> Val {
        Val::State(v)
    }
}

/// A step taken: the state before and after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moved<S> {
    pub from: S,
    pub to: S,
}

impl<S: State> Moved<S> {
    /// Records the move in an audit entry's changes under the machine's column.
    pub fn note(&self, column: &str, ch: &mut crate::audit::Changes) {
        ch.diff(column, &self.from.as_str(), &self.to.as_str());
    }
}

/// The roles a write was made in (`kiosk` holds only the application submission).
fn roles_of(w: &Write) -> (Vec<Role>, bool) {
    let kiosk = w.stamp.role == "kiosk";
    (w.stamp.role.split(',').filter_map(Role::parse).collect(), kiosk)
}

fn permits(by: &[Action], roles: &[Role], kiosk: bool) -> bool {
    by.iter().any(|&a| access::any_allows(roles, a) || (kiosk && a == Action::ApplicationSubmit))
}

impl<S: State> Machine<S> {
    /// The stored state of live row `id`.
    pub async fn state(&self, conn: &mut sqlx::SqliteConnection, id: &str) -> Result<S> {
        let read = match self.kept {
            Kept::Text => self.column.to_string(),
            Kept::Date => format!(
                "CASE WHEN {} IS NULL THEN '{}' ELSE '{}' END",
                self.column,
                S::ALL[0].as_str(),
                S::ALL[1].as_str()
            ),
        };
        let text: Option<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT {read} FROM {} WHERE id = ? AND deleted_at IS NULL",
            self.table
        )))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
        let text = text.ok_or_else(|| Error::NotFound { entity: self.table, id: id.into() })?;
        S::parse(&text)
            .ok_or_else(|| Error::Storage(format!("{}.{} holds '{text}'", self.table, self.column)))
    }

    fn named(&self, action: &str) -> impl Iterator<Item = &'static Step<S>> + '_ {
        let action = action.to_string();
        self.steps.iter().filter(move |s| s.action == action)
    }

    /// The step `action` from state `from`, or the refusal naming the column.
    pub fn step(&self, action: &str, from: S) -> Result<&'static Step<S>> {
        let mut named = self.named(action).peekable();
        let Some(first) = named.peek().copied() else {
            return Err(Error::Storage(format!("{} has no step '{action}'", self.name)));
        };
        named.find(|s| s.from.contains(&from)).ok_or_else(|| Error::field(self.column, first.refused))
    }

    /// A step that leads from `from` to `to` (a form that picks the next status).
    pub fn step_to(&self, from: S, to: S) -> Option<&'static Step<S>> {
        self.steps.iter().find(|s| s.from.contains(&from) && s.to == to)
    }

    /// Refuses unless `action` may be taken from `from` by the write's roles (nothing
    /// written): for operations that check before they change other columns.
    pub(crate) fn check(&self, w: &Write, action: &str, from: S) -> Result<&'static Step<S>> {
        let step = self.step(action, from)?;
        let (roles, kiosk) = roles_of(w);
        if step.by.is_empty() {
            return Err(Error::Storage(format!("{}.{action} is caused, not taken", self.name)));
        }
        if !permits(step.by, &roles, kiosk) {
            return Err(Error::Forbidden(step.by[0].as_str().to_string()));
        }
        Ok(step)
    }

    /// Takes step `action` on row `id` for the signed-in person: checks the state, the role
    /// and the reason (`reason` names the input field it came from), writes the status.
    pub(crate) async fn take(
        &self,
        w: &mut Write,
        id: &str,
        action: &str,
        reason: Option<(&str, &str)>,
    ) -> Result<Moved<S>> {
        let from = self.state(&mut w.tx, id).await?;
        let step = self.check(w, action, from)?;
        if step.needs == Needs::Reason {
            match reason {
                Some((_, text)) if !text.trim().is_empty() => {}
                Some((field, _)) => return Err(Error::field(field, "required")),
                None => return Err(Error::field("reason", "required")),
            }
        }
        self.write(w, id, from, step).await
    }

    /// Takes step `action` of a [`Kept::Date`] machine on row `id` on date `on` (checked by
    /// the caller): the state and the role as [`Machine::take`], then the column holds `on`,
    /// or NULL when the step leads back to the first state.
    pub(crate) async fn take_on(&self, w: &mut Write, id: &str, action: &str, on: &str) -> Result<Moved<S>> {
        if self.kept != Kept::Date {
            return Err(Error::Storage(format!("{} does not keep a date", self.name)));
        }
        let from = self.state(&mut w.tx, id).await?;
        let step = self.check(w, action, from)?;
        let value = (step.to != S::ALL[0]).then(|| on.to_string());
        crate::records::set_values(w, self.table, id, &[(self.column, Val::State(StateVal(value)))]).await?;
        Ok(Moved { from, to: step.to })
    }

    /// Takes a step that another step causes (no person's role is checked: the causing
    /// step was). Refused like [`Machine::take`] when the record is not in a `from` state.
    pub(crate) async fn cause(&self, w: &mut Write, id: &str, action: &str) -> Result<Moved<S>> {
        let from = self.state(&mut w.tx, id).await?;
        let step = self.step(action, from)?;
        if !step.by.is_empty() {
            return Err(Error::Storage(format!("{}.{action} is taken by a person", self.name)));
        }
        self.write(w, id, from, step).await
    }

    async fn write(&self, w: &mut Write, id: &str, from: S, step: &'static Step<S>) -> Result<Moved<S>> {
        if self.kept == Kept::Date {
            return Err(Error::Storage(format!("{} keeps a date: take_on", self.name)));
        }
        if from != step.to {
            crate::records::set_values(
                w,
                self.table,
                id,
                &[(self.column, Val::State(StateVal(Some(step.to.as_str().to_string()))))],
            )
            .await?;
        }
        Ok(Moved { from, to: step.to })
    }

    /// The value of a new row's status column: refused unless the machine lets the write's
    /// roles create the record in `state` (`caused`: created by another step in the core).
    pub(crate) fn start(&self, w: &Write, state: S, caused: bool) -> Result<StateVal> {
        let start = self
            .starts
            .iter()
            .find(|s| s.state == state)
            .ok_or_else(|| Error::field(self.column, "not_a_start"))?;
        if !caused {
            let (roles, kiosk) = roles_of(w);
            if !permits(start.by, &roles, kiosk) {
                return Err(Error::Forbidden(start.by.first().map_or("caused", |a| a.as_str()).to_string()));
            }
        }
        Ok(StateVal(match self.kept {
            Kept::Text => Some(state.as_str().to_string()),
            Kept::Date if state == S::ALL[0] => None,
            Kept::Date => return Err(Error::field(self.column, "not_a_start")),
        }))
    }

    /// The actions `roles` may take now on a record in `state`, in table order.
    pub fn offers(&self, roles: &[Role], state: S) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for s in self.steps {
            if s.from.contains(&state)
                && !s.by.is_empty()
                && permits(s.by, roles, false)
                && !out.contains(&s.action)
            {
                out.push(s.action);
            }
        }
        out
    }

    /// [`Machine::offers`] of a [`Kept::Date`] record whose column holds `date`.
    pub fn offers_dated(&self, roles: &[Role], date: &Option<String>) -> Vec<&'static str> {
        self.offers(roles, S::ALL[usize::from(date.is_some())])
    }

    /// [`Machine::offers`] of a stored status text (none for a text no state has).
    pub fn offers_text(&self, roles: &[Role], state: &str) -> Vec<&'static str> {
        S::parse(state).map(|s| self.offers(roles, s)).unwrap_or_default()
    }

    /// The states a form may pick next from `state` for `roles` (the current one first).
    pub fn next_states(&self, roles: &[Role], state: S) -> Vec<S> {
        let mut out = vec![state];
        for s in self.steps {
            if s.from.contains(&state)
                && !s.by.is_empty()
                && permits(s.by, roles, false)
                && !out.contains(&s.to)
            {
                out.push(s.to);
            }
        }
        out
    }
}

/// A machine without its state type: for the registry, the documentation and the guard.
pub trait Described: Sync {
    fn name(&self) -> &'static str;
    fn table(&self) -> &'static str;
    fn column(&self) -> &'static str;
    fn about(&self) -> &'static str;
    fn states(&self) -> Vec<&'static str>;
    /// `(state, actions, how)` of each way to create the record.
    fn starts(&self) -> Vec<(&'static str, Vec<&'static str>, &'static str)>;
    /// `(action, from, to, actions, needs, causes)` of each step.
    fn steps(&self) -> Vec<StepDoc>;
    /// The actions `roles` may take on row `id` now, read from the database.
    fn offers_text(&self, roles: &[Role], state: &str) -> Vec<&'static str>;
    /// The state a stored value of the column means (`None`: no state has it).
    fn state_of(&self, value: Option<&str>) -> Option<&'static str>;
    /// Whether `roles` (or another step, for a caused one) may bring a record into `state`:
    /// by a step or by creating it so. What an import checks a status change against.
    fn may_enter(&self, state: &str, roles: &[Role], kiosk: bool) -> bool {
        self.steps().iter().any(|s| s.to == state && (s.by.is_empty() || permits(&s.by, roles, kiosk)))
            || self.starts().iter().any(|(s, by, _)| {
                *s == state
                    && (by.is_empty()
                        || Action::ALL
                            .iter()
                            .any(|a| by.contains(&a.as_str()) && permits(&[*a], roles, kiosk)))
            })
    }
}

/// One step as the documentation and the model test read it.
#[derive(Debug, Clone)]
pub struct StepDoc {
    pub action: &'static str,
    pub from: Vec<&'static str>,
    pub to: &'static str,
    pub by: Vec<Action>,
    pub needs: Needs,
    pub causes: &'static str,
}

impl<S: State> Described for Machine<S> {
    fn name(&self) -> &'static str {
        self.name
    }
    fn table(&self) -> &'static str {
        self.table
    }
    fn column(&self) -> &'static str {
        self.column
    }
    fn about(&self) -> &'static str {
        self.about
    }
    fn states(&self) -> Vec<&'static str> {
        S::ALL.iter().map(|s| s.as_str()).collect()
    }
    fn starts(&self) -> Vec<(&'static str, Vec<&'static str>, &'static str)> {
        self.starts
            .iter()
            .map(|s| (s.state.as_str(), s.by.iter().map(|a| a.as_str()).collect(), s.how))
            .collect()
    }
    fn steps(&self) -> Vec<StepDoc> {
        self.steps
            .iter()
            .map(|s| StepDoc {
                action: s.action,
                from: s.from.iter().map(|f| f.as_str()).collect(),
                to: s.to.as_str(),
                by: s.by.to_vec(),
                needs: s.needs,
                causes: s.causes,
            })
            .collect()
    }
    fn offers_text(&self, roles: &[Role], state: &str) -> Vec<&'static str> {
        Machine::offers_text(self, roles, state)
    }
    fn state_of(&self, value: Option<&str>) -> Option<&'static str> {
        match self.kept {
            Kept::Text => value.and_then(S::parse).map(|s| s.as_str()),
            Kept::Date => Some(S::ALL[usize::from(value.is_some_and(|v| !v.is_empty()))].as_str()),
        }
    }
}

/// The roles of the signed-in person (none when nobody is): what a read offers them is
/// `Described::offers_text(&roles, state)`, read once per list.
pub fn session_roles(desk: &crate::Desk) -> Vec<Role> {
    desk.session_info().user.map(|u| u.roles).unwrap_or_default()
}

/// The machine named `name`.
pub fn by_name(name: &str) -> Option<&'static dyn Described> {
    ALL.iter().copied().find(|m| m.name() == name)
}

/// Whether `table.column` is a status column some machine owns.
pub(crate) fn is_state_column(table: &str, column: &str) -> bool {
    ALL.iter().any(|m| m.table() == table && m.column() == column)
}

/// `docs/state-machines.md`: every machine's states, creation and steps, from the tables.
pub fn markdown() -> String {
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Life cycles\n\n<!-- Generated from src/machines/tables.rs; tests/machines.rs fails when it \
         drifts (`CHANNELDESK_BLESS=1 cargo test --test machines the_documentation` rewrites it). \
         Do not edit by hand. -->\n\n\
         Every record with a status has one state machine. Nothing else writes a status column \
         (`records::insert` and `records::set_values` refuse one that no machine made). A step \
         with no roles is *caused* by another step in the core and never offered to a person. \
         Roles per action are in `src/access.rs` (`allows`).\n",
    );
    for m in ALL {
        let _ = write!(out, "\n## {} (`{}.{}`)\n\n{}\n\n", m.name(), m.table(), m.column(), m.about());
        let _ = writeln!(
            out,
            "States: {}.\n",
            m.states().iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ")
        );
        out.push_str("| created as | by | how |\n|---|---|---|\n");
        for (state, by, how) in m.starts() {
            let by = if by.is_empty() { "(caused)".to_string() } else { by.join(", ") };
            let _ = writeln!(out, "| `{state}` | {by} | {how} |");
        }
        out.push_str("\n| action | from | to | by | needs | causes |\n|---|---|---|---|---|---|\n");
        for s in m.steps() {
            let by = if s.by.is_empty() {
                "(caused)".to_string()
            } else {
                s.by.iter()
                    .map(|a| format!("{} ({})", a.as_str(), roles_holding(*a)))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let needs = match s.needs {
                Needs::Nothing => "—".to_string(),
                Needs::Reason => "a reason".to_string(),
                Needs::Approval(a) => format!("approval: {a}"),
                Needs::Link(l) => format!("link: {l}"),
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | `{}` | {by} | {needs} | {} |",
                s.action,
                s.from.iter().map(|f| format!("`{f}`")).collect::<Vec<_>>().join(", "),
                s.to,
                if s.causes.is_empty() { "—" } else { s.causes },
            );
        }
        out.push_str("\n```mermaid\nstateDiagram-v2\n");
        for (state, _, _) in m.starts() {
            let _ = writeln!(out, "    [*] --> {state}");
        }
        for s in m.steps() {
            for f in &s.from {
                let _ = writeln!(out, "    {f} --> {}: {}", s.to, s.action);
            }
        }
        out.push_str("```\n");
    }
    out
}

fn roles_holding(a: Action) -> String {
    Role::ALL.iter().filter(|r| access::allows(**r, a)).map(|r| r.as_str()).collect::<Vec<_>>().join(", ")
}
