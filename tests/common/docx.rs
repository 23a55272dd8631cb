//! A minimal Word document for tests: only `word/document.xml`, which is
//! all msklint reads a document's text from, one plain paragraph each.

use std::io::Write;

pub fn docx(paragraphs: &[&str]) -> Vec<u8> {
    let mut body = String::from(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>",
    );
    for p in paragraphs {
        body.push_str(&format!("<w:p><w:r><w:t>{p}</w:t></w:r></w:p>"));
    }
    body.push_str("</w:body></w:document>");
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("word/document.xml", options)
        .expect("a zip entry");
    zip.write_all(body.as_bytes()).expect("written");
    zip.finish().expect("a zip");
    buf.into_inner()
}
