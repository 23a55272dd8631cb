//! Format Document: the layout of `msklint fmt`, for pathways only. A
//! pathway with a syntax error is left as it is, as `msklint fmt` leaves it.

use lsp_types::TextEdit;

use super::documents::Document;
use super::positions::whole;
use crate::format::{format, FormatError};

/// What formatting a document comes to.
pub enum Formatted {
    /// Edits that lay the document out (none when it already is).
    Edits(Vec<TextEdit>),
    /// Not a pathway, or it does not parse: nothing to do.
    Nothing(Option<String>),
    /// The formatter failed its own check: a bug in msklint, not the file.
    Failed(String),
}

pub fn formatting(doc: &Document) -> Formatted {
    if !doc.is_pathway() {
        return Formatted::Nothing(None);
    }
    match format(&doc.text) {
        Ok(out) if out == doc.text => Formatted::Edits(Vec::new()),
        Ok(out) => Formatted::Edits(vec![TextEdit {
            range: whole(&doc.text),
            new_text: out,
        }]),
        Err(FormatError::Syntax(_)) => Formatted::Nothing(Some(
            "msklint: not formatted, because the pathway has a syntax error; fix it first"
                .to_string(),
        )),
        Err(FormatError::Internal(why)) => Formatted::Failed(format!(
            "msklint could not format this file faithfully, so left it as it was ({why}); please report this"
        )),
    }
}
