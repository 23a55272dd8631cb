//! How long `msklint server` takes from a change to its diagnostics, as an
//! editor sees it: the real binary, over standard input and output.
//!
//! ```text
//! lsp_latency --server BIN --file PATHWAY [--runs N] [--warmup N] [--pause MS]
//! ```
//!
//! Starts `BIN server`, opens the file, then N times (after `--warmup`
//! untimed ones): waits `--pause` ms (longer than the server's debounce,
//! so each change comes after a quiet spell, as a single edit in an
//! editor does), sends a one-character `didChange` in the middle of the
//! file and times until the `publishDiagnostics` for that version arrives.
//! Prints each run and then `median_ms=... min_ms=... max_ms=...
//! server_cpu_ms_per_change=... diagnostics=...` on the last line. Ends with `shutdown` and `exit` and
//! fails if the server does not exit with status 0.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{ChildStdin, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

struct Args {
    server: PathBuf,
    file: PathBuf,
    runs: usize,
    warmup: usize,
    pause: u64,
}

fn args() -> Result<Args, String> {
    let mut out = Args {
        server: PathBuf::new(),
        file: PathBuf::new(),
        runs: 15,
        warmup: 3,
        pause: 400,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = || value.parse::<usize>().map_err(|e| format!("{flag}: {e}"));
        match flag.as_str() {
            "--server" => out.server = value.clone().into(),
            "--file" => out.file = value.clone().into(),
            "--runs" => out.runs = number()?,
            "--warmup" => out.warmup = number()?,
            "--pause" => out.pause = number()? as u64,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if out.server.as_os_str().is_empty() || out.file.as_os_str().is_empty() || out.runs == 0 {
        return Err(
            "usage: lsp_latency --server BIN --file PATHWAY [--runs N] [--warmup N] [--pause MS]"
                .into(),
        );
    }
    Ok(out)
}

fn send(stdin: &mut ChildStdin, message: &Value) -> Result<(), String> {
    let body = message.to_string();
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).map_err(|e| e.to_string())?;
    stdin.flush().map_err(|e| e.to_string())
}

/// Reads framed messages from the server into a channel, each with the
/// moment it was read.
fn reader(stdout: impl Read + Send + 'static) -> mpsc::Receiver<(Instant, Value)> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut input = BufReader::new(stdout);
        loop {
            let mut length = None;
            loop {
                let mut line = String::new();
                if input.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse::<usize>().ok();
                }
            }
            let Some(length) = length else { return };
            let mut body = vec![0; length];
            if input.read_exact(&mut body).is_err() {
                return;
            }
            let at = Instant::now();
            let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                return;
            };
            if tx.send((at, value)).is_err() {
                return;
            }
        }
    });
    rx
}

/// The diagnostics published for `version`, and when they arrived.
fn published(
    rx: &mpsc::Receiver<(Instant, Value)>,
    version: i64,
) -> Result<(Instant, usize), String> {
    loop {
        let (at, message) = rx
            .recv_timeout(Duration::from_secs(60))
            .map_err(|_| format!("no diagnostics for version {version} within 60 s"))?;
        if message["method"] == "textDocument/publishDiagnostics"
            && message["params"]["version"] == version
        {
            let count = message["params"]["diagnostics"]
                .as_array()
                .map_or(0, Vec::len);
            return Ok((at, count));
        }
    }
}

/// CPU seconds (user + system) the process has used so far, where
/// `/proc` says (Linux); `None` elsewhere.
fn cpu_seconds(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    // USER_HZ is 100 on every Linux configuration in use.
    Some(ticks / 100.0)
}

fn response(rx: &mpsc::Receiver<(Instant, Value)>, id: i64) -> Result<Value, String> {
    loop {
        let (_, message) = rx
            .recv_timeout(Duration::from_secs(60))
            .map_err(|_| format!("no response to request {id}"))?;
        if message["id"] == id && message.get("method").is_none() {
            return Ok(message);
        }
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("lsp_latency: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = args()?;
    let path = std::fs::canonicalize(&args.file).map_err(|e| e.to_string())?;
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let uri = format!("file://{}", path.display());
    let mut child = Command::new(&args.server)
        .arg("server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", args.server.display()))?;
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let rx = reader(child.stdout.take().ok_or("no stdout")?);

    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "processId": null, "rootUri": null, "capabilities": {} } }),
    )?;
    response(&rx, 1)?;
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "method": "initialized", "params": {} }),
    )?;
    let opened = Instant::now();
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "method": "textDocument/didOpen",
        "params": { "textDocument": { "uri": uri, "languageId": "pathway", "version": 1, "text": text } } }),
    )?;
    let (at, count) = published(&rx, 1)?;
    println!(
        "open: {:.1} ms, {count} diagnostics, {} lines, {} bytes",
        (at - opened).as_secs_f64() * 1000.0,
        text.lines().count(),
        text.len()
    );

    // The edit: one character of a label in the middle line that has one,
    // switched back and forth.
    let lines: Vec<&str> = text.lines().collect();
    let (line, column) = (lines.len() / 2..lines.len())
        .chain(0..lines.len() / 2)
        .find_map(|i| lines[i].find(": \"").map(|c| (i, c + 3)))
        .ok_or("no label to edit in the file")?;
    let column = lines[line][..column].encode_utf16().count();
    let mut times = Vec::new();
    let mut version = 1;
    let mut last_count = count;
    let pid = child.id();
    let mut cpu_start = None;
    for run in 0..args.warmup + args.runs {
        if run == args.warmup {
            cpu_start = cpu_seconds(pid);
        }
        std::thread::sleep(Duration::from_millis(args.pause));
        version += 1;
        let replacement = if run % 2 == 0 { "Z" } else { "Q" };
        let change = json!({ "jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{
                "range": { "start": { "line": line, "character": column },
                           "end": { "line": line, "character": column + 1 } },
                "text": replacement
            }]
        }});
        let sent = Instant::now();
        send(&mut stdin, &change)?;
        let (at, count) = published(&rx, version)?;
        last_count = count;
        let ms = (at - sent).as_secs_f64() * 1000.0;
        if run >= args.warmup {
            println!("run {}: {ms:.1} ms", run - args.warmup + 1);
            times.push(ms);
        }
    }

    // The server's own CPU time per change (10 ms ticks, so only the
    // average over the runs means anything): less disturbed by other work
    // on the machine than the elapsed time.
    let cpu_per_change = match (cpu_start, cpu_seconds(pid)) {
        (Some(a), Some(b)) => format!("{:.1}", (b - a) * 1000.0 / args.runs as f64),
        _ => "n/a".to_string(),
    };
    send(
        &mut stdin,
        &json!({ "jsonrpc": "2.0", "id": 2, "method": "shutdown" }),
    )?;
    response(&rx, 2)?;
    send(&mut stdin, &json!({ "jsonrpc": "2.0", "method": "exit" }))?;
    drop(stdin);
    let status = child.wait().map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!("the server exited with {status}"));
    }

    times.sort_by(f64::total_cmp);
    let median = if times.len() % 2 == 1 {
        times[times.len() / 2]
    } else {
        (times[times.len() / 2 - 1] + times[times.len() / 2]) / 2.0
    };
    println!(
        "median_ms={median:.1} min_ms={:.1} max_ms={:.1} runs={} server_cpu_ms_per_change={cpu_per_change} diagnostics={last_count}",
        times[0],
        times[times.len() - 1],
        times.len()
    );
    Ok(())
}
