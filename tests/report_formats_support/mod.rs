//! What the document-format tests share.

pub mod office;
pub mod quarter;
pub mod svg;
pub mod word;
