//! `msklint server`: a Language Server for pathways and policy documents,
//! a front end beside the command line (docs/server.md describes what it
//! offers, docs/architecture.md where it sits).
//!
//! One thread runs a plain loop over the messages read from standard input
//! ([`transport`]). A body that is not a message is answered with an error
//! and the loop goes on; only a frame that cannot be read ends it.
//! Documents are checked through the library's session
//! ([`crate::session`]), like `msklint check FILE`; nothing here parses or
//! builds graphs. Standard output carries the protocol, so nothing here
//! prints.
//!
//! Checks are debounced per document: a change after a quiet spell is
//! checked at once, and changes that follow it within [`QUIET`] are
//! gathered and checked once the typing pauses for that long. Diagnostics
//! are always those of the latest text, published with its version; a
//! request about a document with a check waiting runs the check first.

pub mod actions;
pub mod diagnostics;
pub mod documents;
pub mod formatting;
pub mod hover;
pub mod navigation;
pub mod positions;
pub mod transport;
pub mod uris;
pub mod workspace;

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use crossbeam_channel::RecvTimeoutError;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeActionOptions, CodeActionParams, CodeActionProviderCapability, DidChangeTextDocumentParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DocumentFormattingParams,
    DocumentSymbolParams, GotoDefinitionParams, GotoDefinitionResponse, HoverParams,
    HoverProviderCapability, InitializeParams, InitializeResult, MarkupKind, MessageType, OneOf,
    PositionEncodingKind, PublishDiagnosticsParams, ReferenceParams, RenameOptions, RenameParams,
    SaveOptions, ServerCapabilities, ServerInfo, TextDocumentPositionParams,
    TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkDoneProgressOptions,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use transport::{error, Incoming, Link, Outgoing};

use documents::{Analysis, Document};
use formatting::Formatted;
use navigation::Outline;
use workspace::Workspace;

use crate::input::Content;
use crate::session::Input;

/// How long typing must pause before a change that followed another
/// closely is checked.
pub const QUIET: Duration = Duration::from_millis(150);

/// How often configuration files are looked at for changes, for clients
/// that do not report changes to watched files.
const POLL: Duration = Duration::from_secs(2);

/// Runs the server over a byte stream each way (standard input and output,
/// handed over by the command line) until the client says `exit`. An error
/// means the session did not end as the protocol asks (no `shutdown`
/// before `exit`, the client went away, or a message's frame could not be
/// read).
pub fn run(
    input: impl std::io::Read + Send + 'static,
    output: impl std::io::Write + Send + 'static,
) -> Result<(), String> {
    let (link, threads) = transport::spawn(input, output)?;
    let ended = serve_on(link);
    // The writer stops once the link is dropped, which `serve_on` did, and
    // is waited for however the session ended so no answer is lost. The
    // reader is waited for only after a clean end: it stops after `exit`.
    let joined = threads.join(ended.is_ok());
    ended.and(joined)
}

/// Runs the server on a connection: the protocol from `initialize` to
/// `exit`. Tests drive it over [`Connection::memory`].
pub fn serve(connection: Connection) -> Result<(), String> {
    serve_on(transport::memory(connection)?)
}

fn serve_on(link: Link) -> Result<(), String> {
    let (id, params) = initialize(&link)?;
    let result = InitializeResult {
        capabilities: capabilities(),
        server_info: Some(ServerInfo {
            name: "msklint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    send(
        &link,
        Response {
            id,
            response_result: Ok(result),
        },
    );
    let mut server = Server::new(&link, &params);
    server.run()
}

/// Waits for `initialize`, answering every other request with the
/// protocol's "not initialized" and dropping notifications, as the
/// protocol asks.
fn initialize(link: &Link) -> Result<(RequestId, InitializeParams), String> {
    loop {
        let incoming = link
            .receiver
            .recv()
            .map_err(|_| "the client went away before `initialize`".to_string())?;
        match incoming {
            Incoming::Message(Message::Request(r)) if r.method == "initialize" => {
                match serde_json::from_value(r.params) {
                    Ok(params) => return Ok((r.id, params)),
                    Err(e) => answer(
                        link,
                        Some(r.id),
                        error(
                            ErrorCode::InvalidParams,
                            format!("the parameters of `initialize` do not read: {e}"),
                        ),
                    ),
                }
            }
            Incoming::Message(Message::Request(r)) => answer(
                link,
                Some(r.id),
                error(
                    ErrorCode::ServerNotInitialized,
                    format!(
                        "the server is not initialized yet: `{}` must wait for the answer to `initialize`",
                        r.method
                    ),
                ),
            ),
            Incoming::Message(Message::Notification(n)) if n.method == "exit" => {
                return Err("`exit` came before `initialize`".to_string())
            }
            Incoming::Message(_) => {}
            Incoming::Invalid { id, error } => answer(link, id, error),
            Incoming::Broken(why) => return Err(why),
        }
    }
}

fn send(link: &Link, message: impl Into<Message>) {
    // The client may be gone already; the loop notices on the next read.
    let _ = link.sender.send(Outgoing::Message(message.into()));
}

/// Answers a request, or a message that was not one, with an error.
fn answer(link: &Link, id: Option<RequestId>, error: lsp_server::ResponseError) {
    match id {
        Some(id) => send(
            link,
            Response {
                id,
                response_result: Err(error),
            },
        ),
        None => {
            let _ = link.sender.send(Outgoing::Unaddressed(error));
        }
    }
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                will_save: None,
                will_save_wait_until: None,
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![lsp_types::CodeActionKind::QUICKFIX]),
            work_done_progress_options: WorkDoneProgressOptions::default(),
            resolve_provider: None,
        })),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Right(RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: WorkDoneProgressOptions::default(),
        })),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    }
}

/// What the client can show, from its `initialize` request.
struct Client {
    markdown: bool,
    nested_symbols: bool,
    watches_files: bool,
}

impl Client {
    fn of(params: &InitializeParams) -> Client {
        let text = params.capabilities.text_document.as_ref();
        let markdown = text
            .and_then(|t| t.hover.as_ref())
            .and_then(|h| h.content_format.as_ref())
            .is_some_and(|f| f.contains(&MarkupKind::Markdown));
        let nested_symbols = text
            .and_then(|t| t.document_symbol.as_ref())
            .and_then(|s| s.hierarchical_document_symbol_support)
            .unwrap_or(false);
        let watches_files = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        Client {
            markdown,
            nested_symbols,
            watches_files,
        }
    }
}

/// The folder `msklint.yaml` is looked for from when a document has no
/// path of its own.
fn root_of(params: &InitializeParams) -> Option<std::path::PathBuf> {
    let folder = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone());
    #[allow(deprecated)] // older clients send only `rootUri`
    let uri = folder.or_else(|| params.root_uri.clone());
    uri.as_ref().and_then(uris::to_path)
}

enum Flow {
    Continue,
    Exit,
}

struct Server<'c> {
    link: &'c Link,
    client: Client,
    documents: HashMap<Uri, Document>,
    /// The configuration each open document was last checked with.
    configs: HashMap<Uri, workspace::ConfigKey>,
    workspace: Workspace,
    /// Configuration and rule files that carry problems in the editor.
    reported: HashSet<Uri>,
    shutting_down: bool,
    last_poll: Instant,
    /// URIs the client wrote with characters a URI cannot hold, by the
    /// percent-encoded form they are read as (see [`uris::admit`]).
    written: HashMap<String, String>,
}

impl<'c> Server<'c> {
    fn new(link: &'c Link, params: &InitializeParams) -> Server<'c> {
        Server {
            link,
            client: Client::of(params),
            documents: HashMap::new(),
            configs: HashMap::new(),
            workspace: Workspace::new(root_of(params)),
            reported: HashSet::new(),
            shutting_down: false,
            last_poll: Instant::now(),
            written: HashMap::new(),
        }
    }

    fn run(&mut self) -> Result<(), String> {
        loop {
            let wait = self.next_wake().saturating_duration_since(Instant::now());
            let first = match self.link.receiver.recv_timeout(wait) {
                Ok(message) => Some(message),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => {
                    return Err("the client went away without `exit`".to_string())
                }
            };
            // Everything already waiting is taken in before checking, so
            // a check never runs on text a queued change replaces.
            let batch: Vec<Incoming> = first
                .into_iter()
                .chain(self.link.receiver.try_iter())
                .collect();
            for incoming in batch {
                let message = match incoming {
                    Incoming::Message(message) => message,
                    Incoming::Invalid { id, error } => {
                        answer(self.link, id, error);
                        continue;
                    }
                    Incoming::Broken(why) => return Err(why),
                };
                if let Flow::Exit = self.handle(message) {
                    return if self.shutting_down {
                        Ok(())
                    } else {
                        Err("`exit` came before `shutdown`".to_string())
                    };
                }
            }
            self.check_due();
            if !self.documents.is_empty() && self.last_poll.elapsed() >= POLL {
                self.reload();
            }
        }
    }

    fn next_wake(&self) -> Instant {
        let due = self.documents.values().filter_map(|d| d.due).min();
        let poll = if self.documents.is_empty() {
            Instant::now() + Duration::from_secs(3600)
        } else {
            self.last_poll + POLL
        };
        due.map_or(poll, |d| d.min(poll))
    }

    fn send(&self, message: impl Into<Message>) {
        let mut message = message.into();
        if !self.written.is_empty() {
            match &mut message {
                Message::Response(r) => {
                    if let Ok(result) = &mut r.response_result {
                        uris::restore(result, &self.written);
                    }
                }
                Message::Notification(n) => uris::restore(&mut n.params, &self.written),
                Message::Request(r) => uris::restore(&mut r.params, &self.written),
            }
        }
        send(self.link, message);
    }

    /// Reads the URIs a client wrote with raw accents, spaces or brackets
    /// as their percent-encoded form, and says which cannot be read.
    fn admit(&mut self, method: &str, params: &mut Value) {
        let (rewritten, refused) = uris::admit(params);
        self.written.extend(rewritten);
        for uri in refused {
            self.log(
                MessageType::WARNING,
                format!(
                    "msklint cannot read {uri:?} (in `{method}`) as a URI, so it leaves that document alone"
                ),
            );
        }
    }

    fn notify(&self, method: &str, params: impl serde::Serialize) {
        self.send(Notification::new(method.to_string(), params));
    }

    fn log(&self, kind: MessageType, message: String) {
        self.notify(
            "window/logMessage",
            lsp_types::LogMessageParams { typ: kind, message },
        );
    }

    fn handle(&mut self, message: Message) -> Flow {
        match message {
            Message::Request(mut request) => {
                self.admit(&request.method, &mut request.params);
                let id = request.id.clone();
                let response = if self.shutting_down {
                    let why = if request.method == "shutdown" {
                        "`shutdown` was already received: the server now waits for `exit`"
                    } else {
                        "the server is shutting down"
                    };
                    Err(error(ErrorCode::InvalidRequest, why.to_string()))
                } else {
                    let method = request.method.clone();
                    catch_unwind(AssertUnwindSafe(|| self.request(request))).unwrap_or_else(|_| {
                        Err(error(
                            ErrorCode::InternalError,
                            format!(
                                "msklint failed on `{method}`: a bug in msklint, please report it"
                            ),
                        ))
                    })
                };
                self.send(Response {
                    id,
                    response_result: response,
                });
                Flow::Continue
            }
            Message::Notification(n) if n.method == "exit" => Flow::Exit,
            Message::Notification(mut n) => {
                let method = n.method.clone();
                self.admit(&method, &mut n.params);
                if catch_unwind(AssertUnwindSafe(|| self.notification(n))).is_err() {
                    self.log(
                        MessageType::ERROR,
                        format!("msklint failed on `{method}`: a bug in msklint, please report it"),
                    );
                }
                Flow::Continue
            }
            // Answers to our own requests (registering file watchers).
            Message::Response(_) => Flow::Continue,
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "initialized" => self.watch_files(),
            "textDocument/didOpen" => {
                let uri = n.params["textDocument"]["uri"].clone();
                let p = match from::<DidOpenTextDocumentParams>(n.params) {
                    Ok(p) => p,
                    Err(e) => {
                        return self.log(
                            MessageType::WARNING,
                            format!(
                                "msklint could not read the opening of {uri}, so it leaves that document alone: {}",
                                e.message
                            ),
                        )
                    }
                };
                let item = p.text_document;
                let uri = item.uri.clone();
                if let Some(doc) =
                    Document::open(item.uri, item.version, &item.language_id, item.text)
                {
                    self.documents.insert(uri.clone(), doc);
                    self.check(&uri);
                }
            }
            "textDocument/didChange" => {
                let named = shown(&n.params["textDocument"]["uri"]);
                let p = match from::<DidChangeTextDocumentParams>(n.params) {
                    Ok(p) => p,
                    Err(e) => {
                        return self.log(
                            MessageType::WARNING,
                            format!(
                                "msklint could not read a change to {named} ({}), so it did not apply it: its copy of the document may now differ from the editor's. Closing and opening the document again sends the whole text.",
                                e.message
                            ),
                        )
                    }
                };
                let Some(doc) = self.documents.get_mut(&p.text_document.uri) else {
                    return self.log(
                        MessageType::WARNING,
                        format!(
                            "msklint ignored a change to {named}: the editor never opened that document with msklint (no didOpen), so there is no text to change"
                        ),
                    );
                };
                let problems = doc.change(p.text_document.version, p.content_changes);
                let now = Instant::now();
                let typing = doc.changed.is_some_and(|t| now.duration_since(t) < QUIET);
                doc.due = Some(if typing { now + QUIET } else { now });
                doc.changed = Some(now);
                for problem in problems {
                    self.log(
                        MessageType::WARNING,
                        format!("msklint, in a change to {named}: {problem}"),
                    );
                }
            }
            "textDocument/didClose" => {
                let Ok(p) = from::<DidCloseTextDocumentParams>(n.params) else {
                    return;
                };
                let uri = p.text_document.uri;
                if self.documents.remove(&uri).is_some() {
                    self.configs.remove(&uri);
                    self.publish(uri, Vec::new(), None);
                }
            }
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => self.reload(),
            // `$/setTrace`, `$/cancelRequest` (every request is answered
            // before the next is read), settings: nothing to do.
            _ => {}
        }
    }

    fn request(&mut self, request: Request) -> Result<Value, lsp_server::ResponseError> {
        let Request { method, params, .. } = request;
        let null = || Ok(Value::Null);
        match method.as_str() {
            "shutdown" => {
                self.shutting_down = true;
                null()
            }
            "initialize" => Err(error(
                ErrorCode::InvalidRequest,
                "the server is already initialized: `initialize` is sent once".to_string(),
            )),
            "textDocument/hover" => {
                let p: HoverParams = from(params)?;
                let at = p.text_document_position_params;
                let markdown = self.client.markdown;
                let Some((doc, analysis)) = self.ready(&at.text_document.uri) else {
                    return null();
                };
                to_value(hover::hover(doc, analysis, at.position, markdown))
            }
            "textDocument/codeAction" => {
                let p: CodeActionParams = from(params)?;
                let Some((doc, analysis)) = self.ready(&p.text_document.uri) else {
                    return null();
                };
                to_value(actions::actions(
                    doc,
                    analysis,
                    p.range,
                    p.context.only.as_deref(),
                ))
            }
            "textDocument/definition" => {
                let p: GotoDefinitionParams = from(params)?;
                let at = p.text_document_position_params;
                let Some((doc, analysis)) = self.ready(&at.text_document.uri) else {
                    return null();
                };
                to_value(
                    navigation::definition(doc, analysis, at.position)
                        .map(GotoDefinitionResponse::Scalar),
                )
            }
            "textDocument/references" => {
                let p: ReferenceParams = from(params)?;
                let at = p.text_document_position;
                let Some((doc, analysis)) = self.ready(&at.text_document.uri) else {
                    return null();
                };
                to_value(navigation::references(
                    doc,
                    analysis,
                    at.position,
                    p.context.include_declaration,
                ))
            }
            "textDocument/prepareRename" => {
                let at: TextDocumentPositionParams = from(params)?;
                let Some((doc, analysis)) = self.ready(&at.text_document.uri) else {
                    return null();
                };
                to_value(navigation::prepare_rename(doc, analysis, at.position))
            }
            "textDocument/rename" => {
                let p: RenameParams = from(params)?;
                let at = p.text_document_position;
                let Some((doc, analysis)) = self.ready(&at.text_document.uri) else {
                    return null();
                };
                match navigation::rename(doc, analysis, at.position, &p.new_name) {
                    Ok(edit) => to_value(edit),
                    Err(why) => Err(error(ErrorCode::InvalidParams, why)),
                }
            }
            "textDocument/documentSymbol" => {
                let p: DocumentSymbolParams = from(params)?;
                let nested = self.client.nested_symbols;
                let Some((doc, analysis)) = self.ready(&p.text_document.uri) else {
                    return null();
                };
                to_value(navigation::symbols(doc, analysis, nested))
            }
            "textDocument/formatting" => {
                let p: DocumentFormattingParams = from(params)?;
                let Some(doc) = self.documents.get(&p.text_document.uri) else {
                    return null();
                };
                match formatting::formatting(doc) {
                    Formatted::Edits(edits) => to_value(edits),
                    Formatted::Nothing(why) => {
                        if let Some(why) = why {
                            self.log(MessageType::INFO, why);
                        }
                        null()
                    }
                    Formatted::Failed(why) => Err(error(ErrorCode::InternalError, why)),
                }
            }
            _ => Err(error(
                ErrorCode::MethodNotFound,
                format!("msklint does not handle `{method}`"),
            )),
        }
    }

    /// Asks the client to report changes to configuration and rule files,
    /// when it can be asked (otherwise they are polled for).
    fn watch_files(&self) {
        if !self.client.watches_files {
            return;
        }
        let watchers = ["**/msklint.yaml", "**/*.{yaml,yml}"]
            .iter()
            .map(|glob| lsp_types::FileSystemWatcher {
                glob_pattern: lsp_types::GlobPattern::String((*glob).to_string()),
                kind: None,
            })
            .collect();
        let options = lsp_types::DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = lsp_types::RegistrationParams {
            registrations: vec![lsp_types::Registration {
                id: "msklint-configuration".to_string(),
                method: "workspace/didChangeWatchedFiles".to_string(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.send(Request::new(
            RequestId::from("msklint-watch".to_string()),
            "client/registerCapability".to_string(),
            params,
        ));
    }

    /// The document with a check of its current text, running the check
    /// first if one is waiting.
    fn ready(&mut self, uri: &Uri) -> Option<(&Document, &Analysis)> {
        let stale = self
            .documents
            .get(uri)
            .is_some_and(|d| d.due.is_some() || d.current().is_none());
        if stale {
            self.check(uri);
        }
        let doc = self.documents.get(uri)?;
        Some((doc, doc.current()?))
    }

    fn check_due(&mut self) {
        let now = Instant::now();
        let due: Vec<Uri> = self
            .documents
            .iter()
            .filter(|(_, d)| d.due.is_some_and(|t| t <= now))
            .map(|(u, _)| u.clone())
            .collect();
        for uri in due {
            self.check(&uri);
        }
    }

    /// Checks a document's current text and publishes the findings.
    fn check(&mut self, uri: &Uri) {
        let Some(doc) = self.documents.get(uri) else {
            return;
        };
        let config = self.workspace.config_for(doc.path.as_deref());
        let (session, fresh) = self.workspace.session(&config);
        let input = Input {
            name: &doc.name,
            path: doc.path.as_deref(),
            content: Content::Text(doc.text.clone()),
        };
        let (report, outline) = session.check_with_partial(input, |_, graphs| Outline::of(graphs));
        // Checking drops a byte-order mark; nothing else changes length.
        let shift = doc.text.len().saturating_sub(report.source.text.len());
        let Some(doc) = self.documents.get_mut(uri) else {
            return;
        };
        doc.analysis = Some(Analysis {
            version: doc.version,
            report,
            shift,
            outline,
            session,
        });
        doc.due = None;
        self.configs.insert(uri.clone(), config);
        let doc = &self.documents[uri];
        if let Some(analysis) = doc.current() {
            let found = diagnostics::of_document(doc, analysis);
            self.publish(uri.clone(), found, Some(doc.version));
        }
        if fresh {
            self.publish_setup_problems();
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        self.notify(
            "textDocument/publishDiagnostics",
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        );
    }

    /// Loads again any configuration whose files changed and checks the
    /// documents it applies to; a document whose nearest `msklint.yaml`
    /// is now another file is checked again too.
    fn reload(&mut self) {
        self.last_poll = Instant::now();
        let changed = self.workspace.refresh();
        let now = Instant::now();
        let moved: Vec<Uri> = self
            .documents
            .iter()
            .filter(|(uri, doc)| {
                changed
                    || self.configs.get(*uri)
                        != Some(&self.workspace.config_for(doc.path.as_deref()))
            })
            .map(|(uri, _)| uri.clone())
            .collect();
        for uri in moved {
            if let Some(doc) = self.documents.get_mut(&uri) {
                doc.due = Some(now);
            }
        }
        if changed {
            self.publish_setup_problems();
        }
    }

    /// Shows every configuration problem on its file, and clears files
    /// whose problems are gone. A newly broken configuration is also
    /// announced, since its file may not be open.
    fn publish_setup_problems(&mut self) {
        // `Uri` hashes and compares by its text, which never changes; clippy
        // cannot see that through its parsed form.
        #[allow(clippy::mutable_key_type)]
        let mut now: HashMap<Uri, Vec<lsp_types::Diagnostic>> = HashMap::new();
        for (config, problem) in self.workspace.problems() {
            for (uri, found) in diagnostics::of_setup(config.as_deref(), problem) {
                now.entry(uri).or_default().extend(found);
            }
        }
        let gone: Vec<Uri> = self
            .reported
            .iter()
            .filter(|u| !now.contains_key(*u))
            .cloned()
            .collect();
        for uri in gone {
            self.reported.remove(&uri);
            self.publish(uri, Vec::new(), None);
        }
        for (uri, found) in now {
            if self.reported.insert(uri.clone()) {
                let first = found
                    .first()
                    .map(|d| d.message.lines().next().unwrap_or(""));
                self.notify(
                    "window/showMessage",
                    lsp_types::ShowMessageParams {
                        typ: MessageType::WARNING,
                        message: format!(
                            "msklint: {} has a problem ({}); checking goes on with the last configuration that loaded",
                            uris::to_path(&uri)
                                .map_or_else(|| uri.as_str().to_string(), |p| p.display().to_string()),
                            first.unwrap_or("")
                        ),
                    },
                );
            }
            self.publish(uri, found, None);
        }
    }
}

/// A document as a message names it: its path for a `file:` URI, the URI
/// itself otherwise.
fn shown(uri: &Value) -> String {
    let Some(text) = uri.as_str() else {
        return "a document whose name could not be read".to_string();
    };
    std::str::FromStr::from_str(text)
        .ok()
        .and_then(|u: Uri| uris::to_path(&u))
        .map_or_else(|| text.to_string(), |p| p.display().to_string())
}

fn from<P: DeserializeOwned>(params: Value) -> Result<P, lsp_server::ResponseError> {
    serde_json::from_value(params).map_err(|e| error(ErrorCode::InvalidParams, e.to_string()))
}

fn to_value(value: impl serde::Serialize) -> Result<Value, lsp_server::ResponseError> {
    serde_json::to_value(value).map_err(|e| error(ErrorCode::InternalError, e.to_string()))
}
