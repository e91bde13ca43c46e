//! The `.docx` package (a zip of XML parts): every part but the document's body as docx-rs writes it for the
//! styled, empty document, and the body written into its part as it comes, so a document of any length is
//! packed in bounded memory.

use std::io::{self, BufWriter, Seek, Write};

use docx_rs::{Docx, XMLDocx};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const BODY_OPEN: &[u8] = b"<w:body>";

/// Writes the package of `styled` (an empty document, its page and styles set) into `out`, with `body` writing
/// what goes inside the document's `<w:body>`, before the section's properties.
pub(super) fn write<W: Write + Seek>(
    out: W,
    styled: Docx,
    body: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let parts = styled.build();
    let (open, close) = split(&parts.document)?;
    let mut zip = ZipWriter::new(out);
    // The folders first, as docx-rs lists them.
    for folder in ["word/", "word/_rels", "_rels/", "docProps/"] {
        zip.add_directory(folder, SimpleFileOptions::default())?;
    }
    let file = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o755);
    let (before, after) = listed(&parts);
    for (name, bytes) in before {
        zip.start_file(name, file)?;
        zip.write_all(bytes)?;
    }
    zip.start_file("word/document.xml", file)?;
    zip.write_all(open)?;
    let mut buffered = BufWriter::new(&mut zip);
    body(&mut buffered)?;
    buffered.flush()?;
    drop(buffered);
    zip.write_all(close)?;
    for (name, bytes) in after {
        zip.start_file(name, file)?;
        zip.write_all(bytes)?;
    }
    zip.finish()?;
    Ok(())
}

/// The document's XML up to and including `<w:body>`, and from the section's properties on (the empty
/// document's body holds nothing else).
fn split(document: &[u8]) -> io::Result<(&[u8], &[u8])> {
    let at = document
        .windows(BODY_OPEN.len())
        .position(|w| w == BODY_OPEN)
        .ok_or_else(|| io::Error::other("the document's XML has no body"))?;
    Ok(document.split_at(at + BODY_OPEN.len()))
}

type Listed<'a> = Vec<(&'static str, &'a [u8])>;

/// The parts before the document and after it, in the order docx-rs packs them (a document with no headers,
/// footers, pictures or add-ins has no others).
fn listed(parts: &XMLDocx) -> (Listed<'_>, Listed<'_>) {
    let before = vec![
        ("[Content_Types].xml", &parts.content_type[..]),
        ("_rels/.rels", &parts.rels),
        ("docProps/app.xml", &parts.doc_props.app),
        ("docProps/core.xml", &parts.doc_props.core),
        ("docProps/custom.xml", &parts.doc_props.custom),
        ("word/_rels/document.xml.rels", &parts.document_rels),
    ];
    let after = vec![
        ("word/styles.xml", &parts.styles[..]),
        ("word/settings.xml", &parts.settings),
        ("word/fontTable.xml", &parts.font_table),
        ("word/comments.xml", &parts.comments),
        ("word/numbering.xml", &parts.numberings),
        ("word/commentsExtended.xml", &parts.comments_extended),
        ("word/footnotes.xml", &parts.footnotes),
    ];
    (before, after)
}
