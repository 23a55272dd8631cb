//! `file:` URIs to paths and back. Editors name documents by URI; msklint
//! finds `msklint.yaml` and applies per-path overrides by path. Documents
//! with other schemes (`untitled:` for a buffer never saved) have no path.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::Uri;

/// The local path a `file:` URI names, or `None` for other schemes and
/// for files on another host.
pub fn to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let scheme_end = text.find(':')?;
    if !text[..scheme_end].eq_ignore_ascii_case("file") {
        return None;
    }
    let rest = text[scheme_end + 1..].strip_prefix("//")?;
    let (host, path) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, "/"),
    };
    if !(host.is_empty() || host.eq_ignore_ascii_case("localhost")) {
        return None;
    }
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let bytes = percent_decode(path)?;
    from_bytes(bytes)
}

#[cfg(unix)]
fn from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Some(PathBuf::from(std::ffi::OsString::from_vec(bytes)))
}

#[cfg(not(unix))]
fn from_bytes(bytes: Vec<u8>) -> Option<PathBuf> {
    let text = String::from_utf8(bytes).ok()?;
    // `/C:/dir/file` names `C:/dir/file`.
    let text = match text.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => text[1..].to_string(),
        _ => text,
    };
    Some(PathBuf::from(text))
}

fn percent_decode(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The `file:` URI of an absolute path.
pub fn from_path(path: &Path) -> Option<Uri> {
    let text = path.to_str()?.replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~:".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&uri).ok()
}

/// The last segment of a URI's path, decoded when it can be: the name of
/// an unsaved buffer (`untitled:Untitled-1` → `Untitled-1`).
pub fn last_segment(uri: &Uri) -> String {
    let text = uri.as_str();
    let after_scheme = text.split_once(':').map_or(text, |(_, rest)| rest);
    let path = after_scheme.split(['?', '#']).next().unwrap_or("");
    let segment = path
        .rsplit('/')
        .find(|s| !s.is_empty())
        .unwrap_or("untitled");
    percent_decode(segment)
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_else(|| segment.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(s: &str) -> Uri {
        Uri::from_str(s).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_round_trip_with_spaces_and_accents() {
        let path = Path::new("/tmp/my policies/hanché 🦴.md");
        let u = from_path(path).unwrap();
        assert_eq!(
            u.as_str(),
            "file:///tmp/my%20policies/hanch%C3%A9%20%F0%9F%A6%B4.md"
        );
        assert_eq!(to_path(&u).unwrap(), path);
        assert_eq!(
            to_path(&uri("file://localhost/a/b%20c.pathway")).unwrap(),
            Path::new("/a/b c.pathway")
        );
    }

    #[test]
    fn other_schemes_and_hosts_have_no_path() {
        assert_eq!(to_path(&uri("untitled:Untitled-1")), None);
        assert_eq!(to_path(&uri("file://server/share/a.pathway")), None);
        assert_eq!(last_segment(&uri("untitled:Untitled-1")), "Untitled-1");
        assert_eq!(last_segment(&uri("file:///a/b%20c.md")), "b c.md");
    }
}
