//! `msklint server` at the protocol level: a test client drives the server
//! in-process over `Connection::memory()`, message by message, as an
//! editor would over standard input and output.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use lsp_types::{Position, Range, Uri};
use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(30);

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn uri_of(path: &Path) -> Uri {
    msklint::server::uris::from_path(path).unwrap()
}

struct Client {
    conn: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    /// Notifications read while waiting for something else.
    backlog: VecDeque<Notification>,
    /// Requests the server sent the client.
    requests: Vec<Request>,
    pub initialized: Value,
}

/// What a client that renders Markdown and shows trees says it can do.
fn rich_capabilities() -> Value {
    json!({
        "textDocument": {
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true },
            "publishDiagnostics": { "relatedInformation": true, "versionSupport": true }
        },
        "general": { "positionEncodings": ["utf-16"] }
    })
}

impl Client {
    fn start(capabilities: Value, root: Option<&Path>) -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || msklint::server::serve(server_side));
        let mut client = Client {
            conn: client_side,
            server: Some(server),
            next_id: 0,
            backlog: VecDeque::new(),
            requests: Vec::new(),
            initialized: Value::Null,
        };
        let root_uri = root.map(|r| uri_of(r).as_str().to_string());
        let result = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": root_uri,
                    "capabilities": capabilities,
                }),
            )
            .unwrap();
        client.initialized = result;
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        self.conn
            .sender
            .send(Message::Notification(Notification::new(
                method.to_string(),
                params,
            )))
            .unwrap();
    }

    fn recv(&mut self) -> Message {
        match self.conn.receiver.recv_timeout(WAIT) {
            Ok(Message::Request(r)) => {
                self.requests.push(r.clone());
                Message::Request(r)
            }
            Ok(m) => m,
            Err(e) => panic!("nothing from the server in {WAIT:?}: {e}"),
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Result<Value, lsp_server::ResponseError> {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.conn
            .sender
            .send(Message::Request(Request::new(
                id.clone(),
                method.to_string(),
                params,
            )))
            .unwrap();
        loop {
            match self.recv() {
                Message::Response(Response {
                    id: got,
                    response_result,
                }) if got == id => return response_result,
                Message::Notification(n) => self.backlog.push_back(n),
                _ => {}
            }
        }
    }

    /// The next notification called `method` that `pick` accepts, from
    /// the backlog first. Earlier ones of that method that it rejects are
    /// dropped (they are older news); other notifications are kept.
    fn wait_for(&mut self, method: &str, mut pick: impl FnMut(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        let mut kept = VecDeque::new();
        let mut found = None;
        while let Some(n) = self.backlog.pop_front() {
            if n.method != method {
                kept.push_back(n);
            } else if pick(&n.params) {
                found = Some(n.params);
                break;
            }
        }
        kept.extend(self.backlog.drain(..));
        self.backlog = kept;
        if let Some(found) = found {
            return found;
        }
        loop {
            assert!(Instant::now() < deadline, "no {method} in {WAIT:?}");
            match self.conn.receiver.recv_timeout(deadline - Instant::now()) {
                Ok(Message::Notification(n)) if n.method == method => {
                    if pick(&n.params) {
                        return n.params;
                    }
                }
                Ok(Message::Notification(n)) => self.backlog.push_back(n),
                Ok(Message::Request(r)) => self.requests.push(r),
                Ok(Message::Response(_)) => {}
                Err(_) => panic!(
                    "no {method} in {WAIT:?}; other notifications: {:#?}",
                    self.backlog
                ),
            }
        }
    }

    /// The diagnostics published for `uri` (at `version`, if given).
    fn diagnostics(&mut self, uri: &Uri, version: Option<i32>) -> Vec<Value> {
        let params = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri.as_str() && version.is_none_or(|v| p["version"] == v)
        });
        params["diagnostics"].as_array().unwrap().clone()
    }

    fn open(&mut self, uri: &Uri, language: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri.as_str(), "languageId": language, "version": 1, "text": text
            }}),
        );
        self.diagnostics(uri, Some(1))
    }

    fn change(&mut self, uri: &Uri, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri.as_str(), "version": version },
                "contentChanges": changes,
            }),
        );
    }

    fn at(uri: &Uri, p: Position) -> Value {
        json!({ "textDocument": { "uri": uri.as_str() }, "position": p })
    }

    /// `shutdown`, `exit`, and how the server's loop ended.
    fn shutdown(mut self) -> Result<(), String> {
        assert_eq!(self.request("shutdown", Value::Null).unwrap(), Value::Null);
        self.notify("exit", Value::Null);
        self.server.take().unwrap().join().unwrap()
    }
}

/// The diagnostics of one rule.
fn of_rule<'a>(found: &'a [Value], rule: &str) -> Vec<&'a Value> {
    found.iter().filter(|d| d["data"]["rule"] == rule).collect()
}

fn range(v: &Value) -> Range {
    serde_json::from_value(v.clone()).unwrap()
}

/// Where `needle` starts in `text`, as a protocol position (UTF-16).
fn position_of(text: &str, needle: &str) -> Position {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in text"));
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Position::new(
        line as u32,
        text[line_start..at].encode_utf16().count() as u32,
    )
}

/// The text with a workspace edit's changes to `uri` applied.
fn apply(text: &str, edit: &Value, uri: &Uri) -> String {
    let edits = edit["changes"][uri.as_str()].as_array().unwrap();
    let mut edits: Vec<(Range, String)> = edits
        .iter()
        .map(|e| {
            (
                range(&e["range"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // From the end, so earlier offsets stay valid.
    edits.sort_by_key(|(r, _)| std::cmp::Reverse((r.start.line, r.start.character)));
    let mut out = text.to_string();
    for (r, new) in edits {
        let (a, b) = (offset(&out, r.start), offset(&out, r.end));
        out.replace_range(a..b, &new);
    }
    out
}

fn offset(text: &str, p: Position) -> usize {
    let mut line_start = 0;
    for _ in 0..p.line {
        line_start += text[line_start..].find('\n').unwrap() + 1;
    }
    let mut units = 0;
    for (i, c) in text[line_start..].char_indices() {
        if units >= p.character as usize || c == '\n' {
            return line_start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

fn example() -> String {
    std::fs::read_to_string(root().join("fixtures/examples/hip-knee-oa.pathway")).unwrap()
}

const SMALL: &str = "pathway \"P\" {\n  inequalities: \"x\"\n  entry gp: \"GP\" { kind: gp }\n  service fcp: \"First contact\" { kind: primary }\n  service ortho: \"Surgery\" { kind: secondary requires: bmi < 40 }\n  exit home: \"Home\"\n  gp -> fcp\n  fcp -> ortho when \"severe\"\n  ortho -> home\n}\n";

// ---- the session ------------------------------------------------------------------

#[test]
fn initialize_announces_utf16_and_what_the_server_does_and_shutdown_ends_cleanly() {
    let client = Client::start(rich_capabilities(), None);
    let caps = &client.initialized["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-16");
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental");
    assert_eq!(caps["textDocumentSync"]["openClose"], true);
    for provider in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentSymbolProvider",
        "documentFormattingProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}");
    }
    assert_eq!(caps["renameProvider"]["prepareProvider"], true);
    assert_eq!(
        caps["codeActionProvider"]["codeActionKinds"],
        json!(["quickfix"])
    );
    assert_eq!(client.initialized["serverInfo"]["name"], "msklint");
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn exit_without_shutdown_is_an_error_and_requests_after_shutdown_are_refused() {
    let mut client = Client::start(json!({}), None);
    client.notify("exit", Value::Null);
    let outcome = client.server.take().unwrap().join().unwrap();
    assert!(outcome.unwrap_err().contains("before `shutdown`"));

    let mut client = Client::start(json!({}), None);
    assert_eq!(
        client.request("shutdown", Value::Null).unwrap(),
        Value::Null
    );
    // A second `shutdown` is refused like any request after the first.
    let again = client.request("shutdown", Value::Null).unwrap_err();
    assert_eq!(again.code, lsp_server::ErrorCode::InvalidRequest as i32);
    let refused = client
        .request(
            "textDocument/hover",
            Client::at(
                &Uri::from_str("file:///x.pathway").unwrap(),
                Position::new(0, 0),
            ),
        )
        .unwrap_err();
    assert_eq!(refused.code, lsp_server::ErrorCode::InvalidRequest as i32);
    client.notify("exit", Value::Null);
    assert_eq!(client.server.take().unwrap().join().unwrap(), Ok(()));
}

#[test]
fn trace_cancel_and_unknown_methods_do_no_harm() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    let mut client = Client::start(json!({}), None);
    client.notify("$/setTrace", json!({ "value": "verbose" }));
    client.notify("$/cancelRequest", json!({ "id": 99 }));
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": {} }),
    );
    let unknown = client
        .request(
            "textDocument/completion",
            Client::at(&uri, Position::new(0, 0)),
        )
        .unwrap_err();
    assert_eq!(unknown.code, lsp_server::ErrorCode::MethodNotFound as i32);
    // Still serving.
    assert!(!client.open(&uri, "pathway", SMALL).is_empty());
    assert_eq!(client.shutdown(), Ok(()));
}

// ---- over standard input and output, malformed messages -------------------------

/// A body framed as the protocol frames it.
fn frame(body: &str) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

fn initialize_body(id: i32) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "initialize",
           "params": {"processId": null, "rootUri": null, "capabilities": {}}})
    .to_string()
}

/// The messages `msklint server` writes, its exit status and what it
/// printed, for `input` written to it whole (standard input is closed
/// only after that). A server that has not ended after [`WAIT`] is killed.
fn stdio_session(input: &[u8]) -> (Vec<Value>, Option<i32>, String) {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_msklint"))
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        bytes
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut stdin = child.stdin.take().unwrap();
    // A server that stopped early cannot be written to; its status says so.
    let _ = stdin.write_all(input);
    let _ = stdin.flush();
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the server did not stop within {WAIT:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    let bytes = out.join().unwrap();
    let mut messages = Vec::new();
    let mut rest = &bytes[..];
    while !rest.is_empty() {
        let text = std::str::from_utf8(rest).unwrap();
        let (header, after) = text.split_once("\r\n\r\n").unwrap();
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .unwrap()
            .parse()
            .unwrap();
        messages.push(serde_json::from_str(&after[..length]).unwrap());
        rest = &after.as_bytes()[length..];
    }
    (messages, status.code(), err.join().unwrap())
}

/// The answer to request `id` (a number or `null`), at most one allowed.
fn answer_to<'a>(messages: &'a [Value], id: &Value) -> Vec<&'a Value> {
    messages
        .iter()
        .filter(|m| m.get("method").is_none() && m.get("id") == Some(id))
        .collect()
}

#[test]
fn bodies_that_are_not_messages_are_answered_and_the_server_goes_on() {
    let mut input = Vec::new();
    input.extend(frame(&initialize_body(1)));
    input.extend(frame(
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    input.extend(frame("{not json"));
    input.extend(frame("[]"));
    input.extend(frame(r#"{"jsonrpc":"2.0"}"#));
    input.extend(frame(r#"{"jsonrpc":"2.0","id":5}"#));
    input.extend(frame(
        r#"{"jsonrpc":"2.0","id":2,"method":"textDocument/documentSymbol","params":{"textDocument":{"uri":"file:///nowhere/x.pathway"}}}"#,
    ));
    input.extend(frame(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#));
    input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
    let (messages, status, stderr) = stdio_session(&input);
    assert_eq!(status, Some(0), "stderr: {stderr}\nmessages: {messages:?}");
    assert_eq!(stderr, "");
    // The three bodies without an id are answered in order, to `null`.
    let unaddressed: Vec<i64> = answer_to(&messages, &Value::Null)
        .iter()
        .map(|m| m["error"]["code"].as_i64().unwrap())
        .collect();
    assert_eq!(unaddressed, [-32700, -32600, -32600]);
    // One with an id that reads is answered to it.
    let five = answer_to(&messages, &json!(5));
    assert_eq!(five.len(), 1);
    assert_eq!(five[0]["error"]["code"], -32600);
    // Later requests are still answered.
    let symbols = answer_to(&messages, &json!(2));
    assert_eq!(symbols.len(), 1);
    assert!(symbols[0].get("error").is_none(), "{:?}", symbols[0]);
    let shutdown = answer_to(&messages, &json!(3));
    assert_eq!(shutdown.len(), 1);
    assert_eq!(shutdown[0]["result"], Value::Null);
    for m in &messages {
        assert_eq!(m["jsonrpc"], "2.0");
        if let Some(text) = m["error"]["message"].as_str() {
            assert!(!text.contains('{') && !text.is_empty(), "{text}");
        }
    }
}

#[test]
fn a_broken_frame_ends_the_session_and_says_so() {
    let mut input = Vec::new();
    input.extend(frame(&initialize_body(1)));
    input.extend(b"Content-Length: lots\r\n\r\n{}");
    // Never read: the stream is lost after a broken header.
    input.extend(frame(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#));
    let (messages, status, stderr) = stdio_session(&input);
    assert_eq!(status, Some(1));
    assert_eq!(answer_to(&messages, &json!(1)).len(), 1, "{messages:?}");
    assert!(answer_to(&messages, &json!(3)).is_empty());
    assert!(stderr.contains("malformed Content-Length"), "{stderr}");
    assert!(!stderr.contains("went away"), "{stderr}");
}

#[test]
fn requests_before_initialize_and_a_second_initialize_are_refused_plainly() {
    let mut input = Vec::new();
    input.extend(frame(
        r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.pathway"},"position":{"line":0,"character":0}}}"#,
    ));
    input.extend(frame(
        r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
    ));
    input.extend(frame(&initialize_body(2)));
    input.extend(frame(&initialize_body(3)));
    input.extend(frame(r#"{"jsonrpc":"2.0","id":4,"method":"shutdown"}"#));
    input.extend(frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
    let (messages, status, stderr) = stdio_session(&input);
    assert_eq!(status, Some(0), "stderr: {stderr}\nmessages: {messages:?}");
    let early = answer_to(&messages, &json!(1));
    assert_eq!(early.len(), 1);
    assert_eq!(early[0]["error"]["code"], -32002);
    let text = early[0]["error"]["message"].as_str().unwrap();
    assert!(text.contains("initialize"), "{text}");
    assert!(
        !text.contains("Request {") && !text.contains("RequestId"),
        "{text}"
    );
    let first = answer_to(&messages, &json!(2));
    assert_eq!(first[0]["result"]["serverInfo"]["name"], "msklint");
    let second = answer_to(&messages, &json!(3));
    assert_eq!(second.len(), 1);
    assert_eq!(second[0]["error"]["code"], -32600);
    assert!(!second[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains('{'));
    assert_eq!(answer_to(&messages, &json!(4))[0]["result"], Value::Null);
}

// ---- diagnostics ----------------------------------------------------------------------

#[test]
fn diagnostics_on_open_carry_severity_code_link_and_related_locations() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("hip-knee-oa.pathway"));
    let text = example();
    let mut client = Client::start(rich_capabilities(), None);
    let found = client.open(&uri, "pathway", &text);

    let bmi = of_rule(&found, "bmi-threshold");
    assert_eq!(bmi.len(), 1, "{found:#?}");
    let bmi = bmi[0];
    assert_eq!(bmi["severity"], 1);
    assert_eq!(bmi["code"], "MSK101 bmi-threshold");
    assert_eq!(bmi["source"], "msklint");
    assert_eq!(
        bmi["codeDescription"]["href"],
        "https://github.com/msklint/msklint/blob/main/docs/rules.md#msk101-bmi-threshold"
    );
    let r = range(&bmi["range"]);
    assert_eq!(r.start, position_of(&text, "bmi < 40"));
    assert_eq!(r.end.character - r.start.character, "bmi < 40".len() as u32);
    // The same findings as `msklint check` gives for the file.
    let session = msklint::session::Session::load(&Default::default()).unwrap();
    let report = session.check(msklint::session::Input::text("x.pathway", text.clone()));
    assert_eq!(found.len(), report.diagnostics.len());

    // A finding with a secondary label has a related location.
    let dup = "pathway \"P\" {\n  entry a: \"A\" { kind: gp }\n  entry a: \"B\" { kind: gp }\n}\n";
    let uri2 = uri_of(&dir.path().join("dup.pathway"));
    let found = client.open(&uri2, "pathway", dup);
    let d = of_rule(&found, "duplicate-node")[0];
    let related = &d["relatedInformation"][0];
    assert_eq!(related["message"], "first declared here");
    assert_eq!(related["location"]["uri"], uri2.as_str());
    assert_eq!(
        range(&related["location"]["range"]).start,
        Position::new(1, 8)
    );
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn changes_are_checked_and_the_latest_version_is_always_published() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    let mut client = Client::start(json!({}), None);
    let first = client.open(&uri, "pathway", SMALL);
    assert_eq!(of_rule(&first, "bmi-threshold").len(), 1);

    // A burst of edits: `40` → `41` → `42`, then the criterion removed.
    let at = position_of(SMALL, "40 }");
    let two = |p: Position| Range::new(p, Position::new(p.line, p.character + 2));
    client.change(&uri, 2, json!([{ "range": two(at), "text": "41" }]));
    client.change(&uri, 3, json!([{ "range": two(at), "text": "42" }]));
    let start = position_of(SMALL, " requires: bmi");
    let end = Position::new(at.line, at.character + 2);
    client.change(
        &uri,
        4,
        json!([{ "range": Range::new(start, end), "text": "" }]),
    );
    let mut versions = Vec::new();
    let last = client.wait_for("textDocument/publishDiagnostics", |p| {
        versions.push(p["version"].as_i64().unwrap());
        p["version"] == 4
    });
    assert!(versions.len() <= 3, "every version published: {versions:?}");
    let found = last["diagnostics"].as_array().unwrap();
    assert!(of_rule(found, "bmi-threshold").is_empty(), "{found:#?}");

    // Typing that pauses is still checked: one more change, alone.
    std::thread::sleep(Duration::from_millis(300));
    client.change(&uri, 5, json!([{ "text": SMALL }]));
    let found = client.diagnostics(&uri, Some(5));
    assert_eq!(of_rule(&found, "bmi-threshold").len(), 1);

    // Closing clears the document's findings.
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri.as_str() } }),
    );
    assert!(client.diagnostics(&uri, None).is_empty());
    assert_eq!(client.shutdown(), Ok(()));
}

/// A change the server cannot apply as sent is not dropped in silence: the
/// editor's log says which document and what was wrong, since msklint's
/// copy of the text may now differ from the editor's.
#[test]
fn changes_that_cannot_be_applied_as_sent_are_logged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.pathway");
    let uri = uri_of(&path);
    let mut client = Client::start(json!({}), None);
    let warning = |client: &mut Client, words: &str| {
        let log = client.wait_for("window/logMessage", |p| {
            p["message"].as_str().unwrap_or("").contains(words)
        });
        assert_eq!(log["type"], 2, "{log}");
        let message = log["message"].as_str().unwrap().to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        message
    };

    // A document never opened.
    client.change(&uri, 2, json!([{ "text": SMALL }]));
    warning(&mut client, "never opened");

    client.open(&uri, "pathway", SMALL);
    // A position before the start of the text.
    client.change(
        &uri,
        2,
        json!([{ "range": { "start": { "line": -1, "character": 0 }, "end": { "line": 0, "character": 0 } }, "text": "# x\n" }]),
    );
    warning(&mut client, "could not read a change");
    // A range that ends before it starts: the text between, and a warning.
    client.change(
        &uri,
        3,
        json!([{ "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 1, "character": 0 } }, "text": "" }]),
    );
    warning(&mut client, "runs backwards");
    let found = client.diagnostics(&uri, Some(3));
    // Line 1 (`inequalities: ...`) is gone: a pathway with no inequalities.
    assert_eq!(
        of_rule(&found, "missing-inequalities").len(),
        1,
        "{found:#?}"
    );
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn positions_count_utf16_units_around_emoji_and_accents() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    // Before the finding on its line: accents (1 unit, 2 bytes) and
    // emoji (2 units, 4 bytes), one of them a joined sequence.
    let text = "# Chirurgie orthopédique 🦴\npathway \"Hanche et genou — café 😀\" {\n  inequalities: \"suivi\"\n  entry gp: \"Médecin 👩‍⚕️\" { kind: gp }\n  service s: \"Équipe 🦵 spécialisée\" { kind: secondary requires: bmi < 40 }\n  exit home: \"Maison\"\n  gp -> s\n  s -> home\n}\n";
    let mut client = Client::start(json!({}), None);
    let found = client.open(&uri, "pathway", text);
    let bmi = range(&of_rule(&found, "bmi-threshold")[0]["range"]);
    let expected = position_of(text, "bmi < 40");
    assert_eq!(bmi.start, expected);
    assert_eq!(
        bmi.end,
        Position::new(expected.line, expected.character + 8)
    );
    // In bytes the column would be larger, in chars smaller.
    let line = text.lines().nth(expected.line as usize).unwrap();
    let before = &line[..line.find("bmi").unwrap()];
    assert!(before.len() > expected.character as usize);
    assert!(before.chars().count() < expected.character as usize);

    // An incremental edit placed by UTF-16 units, after the emoji.
    client.change(
        &uri,
        2,
        json!([{ "range": Range::new(expected, Position::new(expected.line, expected.character + 3)), "text": "age" }]),
    );
    let found = client.diagnostics(&uri, Some(2));
    assert!(of_rule(&found, "bmi-threshold").is_empty(), "{found:#?}");

    // A policy in Markdown with accented text before the finding.
    let md = "# Politique d'accès — hanche\n\nLes patients (café, naïve, 😀) with a BMI over 40 will not be referred for hip replacement surgery.\n";
    let uri_md = uri_of(&dir.path().join("politique.md"));
    let found = client.open(&uri_md, "markdown", md);
    let bmi = of_rule(&found, "bmi-threshold");
    assert_eq!(bmi.len(), 1, "{found:#?}");
    assert_eq!(
        range(&bmi[0]["range"]).start,
        position_of(md, "Les patients")
    );
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn policies_are_checked_as_msklint_check_file_checks_them() {
    let path = root().join("fixtures/examples/hip-knee-policy.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut client = Client::start(json!({}), None);
    let found = client.open(&uri_of(&path), "markdown", &text);
    let session = msklint::session::Session::load(&msklint::session::Options {
        config: msklint::session::ConfigSource::Search(path.clone()),
        ..Default::default()
    })
    .unwrap();
    let report = session.check(msklint::session::Input::file(
        &path.display().to_string(),
        &path,
        std::fs::read(&path).unwrap(),
    ));
    let rules = |v: &[Value]| {
        let mut r: Vec<String> = v
            .iter()
            .map(|d| d["data"]["rule"].as_str().unwrap().to_string())
            .collect();
        r.sort();
        r
    };
    let mut expected: Vec<String> = report
        .diagnostics
        .iter()
        .map(|d| d.rule.to_string())
        .collect();
    expected.sort();
    assert!(!expected.is_empty());
    assert_eq!(rules(&found), expected);

    // Plain text by extension, and by language for a file without one.
    let dir = tempfile::tempdir().unwrap();
    let policy = "Patients with a BMI over 40 will not be referred for hip replacement surgery.\n";
    for (name, language) in [
        ("policy.txt", "plaintext"),
        ("POLICY", "plaintext"),
        ("notes.md", "plaintext"),
    ] {
        let found = client.open(&uri_of(&dir.path().join(name)), language, policy);
        assert_eq!(
            of_rule(&found, "bmi-threshold").len(),
            1,
            "{name}: {found:#?}"
        );
    }
    assert_eq!(client.shutdown(), Ok(()));
}

/// Some clients send a path's accents, spaces or brackets raw, which a
/// URI cannot hold. They are read as if percent-encoded, and answers name
/// the document as the client wrote it. Before, such a document was
/// dropped without a word and every request about it failed.
#[test]
fn uris_with_raw_accents_spaces_and_brackets_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(rich_capabilities(), None);
    for name in ["café/y.pathway", "my dir/[x].pathway"] {
        let raw = format!("file://{}/{name}", dir.path().display());
        client.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": raw, "languageId": "pathway", "version": 1, "text": SMALL
            }}),
        );
        let published = client.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == raw.as_str()
        });
        let found = published["diagnostics"].as_array().unwrap();
        assert_eq!(of_rule(found, "bmi-threshold").len(), 1, "{found:#?}");
        let at = position_of(SMALL, "ortho:");
        let hover = client
            .request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": raw }, "position": at }),
            )
            .unwrap();
        assert!(
            hover["contents"]["value"]
                .as_str()
                .unwrap()
                .contains("Surgery"),
            "{hover}"
        );
        let edit = client
            .request(
                "textDocument/rename",
                json!({ "textDocument": { "uri": raw }, "position": at, "newName": "surgery" }),
            )
            .unwrap();
        assert_eq!(
            edit["changes"][raw.as_str()].as_array().unwrap().len(),
            3,
            "{edit}"
        );
    }
    // What cannot be read as a URI at all is left alone, and the log says so.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
            "uri": "1:/not a uri", "languageId": "pathway", "version": 1, "text": SMALL
        }}),
    );
    let log = client.wait_for("window/logMessage", |p| {
        p["message"]
            .as_str()
            .unwrap_or("")
            .contains("\"1:/not a uri\"")
    });
    assert_eq!(log["type"], 2, "a warning: {log}");
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn unsaved_buffers_are_read_by_language_and_other_files_are_left_alone() {
    let mut client = Client::start(json!({}), None);
    let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
    let found = client.open(&untitled, "pathway", SMALL);
    assert_eq!(of_rule(&found, "bmi-threshold").len(), 1);
    // A YAML file is not msklint's: no diagnostics, requests answer null.
    let yaml = Uri::from_str("file:///tmp/other.yaml").unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": yaml.as_str(), "languageId": "yaml", "version": 1, "text": "a: 1\n" }}),
    );
    let hover = client.request("textDocument/hover", Client::at(&yaml, Position::new(0, 0)));
    assert_eq!(hover.unwrap(), Value::Null);
    let ours = client
        .backlog
        .iter()
        .any(|n| n.params["uri"] == yaml.as_str());
    assert!(!ours, "diagnostics published for a YAML file");
    assert_eq!(client.shutdown(), Ok(()));
}

/// A NUL byte in the editor's text is refused as `msklint check` refuses
/// the file on disk, with `invalid-encoding`, not parsed into syntax errors.
#[test]
fn a_nul_byte_is_refused_as_the_command_line_refuses_it() {
    let mut client = Client::start(json!({}), None);
    let uri = Uri::from_str("untitled:Untitled-2").unwrap();
    let found = client.open(&uri, "pathway", "pathway \"x\" {\u{0} }\n");
    assert_eq!(of_rule(&found, "invalid-encoding").len(), 1, "{found:?}");
    assert!(of_rule(&found, "syntax-error").is_empty(), "{found:?}");
    assert_eq!(client.shutdown(), Ok(()));
}

// ---- hover ---------------------------------------------------------------------------------

fn hover_text(client: &mut Client, uri: &Uri, p: Position) -> String {
    let h = client
        .request("textDocument/hover", Client::at(uri, p))
        .unwrap();
    h["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn hover_explains_a_finding_a_suppressed_rule_and_describes_a_node() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    let text = SMALL.replace(
        "  exit home",
        "  # msklint: allow(dead-end) reason: \"kept for later\"\n  exit home",
    );
    let mut client = Client::start(rich_capabilities(), None);
    client.open(&uri, "pathway", &text);
    let session = msklint::session::Session::load(&Default::default()).unwrap();

    // On a finding: the finding, then a short account of its rule.
    let at = position_of(&text, "bmi < 40");
    let shown = hover_text(&mut client, &uri, Position::new(at.line, at.character + 2));
    assert!(
        shown.starts_with("**MSK101 bmi-threshold** (error): "),
        "{shown}"
    );
    let rule = |name: &str| session.rules().find(name).unwrap().rule.clone();
    let bmi = rule("bmi-threshold");
    assert!(shown.contains(&bmi.summary), "{shown}");
    assert!(
        shown.contains("**Why it matters:** A BMI cut-off"),
        "{shown}"
    );
    assert!(
        shown.contains("**How to fix it:** Remove the BMI criterion"),
        "{shown}"
    );

    // On a rule name in a suppression comment: the same account, named.
    let at = position_of(&text, "dead-end");
    let shown = hover_text(&mut client, &uri, Position::new(at.line, at.character + 3));
    let dead_end = rule("dead-end");
    assert!(
        shown.starts_with(&format!(
            "**{} dead-end**: {}",
            dead_end.code, dead_end.summary
        )),
        "{shown}"
    );
    assert!(shown.contains("**Why it matters:**"), "{shown}");
    assert!(shown.contains("`msklint explain dead-end`"), "{shown}");

    // On a node ID, declared or in a route.
    let at = position_of(&text, "ortho -> home");
    let shown = hover_text(&mut client, &uri, at);
    assert!(shown.contains("**service `ortho`**: Surgery"), "{shown}");
    assert!(shown.contains("kind: `secondary`"), "{shown}");
    assert!(
        shown.contains("routes in: `fcp` → `ortho` when \"severe\""),
        "{shown}"
    );
    assert!(shown.contains("routes out: `ortho` → `home`"), "{shown}");

    // A node declared twice: each declaration shows its own label.
    let twice = text.replace(
        "  exit home",
        "  service fcp: \"Second clinic\" { kind: primary }\n  exit home",
    );
    client.change(&uri, 2, json!([{ "text": twice }]));
    client.diagnostics(&uri, Some(2));
    let shown = hover_text(&mut client, &uri, position_of(&twice, "fcp: \"Second"));
    assert!(
        shown.contains("**service `fcp`**: Second clinic"),
        "{shown}"
    );
    assert!(
        shown.contains("routes use the first declaration, \"First contact\""),
        "{shown}"
    );
    let first = hover_text(&mut client, &uri, position_of(&twice, "fcp:"));
    assert!(
        first.contains("**service `fcp`**: First contact"),
        "{first}"
    );

    // Nothing under the cursor: no hover.
    let blank = client
        .request("textDocument/hover", Client::at(&uri, Position::new(1, 0)))
        .unwrap();
    assert_eq!(blank, Value::Null);
    assert_eq!(client.shutdown(), Ok(()));
}

/// A hover fits a pop-up: the finding, its rule's summary, why it matters
/// and how to fix it as paragraphs the editor wraps, and where to read the
/// rest; not the whole of `msklint explain` in a code block (12,000
/// characters with regular expressions, in lines no editor wraps).
#[test]
fn hover_on_a_finding_is_short_wrapped_and_links_to_the_rules_documentation() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(rich_capabilities(), None);
    let session = msklint::session::Session::load(&Default::default()).unwrap();
    let bmi = session.rules().find("bmi-threshold").unwrap().rule.clone();
    let policy_fix = bmi.prose.as_ref().unwrap().help.clone().unwrap();
    let policy_fix: String = policy_fix.split_whitespace().collect::<Vec<_>>().join(" ");
    let pathway = example();
    let policy =
        std::fs::read_to_string(root().join("fixtures/examples/hip-knee-policy.md")).unwrap();
    for (name, language, text) in [
        ("p.pathway", "pathway", &pathway),
        ("policy.md", "markdown", &policy),
    ] {
        let uri = uri_of(&dir.path().join(name));
        let found = client.open(&uri, language, text);
        let d = of_rule(&found, "bmi-threshold")[0].clone();
        let shown = hover_text(&mut client, &uri, range(&d["range"]).start);
        assert!(
            shown.len() < 2500,
            "{name}: {} characters:\n{shown}",
            shown.len()
        );
        assert!(!shown.contains("```"), "{name}: a code block:\n{shown}");
        assert!(
            !shown.contains("\\b"),
            "{name}: a regular expression:\n{shown}"
        );
        assert!(!shown.contains("Example that fires"), "{name}:\n{shown}");
        assert!(
            shown.starts_with("**MSK101 bmi-threshold** (error): "),
            "{shown}"
        );
        assert!(shown.contains(&bmi.summary), "{shown}");
        for heading in ["**Why it matters:** ", "**How to fix it:** "] {
            let paragraph = shown
                .split(heading)
                .nth(1)
                .unwrap_or_else(|| panic!("no {heading}: {shown}"));
            let paragraph = paragraph.split("\n\n").next().unwrap();
            assert!(
                paragraph.len() > 100 && !paragraph.contains('\n'),
                "{paragraph}"
            );
        }
        // The same link the diagnostic gives, and where the rest is.
        let link = d["codeDescription"]["href"].as_str().unwrap();
        assert!(
            shown.contains(&format!("]({link})")),
            "{link} not in {shown}"
        );
        assert!(shown.contains("`msklint explain bmi-threshold`"), "{shown}");
        // In a policy, the fix for a policy's wording.
        if language == "markdown" {
            assert!(
                shown.contains(&format!("**How to fix it:** {policy_fix}")),
                "{shown}"
            );
        } else {
            assert!(!shown.contains(&policy_fix), "{shown}");
        }
    }
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn hover_is_plain_text_for_a_client_without_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    let mut client = Client::start(json!({}), None);
    client.open(&uri, "pathway", SMALL);
    let h = client
        .request(
            "textDocument/hover",
            Client::at(&uri, position_of(SMALL, "ortho:")),
        )
        .unwrap();
    assert_eq!(h["contents"]["kind"], "plaintext");
    assert!(h["contents"]["value"]
        .as_str()
        .unwrap()
        .starts_with("service ortho: Surgery"));
    // A finding: no Markdown marks, and the link as its address.
    let shown = hover_text(&mut client, &uri, position_of(SMALL, "bmi < 40"));
    assert!(
        shown.starts_with("MSK101 bmi-threshold (error): "),
        "{shown}"
    );
    assert!(!shown.contains("**") && !shown.contains("]("), "{shown}");
    assert!(shown.contains("documentation: https://"), "{shown}");
    assert_eq!(client.shutdown(), Ok(()));
}

// ---- code actions ------------------------------------------------------------------------

fn actions(client: &mut Client, uri: &Uri, r: Range) -> Vec<Value> {
    let params = json!({
        "textDocument": { "uri": uri.as_str() },
        "range": r,
        "context": { "diagnostics": [] },
    });
    client
        .request("textDocument/codeAction", params)
        .unwrap()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn quick_fixes_apply_the_fix_a_finding_suggests() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    let text = SMALL
        .replace("kind: primary", "kind: primry")
        .replace("requires: bmi < 40", "requires: smoking = false");
    let mut client = Client::start(json!({}), None);
    let found = client.open(&uri, "pathway", &text);
    assert_eq!(of_rule(&found, "unknown-kind").len(), 1);

    let mut fixed = text.clone();
    let mut version = 1;
    for (needle, title) in [
        ("primry", "Replace `primry` with `primary`"),
        ("= false", "Replace `=` with `==`"),
    ] {
        let at = position_of(&fixed, needle);
        let list = actions(&mut client, &uri, Range::new(at, at));
        let fix = list
            .iter()
            .find(|a| a["title"] == title)
            .unwrap_or_else(|| panic!("no {title:?} in {list:#?}"));
        assert_eq!(fix["kind"], "quickfix");
        assert_eq!(fix["isPreferred"], true);
        assert_eq!(fix["diagnostics"].as_array().unwrap().len(), 1);
        fixed = apply(&fixed, &fix["edit"], &uri);
        version += 1;
        client.change(&uri, version, json!([{ "text": fixed }]));
        client.diagnostics(&uri, Some(version));
    }
    assert!(
        fixed.contains("kind: primary") && fixed.contains("smoking == false"),
        "{fixed}"
    );
    let found = client.request("textDocument/hover", Client::at(&uri, Position::new(0, 0)));
    assert!(found.is_ok());
    let after = {
        client.change(&uri, version + 1, json!([{ "text": fixed }]));
        client.diagnostics(&uri, Some(version + 1))
    };
    assert!(
        of_rule(&after, "unknown-kind").is_empty() && of_rule(&after, "invalid-value").is_empty(),
        "{after:#?}"
    );
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn suppress_with_a_reason_silences_the_finding_in_a_pathway_and_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(json!({}), None);
    for (name, language, text) in [
        ("p.pathway", "pathway", SMALL.to_string()),
        (
            "policy.md",
            "markdown",
            "# Hip policy\n\nPatients are referred by their GP.\nPatients with a BMI over 40 will not be referred for hip replacement surgery.\nAnother sentence.\n".to_string(),
        ),
    ] {
        let uri = uri_of(&dir.path().join(name));
        let found = client.open(&uri, language, &text);
        let bmi = of_rule(&found, "bmi-threshold");
        assert_eq!(bmi.len(), 1, "{name}: {found:#?}");
        let list = actions(&mut client, &uri, range(&bmi[0]["range"]));
        let action = list
            .iter()
            .find(|a| a["title"] == "Suppress `bmi-threshold` here, with a reason")
            .unwrap_or_else(|| panic!("{name}: {list:#?}"));
        let fixed = apply(&text, &action["edit"], &uri);
        assert!(
            fixed.contains("msklint: allow(bmi-threshold) reason: \"TODO: say why this is acceptable here\""),
            "{fixed}"
        );
        client.change(&uri, 2, json!([{ "text": fixed }]));
        let after = client.diagnostics(&uri, Some(2));
        assert!(of_rule(&after, "bmi-threshold").is_empty(), "{name}: {after:#?}");
        assert!(of_rule(&after, "unused-suppression").is_empty(), "{name}: {after:#?}");
        assert!(of_rule(&after, "suppression-without-reason").is_empty(), "{name}: {after:#?}");
        assert_eq!(after.len(), found.len() - 1, "{name}: {fixed}");

        // A second rule on a line already covered joins the same comment.
        if language == "pathway" {
            let smoke = fixed.replace("bmi < 40 }", "bmi < 40, smoking == false }");
            client.change(&uri, 3, json!([{ "text": smoke }]));
            let found = client.diagnostics(&uri, Some(3));
            let d = of_rule(&found, "smoking-restriction");
            assert_eq!(d.len(), 1, "{found:#?}");
            let list = actions(&mut client, &uri, range(&d[0]["range"]));
            let action = list
                .iter()
                .find(|a| a["title"] == "Suppress `smoking-restriction` here, with a reason")
                .unwrap();
            let again = apply(&smoke, &action["edit"], &uri);
            assert!(again.contains("allow(bmi-threshold, smoking-restriction) reason:"), "{again}");
        }
    }
    assert_eq!(client.shutdown(), Ok(()));
}

/// A finding on a Mermaid drawing in a Markdown policy is suppressed by
/// the drawing's own `%%` comment on the line above: an HTML comment there
/// would break the drawing and lose every finding on it.
#[test]
fn suppress_with_a_reason_inside_a_mermaid_fence_keeps_the_drawing() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/import/hip-knee-oa-policy.md"),
    )
    .unwrap();
    let uri = uri_of(&dir.path().join("policy.md"));
    let mut client = Client::start(json!({}), None);
    let found = client.open(&uri, "markdown", &text);
    let gate = of_rule(&found, "symptom-duration-gate");
    assert_eq!(gate.len(), 1, "{found:#?}");
    let list = actions(&mut client, &uri, range(&gate[0]["range"]));
    let action = list
        .iter()
        .find(|a| a["title"] == "Suppress `symptom-duration-gate` here, with a reason")
        .unwrap_or_else(|| panic!("{list:#?}"));
    let fixed = apply(&text, &action["edit"], &uri);
    assert!(
        fixed.contains("  %% msklint: allow(symptom-duration-gate) reason: \"TODO: say why this is acceptable here\"\n"),
        "{fixed}"
    );
    assert!(!fixed.contains("<!-- msklint"), "{fixed}");
    client.change(&uri, 2, json!([{ "text": fixed }]));
    let after = client.diagnostics(&uri, Some(2));
    assert!(
        of_rule(&after, "symptom-duration-gate").is_empty(),
        "{after:#?}"
    );
    assert!(of_rule(&after, "syntax-error").is_empty(), "{after:#?}");
    assert!(
        of_rule(&after, "unused-suppression").is_empty(),
        "{after:#?}"
    );
    assert_eq!(after.len(), found.len() - 1, "{fixed}");
    assert_eq!(client.shutdown(), Ok(()));
}

/// Findings about a whole Mermaid drawing (`incomplete-journey`,
/// `missing-*`) sit on its opening fence, which can hold no comment. The
/// quick fix writes a `%%` comment at the top of the drawing (below any
/// front matter), which covers the fence line; applied, the finding is
/// gone and nothing new appears. Before, it added an HTML comment to the
/// fence line that suppressed nothing.
#[test]
fn suppress_with_a_reason_on_a_whole_mermaid_drawing_takes_effect() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(json!({}), None);
    let drawing = "flowchart TD\n  gp([GP practice]) --> ortho[Orthopaedic surgery]\n```\n\nAfter the drawing.\n";
    for (name, top) in [
        ("plain.md", "```mermaid\n".to_string()),
        (
            "front.md",
            "```mermaid\n---\ntitle: Hips\n---\n".to_string(),
        ),
    ] {
        let uri = uri_of(&dir.path().join(name));
        let mut text =
            format!("# Hip policy\n\nPatients are referred by their GP.\n\n{top}{drawing}");
        let mut found = client.open(&uri, "markdown", &text);
        let fence_line = 4;
        let whole: Vec<String> = found
            .iter()
            .filter(|d| range(&d["range"]).start.line == fence_line)
            .map(|d| d["data"]["rule"].as_str().unwrap().to_string())
            .collect();
        assert!(whole.len() >= 2, "{name}: {found:#?}");
        assert!(whole.iter().any(|r| r == "incomplete-journey"), "{whole:?}");
        let mut version = 1;
        // Two rules in turn: the second joins the first's comment.
        for rule in whole.iter().take(2) {
            let d = found
                .iter()
                .find(|d| {
                    d["data"]["rule"] == rule.as_str()
                        && range(&d["range"]).start.line == fence_line
                })
                .unwrap();
            let list = actions(&mut client, &uri, range(&d["range"]));
            let title = format!("Suppress `{rule}` here, with a reason");
            let action = list
                .iter()
                .find(|a| a["title"] == title.as_str())
                .unwrap_or_else(|| panic!("{name}: {list:#?}"));
            let fixed = apply(&text, &action["edit"], &uri);
            assert!(!fixed.contains("<!-- msklint"), "{fixed}");
            version += 1;
            client.change(&uri, version, json!([{ "text": fixed }]));
            let after = client.diagnostics(&uri, Some(version));
            let on_fence = |all: &[Value], r: &str| {
                all.iter()
                    .filter(|d| {
                        d["data"]["rule"] == r && range(&d["range"]).start.line == fence_line
                    })
                    .count()
            };
            assert_eq!(on_fence(&after, rule), 0, "{name}: {fixed}\n{after:#?}");
            assert!(
                of_rule(&after, "unused-suppression").is_empty(),
                "{fixed}\n{after:#?}"
            );
            assert!(
                of_rule(&after, "syntax-error").is_empty(),
                "{fixed}\n{after:#?}"
            );
            assert_eq!(after.len(), found.len() - 1, "{name}: {fixed}\n{after:#?}");
            text = fixed;
            found = after;
        }
        let expected = format!("%% msklint: allow({}, {}) reason: \"TODO: say why this is acceptable here\"\nflowchart TD", whole[0], whole[1]);
        assert!(text.contains(&format!("{top}{expected}")), "{name}: {text}");
    }
    assert_eq!(client.shutdown(), Ok(()));
}

// ---- formatting -------------------------------------------------------------------------

#[test]
fn formatting_lays_out_pathways_only_and_never_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    let messy = "pathway   \"P\"{inequalities:\"x\"\nentry gp:\"GP\"{kind:gp}\n  exit home : \"Home\"\ngp->home\n}";
    let mut client = Client::start(json!({}), None);
    client.open(&uri, "pathway", messy);
    let params = |uri: &Uri| json!({ "textDocument": { "uri": uri.as_str() }, "options": { "tabSize": 2, "insertSpaces": true } });
    let edits = client
        .request("textDocument/formatting", params(&uri))
        .unwrap();
    let formatted = apply(messy, &json!({ "changes": { uri.as_str(): edits } }), &uri);
    assert_eq!(formatted, msklint::format::format(messy).unwrap());
    assert!(formatted.starts_with("pathway \"P\" {\n  inequalities: \"x\"\n"));

    // Already formatted: no edits.
    client.change(&uri, 2, json!([{ "text": formatted }]));
    let edits = client
        .request("textDocument/formatting", params(&uri))
        .unwrap();
    assert_eq!(edits, json!([]));

    // A syntax error: left alone.
    client.change(
        &uri,
        3,
        json!([{ "text": "pathway \"P\" {\n  entry gp: \n" }]),
    );
    let edits = client
        .request("textDocument/formatting", params(&uri))
        .unwrap();
    assert_eq!(edits, Value::Null);

    // A policy is not formatted.
    let md = uri_of(&dir.path().join("p.md"));
    client.open(&md, "markdown", "Some   policy   text.\n");
    assert_eq!(
        client
            .request("textDocument/formatting", params(&md))
            .unwrap(),
        Value::Null
    );
    assert_eq!(client.shutdown(), Ok(()));
}

// ---- navigation -------------------------------------------------------------------------

#[test]
fn definition_references_and_rename_follow_node_ids() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    let mut client = Client::start(json!({}), None);
    client.open(&uri, "pathway", SMALL);
    let decl = position_of(SMALL, "fcp:");
    let use_in_route = position_of(SMALL, "fcp -> ortho");

    let def = client
        .request("textDocument/definition", Client::at(&uri, use_in_route))
        .unwrap();
    assert_eq!(def["uri"], uri.as_str());
    assert_eq!(
        range(&def["range"]),
        Range::new(decl, Position::new(decl.line, decl.character + 3))
    );

    let mut params = Client::at(&uri, decl);
    params["context"] = json!({ "includeDeclaration": true });
    let refs = client
        .request("textDocument/references", params.clone())
        .unwrap();
    assert_eq!(refs.as_array().unwrap().len(), 3, "{refs:#}");
    params["context"] = json!({ "includeDeclaration": false });
    let refs = client.request("textDocument/references", params).unwrap();
    assert_eq!(refs.as_array().unwrap().len(), 2, "{refs:#}");

    let prepared = client
        .request("textDocument/prepareRename", Client::at(&uri, use_in_route))
        .unwrap();
    assert_eq!(range(&prepared).start, use_in_route);
    let mut params = Client::at(&uri, use_in_route);
    params["newName"] = json!("first_contact");
    let edit = client
        .request("textDocument/rename", params.clone())
        .unwrap();
    let renamed = apply(SMALL, &edit, &uri);
    assert_eq!(renamed, SMALL.replace("fcp", "first_contact"));

    // A name the language cannot take, or one already used, is refused.
    for bad in ["2fast", "with space", "service", "ortho"] {
        params["newName"] = json!(bad);
        let refused = client
            .request("textDocument/rename", params.clone())
            .unwrap_err();
        assert_eq!(
            refused.code,
            lsp_server::ErrorCode::InvalidParams as i32,
            "{bad}"
        );
    }
    // Only ASCII letters make an identifier, and the refusal says so.
    params["newName"] = json!("é");
    let refused = client
        .request("textDocument/rename", params.clone())
        .unwrap_err();
    assert!(
        refused.message.contains("ASCII letters"),
        "{}",
        refused.message
    );
    // Not on a node: nothing to rename.
    let nothing = client
        .request(
            "textDocument/prepareRename",
            Client::at(&uri, Position::new(1, 3)),
        )
        .unwrap();
    assert_eq!(nothing, Value::Null);
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn document_symbols_list_pathways_and_their_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    let params = json!({ "textDocument": { "uri": uri.as_str() } });

    let mut client = Client::start(rich_capabilities(), None);
    client.open(&uri, "pathway", SMALL);
    let tree = client
        .request("textDocument/documentSymbol", params.clone())
        .unwrap();
    assert_eq!(tree[0]["name"], "P");
    let children: Vec<&str> = tree[0]["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(children, ["gp", "fcp", "ortho", "home"]);
    assert_eq!(
        tree[0]["children"][2]["detail"],
        "service · secondary · Surgery"
    );
    // A node without a `{…}` block ends at its label, not at the next item
    // after the comments and blank lines that follow it.
    let text = "pathway \"P\" {\n  entry gp: \"GP\" { kind: gp }\n  exit h: \"Home\"   # trailing comment\n\n\n  gp -> h\n}\n";
    let other = uri_of(&dir.path().join("q.pathway"));
    client.open(&other, "pathway", text);
    let tree = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": other.as_str() } }),
        )
        .unwrap();
    let h = &tree[0]["children"][1];
    assert_eq!(h["name"], "h");
    assert_eq!(
        range(&h["range"]),
        Range::new(Position::new(2, 2), Position::new(2, 16))
    );
    let gp = &tree[0]["children"][0];
    assert_eq!(
        range(&gp["range"]),
        Range::new(Position::new(1, 2), Position::new(1, 29))
    );
    assert_eq!(client.shutdown(), Ok(()));

    // Flat, with the pathway as container, for a client without trees.
    let mut client = Client::start(json!({}), None);
    client.open(&uri, "pathway", SMALL);
    let flat = client
        .request("textDocument/documentSymbol", params)
        .unwrap();
    let flat = flat.as_array().unwrap();
    assert_eq!(flat.len(), 5);
    assert_eq!(flat[2]["name"], "fcp");
    assert_eq!(flat[2]["containerName"], "P");
    assert_eq!(client.shutdown(), Ok(()));
}

// ---- configuration ---------------------------------------------------------------------

fn write(path: &Path, text: &str) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn watched(client: &Client, path: &Path) {
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(path).as_str(), "type": 2 }] }),
    );
}

#[test]
fn configuration_and_rule_folders_are_reloaded_when_they_change() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    let config = dir.join("msklint.yaml");
    write(&config, "rules:\n  bmi-threshold: off\n");
    let path = dir.join("pathways/p.pathway");
    write(&path, SMALL);
    let uri = uri_of(&path);
    let mut client = Client::start(json!({}), Some(&dir));
    let found = client.open(&uri, "pathway", SMALL);
    assert!(of_rule(&found, "bmi-threshold").is_empty());

    // The rule folder first: the server may look at any moment, and a
    // configuration naming a folder not there yet would not load.
    write(
        &dir.join("org-rules/org-support.yaml"),
        &custom_rule("ORG001", "service providing peer support"),
    );
    write(
        &config,
        "rules:\n  bmi-threshold: warning\nrule-dirs: [org-rules]\n",
    );
    watched(&client, &config);
    let found = client.diagnostics(&uri, Some(1));
    let bmi = of_rule(&found, "bmi-threshold");
    assert_eq!(bmi.len(), 1, "{found:#?}");
    assert_eq!(bmi[0]["severity"], 2, "warning now");
    let org = of_rule(&found, "org-support");
    assert_eq!(org.len(), 1, "{found:#?}");
    assert_eq!(org[0]["code"], "ORG001 org-support");
    // A rule from a folder links to its own file.
    assert_eq!(
        org[0]["codeDescription"]["href"],
        uri_of(&dir.join("org-rules/org-support.yaml")).as_str()
    );

    // A change inside the rule folder is a reload too.
    write(
        &dir.join("org-rules/org-support.yaml"),
        &custom_rule("ORG002", "service providing peer support, renamed"),
    );
    watched(&client, &dir.join("org-rules/org-support.yaml"));
    let found = client.diagnostics(&uri, Some(1));
    assert_eq!(
        of_rule(&found, "org-support")[0]["code"],
        "ORG002 org-support"
    );
    assert_eq!(client.shutdown(), Ok(()));
}

fn custom_rule(code: &str, message: &str) -> String {
    format!(
        "name: org-support\ncode: {code}\ncategory: links\nseverity: warning\n\
         summary: s\nmessage: {message}\nrationale: r\nhelp: h\nsources: [x]\n\
         examples:\n  fail: f\n  pass: p\ncheck:\n  reachable:\n    any: [peer_support]\n"
    )
}

#[test]
fn a_broken_configuration_is_a_diagnostic_on_its_file_and_checking_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    let config = dir.join("msklint.yaml");
    write(&config, "rules:\n  bmi-threshold: off\n");
    let uri = uri_of(&dir.join("p.pathway"));
    let mut client = Client::start(json!({}), Some(&dir));
    assert!(of_rule(&client.open(&uri, "pathway", SMALL), "bmi-threshold").is_empty());

    // Broken: shown on msklint.yaml, where the problem is.
    write(
        &config,
        "rules:\n  bmi-threshold: off\n  no-such-rule: warning\n",
    );
    watched(&client, &config);
    let problems = client.diagnostics(&uri_of(&config), None);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(problems[0]["message"]
        .as_str()
        .unwrap()
        .contains("no-such-rule"));
    assert_eq!(range(&problems[0]["range"]).start.line, 2);
    let told = client.wait_for("window/showMessage", |_| true);
    // Named by its path, as a person would look for it, not as a URI.
    let told = told["message"].as_str().unwrap();
    assert!(told.contains(&config.display().to_string()), "{told}");
    assert!(!told.contains("file://"), "{told}");
    // The server still checks, with the last configuration that loaded.
    client.change(
        &uri,
        2,
        json!([{ "text": SMALL.replace("Home", "Home again") }]),
    );
    let found = client.diagnostics(&uri, Some(2));
    assert!(!found.is_empty());
    assert!(
        of_rule(&found, "bmi-threshold").is_empty(),
        "last good config still applies"
    );

    // YAML that does not parse at all.
    write(&config, "rules: [\n");
    watched(&client, &config);
    let problems = client.diagnostics(&uri_of(&config), None);
    assert_eq!(problems.len(), 1);
    assert!(problems[0]["message"]
        .as_str()
        .unwrap()
        .contains("invalid msklint.yaml"));

    // Fixed: the problems are cleared and the new settings apply.
    write(&config, "rules:\n  bmi-threshold: info\n");
    watched(&client, &config);
    assert!(client.diagnostics(&uri_of(&config), None).is_empty());
    let found = client.diagnostics(&uri, Some(2));
    assert_eq!(of_rule(&found, "bmi-threshold")[0]["severity"], 3);
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn a_configuration_broken_from_the_start_falls_back_to_the_built_in_rules() {
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    let config = dir.join("msklint.yaml");
    write(&config, "rule-dirs: [missing-folder]\n");
    let uri = uri_of(&dir.join("p.pathway"));
    let mut client = Client::start(json!({}), Some(&dir));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri.as_str(), "languageId": "pathway", "version": 1, "text": SMALL }}),
    );
    let found = client.diagnostics(&uri, Some(1));
    assert_eq!(of_rule(&found, "bmi-threshold").len(), 1, "built-in rules");
    let problems = client.diagnostics(&uri_of(&config), None);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("missing-folder"),
        "{problems:#?}"
    );

    // A broken rule file in a folder is shown on that file.
    let rule = dir.join("org-rules/org-support.yaml");
    write(&rule, "name: org-support\ncode: ORG001\n");
    write(&config, "rule-dirs: [org-rules]\n");
    watched(&client, &config);
    // The folder's problem is cleared from the configuration first.
    assert!(
        client.diagnostics(&uri_of(&config), None).is_empty(),
        "config itself is fine now"
    );
    let problems = client.diagnostics(&uri_of(&rule), None);
    assert!(!problems.is_empty(), "a problem in the rule file");
    assert!(
        problems[0]["message"]
            .as_str()
            .unwrap()
            .contains("category"),
        "{problems:#?}"
    );
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn configuration_changes_are_noticed_without_the_clients_help() {
    // Neovim 0.7 reports no file changes; the server looks for itself.
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path().canonicalize().unwrap();
    let uri = uri_of(&dir.join("p.pathway"));
    let mut client = Client::start(json!({}), Some(&dir));
    assert_eq!(
        of_rule(&client.open(&uri, "pathway", SMALL), "bmi-threshold").len(),
        1
    );
    // A new msklint.yaml next to the file.
    write(&dir.join("msklint.yaml"), "rules:\n  bmi-threshold: off\n");
    let started = Instant::now();
    let found = client.diagnostics(&uri, Some(1));
    assert!(of_rule(&found, "bmi-threshold").is_empty(), "{found:#?}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn navigation_goes_on_while_a_line_is_half_typed() {
    let dir = tempfile::tempdir().unwrap();
    let uri = uri_of(&dir.path().join("p.pathway"));
    // The parser recovers after the broken line; the rest is still known.
    let text = SMALL.replace("  exit home", "  service half: \n  exit home");
    let mut client = Client::start(json!({}), None);
    let found = client.open(&uri, "pathway", &text);
    assert!(!of_rule(&found, "syntax-error").is_empty(), "{found:#?}");
    assert!(
        !of_rule(&found, "bmi-threshold").is_empty(),
        "still checked"
    );
    let def = client
        .request(
            "textDocument/definition",
            Client::at(&uri, position_of(&text, "fcp -> ortho")),
        )
        .unwrap();
    assert_eq!(range(&def["range"]).start, position_of(&text, "fcp:"));
    let shown = hover_text(&mut client, &uri, position_of(&text, "ortho -> home"));
    assert!(shown.contains("service ortho"), "{shown}");
    assert_eq!(client.shutdown(), Ok(()));
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_keep_positions_right() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(json!({}), None);
    // Checking drops the mark; positions still count it, as the editor does.
    let text = SMALL.replacen("pathway", "\u{FEFF}pathway", 1);
    let one_line = "\u{FEFF}pathway \"P\" { entry gp: \"GP\" { kind: gp } service s: \"S\" { kind: secondary requires: bmi < 40 } gp -> s }\n";
    for (name, text) in [
        ("bom.pathway", text.as_str()),
        ("bom-line.pathway", one_line),
    ] {
        let uri = uri_of(&dir.path().join(name));
        let found = client.open(&uri, "pathway", text);
        let bmi = range(&of_rule(&found, "bmi-threshold")[0]["range"]);
        assert_eq!(bmi.start, position_of(text, "bmi < 40"), "{name}");
        let shown = hover_text(&mut client, &uri, position_of(text, "gp -> "));
        assert!(shown.contains("entry gp"), "{name}: {shown}");
    }
    let crlf = SMALL.replace('\n', "\r\n");
    let uri = uri_of(&dir.path().join("crlf.pathway"));
    let found = client.open(&uri, "pathway", &crlf);
    let bmi = range(&of_rule(&found, "bmi-threshold")[0]["range"]);
    assert_eq!(bmi.start, position_of(SMALL, "bmi < 40"));
    // The suppression comment is written with the file's own line ends.
    let list = actions(&mut client, &uri, bmi);
    let action = list
        .iter()
        .find(|a| a["title"] == "Suppress `bmi-threshold` here, with a reason")
        .unwrap();
    let edit = &action["edit"]["changes"][uri.as_str()][0];
    assert!(
        edit["newText"].as_str().unwrap().ends_with("\"\r\n"),
        "{edit}"
    );
    assert_eq!(client.shutdown(), Ok(()));
}
