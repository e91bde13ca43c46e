//! LibreOffice as a reader: a Word document converted to PDF headless, and the PDF's text (poppler's
//! pdftotext). The PDF is left beside the document.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Waits for `child` at most `limit`; kills it past that.
fn wait(mut child: Child, limit: Duration, what: &str) {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{what} failed: {status}");
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Converts `docx` to PDF next to it; returns the PDF's path.
pub fn to_pdf(office: &str, docx: &Path) -> PathBuf {
    let dir = docx.parent().unwrap();
    // A profile of its own, so a desktop LibreOffice (or a parallel test) does not hold its lock.
    let profile = tempfile::tempdir().unwrap();
    let child = Command::new(office)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.path().display()
        ))
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(docx)
        .env("HOME", profile.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait(child, Duration::from_secs(180), "libreoffice --convert-to pdf");
    let pdf = docx.with_extension("pdf");
    assert!(pdf.is_file(), "no PDF at {}", pdf.display());
    pdf
}

/// The text of the PDF LibreOffice makes of `docx`.
pub fn pdf_text(office: &str, docx: &Path) -> String {
    let pdf = to_pdf(office, docx);
    let txt = pdf.with_extension("txt");
    let child = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&pdf)
        .arg(&txt)
        .spawn()
        .unwrap();
    wait(child, Duration::from_secs(60), "pdftotext");
    std::fs::read_to_string(txt).unwrap()
}
