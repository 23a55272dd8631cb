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

/// A URI as the protocol's type reads it: `text` itself when it parses,
/// otherwise `text` with what a URI cannot hold percent-encoded (a raw
/// `é`, a space, `[`, a `%` not followed by two hex digits), as some
/// clients send them. `None` when even that is no URI.
pub fn lenient(text: &str) -> Option<String> {
    if Uri::from_str(text).is_ok() {
        return Some(text.to_string());
    }
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + 8);
    for (i, &b) in bytes.iter().enumerate() {
        let escape = b == b'%'
            && bytes
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
        if b.is_ascii_alphanumeric() || b"-._~:/?#@!$&'()*+,;=".contains(&b) || escape {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).is_ok().then_some(out)
}

/// Every `uri` (and `rootUri`, `targetUri`) string in a message's
/// parameters that is no URI as written, made one by [`lenient`]. Returns
/// the pairs (as rewritten, as the client wrote it), and the strings that
/// could not be made URIs.
pub fn admit(params: &mut serde_json::Value) -> (Vec<(String, String)>, Vec<String>) {
    let mut rewritten = Vec::new();
    let mut refused = Vec::new();
    walk_uris(params, &mut |text: &mut String| {
        if Uri::from_str(text).is_ok() {
            return;
        }
        match lenient(text) {
            Some(fixed) => {
                rewritten.push((fixed.clone(), std::mem::replace(text, fixed)));
            }
            None => refused.push(text.clone()),
        }
    });
    (rewritten, refused)
}

fn walk_uris(value: &mut serde_json::Value, f: &mut impl FnMut(&mut String)) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match v {
                    Value::String(s) if matches!(key.as_str(), "uri" | "rootUri" | "targetUri") => {
                        f(s)
                    }
                    _ => walk_uris(v, f),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| walk_uris(v, f)),
        _ => {}
    }
}

/// Puts back the URIs a client wrote, wherever the server's answer names
/// one as rewritten by [`admit`] (as a value, or as the key of a
/// workspace edit's `changes`): the client matches them as it sent them.
pub fn restore(value: &mut serde_json::Value, written: &std::collections::HashMap<String, String>) {
    use serde_json::Value;
    match value {
        Value::String(s) => {
            if let Some(original) = written.get(s.as_str()) {
                s.clone_from(original);
            }
        }
        Value::Object(map) => {
            let renamed: Vec<String> = map
                .keys()
                .filter(|k| written.contains_key(k.as_str()))
                .cloned()
                .collect();
            for key in renamed {
                if let Some(v) = map.remove(&key) {
                    map.insert(written[&key].clone(), v);
                }
            }
            map.values_mut().for_each(|v| restore(v, written));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| restore(v, written)),
        _ => {}
    }
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

    #[cfg(unix)]
    #[test]
    fn raw_accents_spaces_and_brackets_are_read_as_encoded() {
        for (raw, path) in [
            ("file:///tmp/x/café/y.pathway", "/tmp/x/café/y.pathway"),
            ("file:///tmp/my dir/[x].pathway", "/tmp/my dir/[x].pathway"),
            ("file:///tmp/50%/a%20b.md", "/tmp/50%/a b.md"),
        ] {
            let fixed = lenient(raw).unwrap();
            assert_eq!(to_path(&uri(&fixed)).unwrap(), Path::new(path), "{fixed}");
        }
        assert_eq!(lenient("file:///a/b.md").unwrap(), "file:///a/b.md");
        let mut params =
            serde_json::json!({ "textDocument": { "uri": "file:///a/é.md", "text": "é" } });
        let (rewritten, refused) = admit(&mut params);
        assert_eq!(params["textDocument"]["uri"], "file:///a/%C3%A9.md");
        assert_eq!(params["textDocument"]["text"], "é");
        assert!(refused.is_empty());
        let written = rewritten.into_iter().collect();
        let mut answer = serde_json::json!({ "changes": { "file:///a/%C3%A9.md": [] }, "uri": "file:///a/%C3%A9.md" });
        restore(&mut answer, &written);
        assert_eq!(
            answer,
            serde_json::json!({ "changes": { "file:///a/é.md": [] }, "uri": "file:///a/é.md" })
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
