//! Messages in and out of the server: framing over standard input and
//! output, and the channels the message loop reads and writes.
//!
//! Frames are read here rather than by `lsp-server`'s reader, which
//! reports a body that is not a message exactly as it reports a broken
//! header (both are an `InvalidData` error) and stops reading. Only a
//! broken frame leaves the stream unreadable; a body that is not a message
//! is answered with an error, as JSON-RPC asks, and reading goes on.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::thread::{self, JoinHandle};

use crossbeam_channel::{bounded, unbounded, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message, RequestId, ResponseError};
use serde::Serialize;
use serde_json::Value;

/// What the message loop reads.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A body that is not a message, to be answered with `error` (sent to
    /// `id` when one could be read, otherwise to `null`).
    Invalid {
        id: Option<RequestId>,
        error: ResponseError,
    },
    /// The stream cannot be read any further, and why.
    Broken(String),
}

/// What the message loop writes.
#[derive(Debug)]
pub enum Outgoing {
    Message(Message),
    /// An error answer to a message whose id could not be read, sent with
    /// `"id": null` (which `lsp_server::Response` cannot express).
    Unaddressed(ResponseError),
}

/// The message loop's two ends.
pub struct Link {
    pub receiver: Receiver<Incoming>,
    pub sender: Sender<Outgoing>,
}

/// The longest header line read; a longer one means the stream is not
/// framed at all, and reading it whole could exhaust memory.
const MAX_HEADER: u64 = 8 * 1024;

/// Reads one frame's body: `Ok(None)` at the end of the input between
/// frames, an error when the frame is broken.
pub fn read_frame(input: &mut impl BufRead) -> Result<Option<Vec<u8>>, String> {
    let mut length = None;
    let mut first = true;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = input
            .by_ref()
            .take(MAX_HEADER)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("standard input could not be read: {e}"))?;
        if read == 0 && first {
            return Ok(None);
        }
        first = false;
        if !line.ends_with(b"\n") {
            return Err(if read as u64 == MAX_HEADER {
                format!("a message header is longer than {MAX_HEADER} bytes")
            } else {
                "the input ended inside a message header".to_string()
            });
        }
        let header = line.strip_suffix(b"\n").unwrap_or(&line);
        let header = header.strip_suffix(b"\r").unwrap_or(header);
        if header.is_empty() {
            break;
        }
        let shown = || {
            String::from_utf8_lossy(header)
                .chars()
                .take(80)
                .collect::<String>()
        };
        let Some((name, value)) = std::str::from_utf8(header)
            .ok()
            .and_then(|h| h.split_once(':'))
        else {
            return Err(format!("malformed message header {:?}", shown()));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let n = value
                .trim()
                .parse::<u64>()
                .map_err(|_| format!("malformed Content-Length header {:?}", shown()))?;
            length = Some(n);
        }
    }
    let Some(length) = length else {
        return Err("a message header without Content-Length".to_string());
    };
    // Read through `take` so a huge length is not allocated up front.
    let mut body = Vec::new();
    input
        .by_ref()
        .take(length)
        .read_to_end(&mut body)
        .map_err(|e| format!("standard input could not be read: {e}"))?;
    if (body.len() as u64) < length {
        return Err(format!(
            "the input ended inside a message: {} of its {length} bytes came",
            body.len()
        ));
    }
    Ok(Some(body))
}

/// A frame's body as a message, or the error to answer it with.
pub fn parse(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Incoming::Invalid {
                id: None,
                error: error(
                    ErrorCode::ParseError,
                    format!("the message is not JSON: {e}"),
                ),
            }
        }
    };
    if !value.is_object() {
        return Incoming::Invalid {
            id: None,
            error: error(
                ErrorCode::InvalidRequest,
                "the message is not a JSON object".to_string(),
            ),
        };
    }
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok());
    // A request whose id is null or a fraction would be read as a
    // notification and never answered: refuse it instead.
    if value.get("method").is_some() && value.get("id").is_some() && id.is_none() {
        return Incoming::Invalid {
            id: None,
            error: error(
                ErrorCode::InvalidRequest,
                "a request's id must be a whole number or a string".to_string(),
            ),
        };
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(_) => Incoming::Invalid {
            id,
            error: error(
                ErrorCode::InvalidRequest,
                "the message is not a request, a notification or a response".to_string(),
            ),
        },
    }
}

pub fn error(code: ErrorCode, message: String) -> ResponseError {
    ResponseError {
        code: code as i32,
        message,
        data: None,
    }
}

/// Writes one message, framed.
pub fn write(out: &mut impl Write, message: &Outgoing) -> io::Result<()> {
    match message {
        Outgoing::Message(m) => m.write(out),
        Outgoing::Unaddressed(e) => {
            #[derive(Serialize)]
            struct Answer<'a> {
                jsonrpc: &'static str,
                id: Option<()>,
                error: &'a ResponseError,
            }
            let body = serde_json::to_vec(&Answer {
                jsonrpc: "2.0",
                id: None,
                error: e,
            })?;
            write!(out, "Content-Length: {}\r\n\r\n", body.len())?;
            out.write_all(&body)?;
            out.flush()
        }
    }
}

/// The threads that read the input and write the output.
pub struct Threads {
    reader: JoinHandle<()>,
    writer: JoinHandle<io::Result<()>>,
}

impl Threads {
    /// Waits for the writer to send what is left, once the loop's end of
    /// the link is dropped, and then, if asked, for the reader (which
    /// stops after `exit`, at the end of the input or at a broken frame).
    pub fn join(self, reader: bool) -> Result<(), String> {
        let written = self
            .writer
            .join()
            .map_err(|_| "the thread writing standard output failed".to_string())?;
        written.map_err(|e| format!("standard output could not be written: {e}"))?;
        if reader {
            self.reader
                .join()
                .map_err(|_| "the thread reading standard input failed".to_string())?;
        }
        Ok(())
    }
}

/// A link over a byte stream in each direction (standard input and output,
/// which the command line hands over).
pub fn spawn(
    input: impl Read + Send + 'static,
    output: impl Write + Send + 'static,
) -> Result<(Link, Threads), String> {
    // No buffering on the way in: the client waits for answers, and the
    // loop takes in everything already waiting before it checks.
    let (in_sender, in_receiver) = bounded::<Incoming>(0);
    let (out_sender, out_receiver) = unbounded::<Outgoing>();
    let reader = thread::Builder::new()
        .name("msklint-stdin".to_string())
        .spawn(move || {
            let mut input = BufReader::new(input);
            loop {
                let incoming = match read_frame(&mut input) {
                    Ok(None) => return,
                    Ok(Some(body)) => parse(&body),
                    Err(why) => Incoming::Broken(why),
                };
                // After `exit` the client may keep the pipe open; nothing
                // more is read, so the thread can be joined.
                let last = match &incoming {
                    Incoming::Broken(_) => true,
                    Incoming::Message(Message::Notification(n)) => n.method == "exit",
                    _ => false,
                };
                if in_sender.send(incoming).is_err() || last {
                    return;
                }
            }
        })
        .map_err(|e| format!("no thread to read standard input: {e}"))?;
    let writer = thread::Builder::new()
        .name("msklint-stdout".to_string())
        .spawn(move || {
            let mut out = output;
            out_receiver.iter().try_for_each(|m| write(&mut out, &m))
        })
        .map_err(|e| format!("no thread to write standard output: {e}"))?;
    let link = Link {
        receiver: in_receiver,
        sender: out_sender,
    };
    Ok((link, Threads { reader, writer }))
}

/// A link over an in-memory connection, whose messages are already
/// parsed (for tests): two threads pass messages between the two.
pub fn memory(connection: Connection) -> Result<Link, String> {
    let Connection { sender, receiver } = connection;
    let (in_sender, in_receiver) = unbounded::<Incoming>();
    let (out_sender, out_receiver) = unbounded::<Outgoing>();
    thread::Builder::new()
        .name("msklint-memory-in".to_string())
        .spawn(move || {
            for m in receiver {
                if in_sender.send(Incoming::Message(m)).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| format!("no thread for the connection: {e}"))?;
    thread::Builder::new()
        .name("msklint-memory-out".to_string())
        .spawn(move || {
            for m in out_receiver {
                // Nothing unaddressed is ever sent: only a frame that was
                // not a message is answered so, and these are messages.
                let Outgoing::Message(m) = m else { continue };
                if sender.send(m).is_err() {
                    return;
                }
            }
        })
        .map_err(|e| format!("no thread for the connection: {e}"))?;
    Ok(Link {
        receiver: in_receiver,
        sender: out_sender,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Result<Option<Vec<u8>>, String>> {
        let mut input = input;
        let mut out = Vec::new();
        loop {
            let frame = read_frame(&mut input);
            let stop = !matches!(frame, Ok(Some(_)));
            out.push(frame);
            if stop {
                return out;
            }
        }
    }

    fn code(incoming: &Incoming) -> Option<i32> {
        match incoming {
            Incoming::Invalid { error, .. } => Some(error.code),
            _ => None,
        }
    }

    #[test]
    fn bodies_that_are_not_messages_are_errors_to_answer() {
        assert_eq!(code(&parse(b"{not json")), Some(-32700));
        assert_eq!(code(&parse(b"\xff\xfe")), Some(-32700));
        assert_eq!(code(&parse(b"[]")), Some(-32600));
        assert_eq!(code(&parse(br#"{"jsonrpc":"2.0"}"#)), Some(-32600));
        // An id that can be read is answered to.
        let Incoming::Invalid { id, .. } = parse(br#"{"jsonrpc":"2.0","id":7}"#) else {
            panic!("not an error");
        };
        assert_eq!(id, Some(RequestId::from(7)));
        // A request with an id that is no id is refused, not taken for a
        // notification that needs no answer.
        for bad in [
            &br#"{"jsonrpc":"2.0","id":null,"method":"shutdown"}"#[..],
            br#"{"jsonrpc":"2.0","id":1.5,"method":"shutdown"}"#,
        ] {
            assert_eq!(code(&parse(bad)), Some(-32600));
        }
        let ok = parse(br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#);
        assert!(
            matches!(ok, Incoming::Message(Message::Request(_))),
            "{ok:?}"
        );
    }

    #[test]
    fn frames_are_read_until_the_end_or_a_broken_header() {
        let read = frames(b"Content-Length: 2\r\n\r\n{}content-length:3\n\n[1]");
        assert_eq!(read[0], Ok(Some(b"{}".to_vec())));
        assert_eq!(read[1], Ok(Some(b"[1]".to_vec())));
        assert_eq!(read[2], Ok(None));
        let broken = |input: &[u8]| frames(input).pop().and_then(|f| f.err());
        let why = broken(b"Content-Length: 2\r\n\r\n{}{not json").unwrap_or_default();
        assert!(why.contains("ended inside a message header"), "{why}");
        let why = broken(b"Content-Length: two\r\n\r\n{}").unwrap_or_default();
        assert!(why.contains("malformed Content-Length"), "{why}");
        let why = broken(b"Content-Length 2\r\n\r\n{}").unwrap_or_default();
        assert!(why.contains("malformed message header"), "{why}");
        let why = broken(b"Content-Type: x\r\n\r\n{}").unwrap_or_default();
        assert!(why.contains("without Content-Length"), "{why}");
        let why = broken(b"Content-Length: 9\r\n\r\n{}").unwrap_or_default();
        assert!(why.contains("2 of its 9 bytes"), "{why}");
    }

    #[test]
    fn an_unaddressed_error_is_sent_to_a_null_id() {
        let mut out = Vec::new();
        let e = error(ErrorCode::ParseError, "bad".to_string());
        write(&mut out, &Outgoing::Unaddressed(e)).unwrap();
        let text = String::from_utf8(out).unwrap();
        let (header, body) = text.split_once("\r\n\r\n").unwrap();
        assert_eq!(header, format!("Content-Length: {}", body.len()));
        let body: Value = serde_json::from_str(body).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": "bad"}})
        );
    }
}
