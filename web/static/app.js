// msklint's page: hands files to msklint compiled to WebAssembly
// (msklint_web.js, made by scripts/build-web.sh from web/src/lib.rs) and
// shows what it finds. Nothing is fetched once the page has loaded, and
// nothing is sent anywhere.

import init, { Checker, version } from "./msklint_web.js";

const $ = (id) => document.getElementById(id);
const status = $("status");
const results = $("results");

let checker = null;

// ---- share links ------------------------------------------------------
// The fragment holds one file: #name=<percent-encoded name>&source=<its
// UTF-8 bytes in base64url (RFC 4648 section 5) without padding>. A
// fragment never travels to the server.

function toBase64Url(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new Error("the source is not base64url");
  }
  let b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  b64 += "=".repeat((4 - (b64.length % 4)) % 4);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function shareFragment(name, bytes) {
  return `#name=${encodeURIComponent(name)}&source=${toBase64Url(bytes)}`;
}

function readFragment(hash) {
  const fields = {};
  for (const part of hash.replace(/^#/, "").split("&")) {
    const at = part.indexOf("=");
    if (at > 0) fields[part.slice(0, at)] = part.slice(at + 1);
  }
  if (fields.name === undefined || fields.source === undefined) return null;
  return { name: decodeURIComponent(fields.name), bytes: fromBase64Url(fields.source) };
}

// ---- checking ---------------------------------------------------------

/// Checks the files, each { name, bytes }, and shows the findings.
function checkFiles(files) {
  status.textContent = files.length === 1 ? `Checking ${files[0].name}…` : `Checking ${files.length} files…`;
  checker.clear();
  try {
    for (const file of files) checker.add(file.name, file.bytes);
    show(JSON.parse(checker.json()), JSON.parse(checker.views()));
  } catch (e) {
    // A panic inside msklint leaves its WebAssembly unusable.
    results.replaceChildren();
    status.textContent = `msklint stopped with an internal error (${e}). Reload the page to go on; please report the file that caused it.`;
    checker = null;
    for (const id of ["check", "share", "files"]) $(id).disabled = true;
  }
}

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

function summaryLine(problems) {
  let line = checker.summary();
  if (problems.length) line += `; ${plural(problems.length, "file", "files")} could not be read`;
  return line + ".";
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function where(finding) {
  let text = `line ${finding.line}, column ${finding.column}`;
  if (finding.paragraph) text += ` (paragraph ${finding.paragraph.number})`;
  if (finding.page) text += ` (page ${finding.page})`;
  return text;
}

function show(doc, views) {
  results.replaceChildren();
  status.textContent = summaryLine(views.problems);
  for (const problem of views.problems) {
    results.append(el("section", { class: "file" },
      el("h3", {}, problem.path),
      el("p", { class: "problem" }, problem.message)));
  }
  let next = 0;
  views.files.forEach((file, index) => {
    const findings = doc.diagnostics.slice(next, next + file.spans.length);
    next += file.spans.length;
    results.append(fileSection(file, findings, index));
  });
}

function fileSection(file, findings, index) {
  const id = `file-${index}`;
  const source = el("pre", {
    class: "source", id: `${id}-source`, tabindex: "0",
    "aria-label": `Text of ${file.path}`,
  }, file.text);
  const list = el("ol", { class: "findings", "aria-label": `Findings in ${file.path}` });
  findings.forEach((finding, i) => {
    const button = el("button", { type: "button", class: "locate", "aria-controls": source.id },
      el("span", { class: "severity" }, finding.severity), " ",
      el("span", { class: "rule" }, finding.rule), " ",
      finding.code ? el("span", { class: "code" }, `(${finding.code})`) : null, " ",
      el("span", { class: "where" }, where(finding)),
      el("span", { class: "message" }, finding.message));
    const item = el("li", { class: `finding ${finding.severity}` }, button,
      finding.help ? el("p", { class: "help" }, finding.help) : null);
    if (finding.sources.length) {
      item.append(el("p", { class: "sources-title" }, "Guidance"),
        el("ul", { class: "sources" }, ...finding.sources.map((s) => el("li", {}, s))));
    }
    button.addEventListener("click", () => highlight(list, item, source, file.text, file.spans[i]));
    list.append(item);
  });
  const count = findings.length ? plural(findings.length, "finding", "findings") : "no findings";
  return el("section", { class: "file", "aria-labelledby": `${id}-title` },
    el("h3", { id: `${id}-title` }, `${file.path} `, el("span", { class: "code" }, `(${file.format}, ${count})`)),
    list,
    el("h4", {}, "Text as msklint read it"),
    source);
}

/// Marks a finding's text in its file's source view and scrolls to it.
function highlight(list, item, source, text, [start, end]) {
  for (const other of list.querySelectorAll(".selected")) {
    other.classList.remove("selected");
    other.querySelector(".locate").removeAttribute("aria-current");
  }
  item.classList.add("selected");
  item.querySelector(".locate").setAttribute("aria-current", "true");
  // An empty span (something missing) marks the character it points at.
  if (end <= start) end = Math.min(text.length, start + 1);
  const mark = el("mark", {}, text.slice(start, end));
  source.replaceChildren(text.slice(0, start), mark, text.slice(end));
  mark.scrollIntoView({ block: "nearest" });
}

// ---- rule catalogue ---------------------------------------------------

function showRules() {
  const rules = JSON.parse(checker.rules());
  const list = el("dl");
  for (const rule of rules) {
    const more = el("details", {}, el("summary", {}, `Explain ${rule.name}`));
    more.addEventListener("toggle", () => {
      if (more.open && more.children.length === 1) more.append(el("pre", {}, checker.explain(rule.name)));
    });
    list.append(
      el("dt", {}, `${rule.code} ${rule.name} `, el("span", { class: "code" }, `(${rule.severity}, ${rule.category})`)),
      el("dd", {}, rule.summary, more));
  }
  $("rules-list").replaceChildren(list);
}

// ---- the page's controls ----------------------------------------------

function pasted() {
  const name = $("file-name").value.trim() || "pasted.pathway";
  return { name, bytes: new TextEncoder().encode($("source").value) };
}

async function readFiles(fileList) {
  const files = [];
  for (const file of fileList) {
    files.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) });
  }
  if (files.length) checkFiles(files);
}

function openFragment() {
  let shared;
  try {
    shared = readFragment(location.hash);
  } catch (e) {
    status.textContent = `This share link is damaged: ${e.message}.`;
    return;
  }
  if (!shared) return;
  $("file-name").value = shared.name;
  try {
    $("source").value = new TextDecoder("utf-8", { fatal: true }).decode(shared.bytes);
  } catch {
    $("source").value = "";
  }
  checkFiles([shared]);
}

function wire() {
  $("paste-form").addEventListener("submit", (event) => {
    event.preventDefault();
    checkFiles([pasted()]);
  });
  $("share").addEventListener("click", () => {
    const { name, bytes } = pasted();
    const link = new URL(location.href);
    link.hash = shareFragment(name, bytes);
    $("share-link").value = link.href;
    $("share-box").hidden = false;
    $("share-link").focus();
    $("share-link").select();
  });
  $("files").addEventListener("change", (event) => readFiles(event.target.files));
  const drop = $("drop");
  drop.addEventListener("dragover", (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (event) => {
    event.preventDefault();
    drop.classList.remove("over");
    if (checker) readFiles(event.dataTransfer.files);
  });
  $("rules").addEventListener("toggle", () => {
    if ($("rules").open && checker) showRules();
  });
  window.addEventListener("hashchange", () => {
    if (checker) openFragment();
  });
}

async function start() {
  wire();
  try {
    await init();
    checker = new Checker();
  } catch (e) {
    status.textContent = `msklint could not start in this browser: ${e}`;
    return;
  }
  $("version").textContent = version();
  for (const id of ["check", "share", "files"]) $(id).disabled = false;
  status.textContent = "Ready. Paste text or choose files to check.";
  openFragment();
  // Tests wait for this before counting network requests.
  document.documentElement.dataset.ready = "true";
}

start();
