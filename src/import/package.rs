//! The zip packages Office saves (`.pptx`, `.vsdx`): an archive of XML
//! parts, read by the `zip` crate within fixed limits so a zip bomb is
//! refused with a reason, never unpacked: at most [`MAX_ZIP_ENTRIES`]
//! entries in the archive, and at most [`MAX_INFLATED_BYTES`] inflated
//! from all the parts read, counted as they inflate (the sizes an archive
//! declares are not trusted).

use std::io::{Cursor, Read};

use super::MAX_INFLATED_BYTES;

/// The most entries an Office package may hold (a deck of a hundred
/// slides, or a drawing of a hundred pages, with their layouts, masters,
/// media and relationships has a few hundred).
pub const MAX_ZIP_ENTRIES: usize = 5_000;

/// An open package and what is left of its inflation budget.
pub struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    left: usize,
}

impl<'a> Package<'a> {
    /// Opens the archive; `what` names the kind of file in messages ("a
    /// PowerPoint file").
    pub fn open(bytes: &'a [u8], what: &str) -> Result<Package<'a>, String> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| format!("it is not {what} (not a readable zip archive: {e})"))?;
        if archive.len() > MAX_ZIP_ENTRIES {
            return Err(format!(
                "its zip archive has {} entries, over the {MAX_ZIP_ENTRIES} msklint opens",
                archive.len()
            ));
        }
        Ok(Package {
            archive,
            left: MAX_INFLATED_BYTES,
        })
    }

    /// The names of the entries, in the archive's order.
    pub fn names(&self) -> Vec<String> {
        self.archive.file_names().map(str::to_string).collect()
    }

    /// One part, inflated, or `None` when there is no such entry. Every
    /// part read counts against the one budget.
    pub fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, String> {
        let Ok(entry) = self.archive.by_name(name) else {
            return Ok(None);
        };
        let mut out = Vec::new();
        entry
            .take(self.left as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("its part {name} does not inflate ({e})"))?;
        if out.len() > self.left {
            return Err(format!(
                "its parts inflate to more than {} MB, over the limit (a zip bomb, or not a flowchart)",
                MAX_INFLATED_BYTES / (1024 * 1024)
            ));
        }
        self.left -= out.len();
        Ok(Some(out))
    }

    /// A part as text.
    pub fn text(&mut self, name: &str) -> Result<Option<String>, String> {
        match self.part(name)? {
            None => Ok(None),
            Some(bytes) => String::from_utf8(bytes)
                .map(Some)
                .map_err(|_| format!("its part {name} is not UTF-8 XML")),
        }
    }
}

/// The parts a part's relationships (`_rels/NAME.rels`) point at, as
/// (relationship ID, part name) pairs, targets resolved against the folder
/// of `part` ("ppt/presentation.xml" and "slides/slide1.xml" give
/// "ppt/slides/slide1.xml"). External targets are left out.
pub fn relationships(
    package: &mut Package<'_>,
    part: &str,
) -> Result<Vec<(String, String)>, String> {
    let (folder, file) = part.rsplit_once('/').unwrap_or(("", part));
    let rels = if folder.is_empty() {
        format!("_rels/{file}.rels")
    } else {
        format!("{folder}/_rels/{file}.rels")
    };
    let Some(xml) = package.text(&rels)? else {
        return Ok(Vec::new());
    };
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = Vec::new();
    loop {
        match reader
            .read_event()
            .map_err(|e| format!("its part {rels} is malformed XML: {e}"))?
        {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.local_name().as_ref() == b"Relationship" =>
            {
                if attribute(&e, b"TargetMode").as_deref() == Some("External") {
                    continue;
                }
                if let (Some(id), Some(target)) = (attribute(&e, b"Id"), attribute(&e, b"Target")) {
                    out.push((id, resolve(folder, &target)));
                }
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// A relationship target resolved against `folder`: `..` steps up, a
/// leading `/` starts at the package root.
fn resolve(folder: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        folder.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// An attribute's value, unescaped, by its local name.
pub fn attribute(e: &quick_xml::events::BytesStart<'_>, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == key)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            quick_xml::escape::unescape(&raw)
                .map(|c| c.into_owned())
                .unwrap_or(raw)
        })
}

/// The number in a part name such as `ppt/slides/slide12.xml` (12), for
/// ordering parts when no relationship gives their order.
pub fn number_in(name: &str) -> Option<u64> {
    let file = name.rsplit('/').next().unwrap_or(name);
    let stem = file.strip_suffix(".xml")?;
    let digits: String = stem
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_their_folder() {
        assert_eq!(resolve("ppt", "slides/slide1.xml"), "ppt/slides/slide1.xml");
        assert_eq!(
            resolve("ppt/slides", "../slideLayouts/a.xml"),
            "ppt/slideLayouts/a.xml"
        );
        assert_eq!(resolve("ppt", "/ppt/slides/s.xml"), "ppt/slides/s.xml");
    }

    #[test]
    fn numbers_in_part_names() {
        assert_eq!(number_in("ppt/slides/slide12.xml"), Some(12));
        assert_eq!(number_in("visio/pages/page3.xml"), Some(3));
        assert_eq!(number_in("ppt/slides/slide.xml"), None);
    }

    #[test]
    fn not_a_zip() {
        assert!(Package::open(b"hello", "a PowerPoint file")
            .err()
            .unwrap_or_default()
            .contains("not a readable zip archive"));
    }
}
