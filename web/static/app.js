// msklint's page: hands files to msklint compiled to WebAssembly
// (msklint_web.js, made by scripts/build-web.sh from web/src/lib.rs) and
// shows what it finds. Nothing is fetched once the page has loaded, and
// nothing is sent anywhere.

import init, {
  Checker, version, locked_rules, max_bytes, __wbg_reset_state as resetWasm,
} from "./msklint_web.js";

const $ = (id) => document.getElementById(id);
const status = $("status");
const results = $("results");

let checker = null;
/// What is usable once msklint has started.
const CONTROLS = ["check", "share", "files", "apply-settings", "default-settings"];
/// The files last checked, kept to check them again with new settings.
let lastFiles = [];
/// The msklint.yaml text in force ("" for none).
let settings = "";

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

// A panic inside msklint cannot be caught in WebAssembly: the call throws
// a RuntimeError and the instance is left unusable. The page then starts
// msklint afresh from the module it already has (no download), with the
// same settings, and lists the file that caused it.

/// Starts a fresh msklint; false if even that fails.
function restart() {
  try {
    resetWasm();
    checker = new Checker();
    if (settings) checker.configure(settings);
    return true;
  } catch (e) {
    stopped(e);
    return false;
  }
}

function stopped(e) {
  checker = null;
  results.replaceChildren();
  status.textContent = `msklint stopped with an internal error (${e}) and could not be started again. Reload the page to go on.`;
  for (const id of CONTROLS) $(id).disabled = true;
}

/// Runs `work` with the checker; after a failure inside msklint, starts it
/// afresh and says so. Returns work's value, or undefined after a failure.
function guarded(work) {
  try {
    return work(checker);
  } catch (e) {
    if (restart()) {
      // The fresh msklint has checked nothing yet.
      for (const d of DOWNLOADS) $(d.id).disabled = true;
      status.textContent = `msklint failed (${e}) and was started afresh; please check the files again.`;
    }
    return undefined;
  }
}

const CRASHED = "msklint stopped with an internal error on this file, a defect in msklint " +
  "(please report it, with the file if you can). msklint was started afresh and the other files were checked.";

/// Checks the files, each { name, bytes } (bytes null for a file too large
/// to read), and shows the findings.
function checkFiles(files) {
  lastFiles = files;
  status.textContent = files.length === 1 ? `Checking ${files[0].name}…` : `Checking ${files.length} files…`;
  const crashed = [];
  // Each pass checks every file not yet known to crash msklint; a crash
  // restarts msklint and starts the pass again without that file.
  for (let pass = 0; pass <= files.length; pass++) {
    let current = null;
    try {
      checker.clear();
      for (const file of files) {
        if (crashed.includes(file)) continue;
        current = file;
        if (file.bytes === null) checker.too_large(file.name, file.size);
        else checker.add(file.name, file.bytes);
      }
      current = null;
      const views = JSON.parse(checker.views());
      for (const file of crashed) views.problems.push({ path: file.name, message: CRASHED });
      show(JSON.parse(checker.json()), views);
      return;
    } catch (e) {
      if (!restart()) return;
      if (current === null) break;
      crashed.push(current);
    }
  }
  results.replaceChildren();
  status.textContent = "msklint failed while showing the findings and was started afresh. Please try again.";
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
  showScores();
  for (const id of DOWNLOADS.map((d) => d.id)) $(id).disabled = views.files.length === 0;
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
    button.addEventListener("click", () => {
      highlight(list, item, source, file.text, file.spans[i]);
      markNodes(figures, finding.pathway, file.nodes[i]);
    });
    list.append(item);
  });
  const figures = file.diagrams.map((d, n) => diagram(d, `${id}-diagram-${n}`));
  const count = findings.length ? plural(findings.length, "finding", "findings") : "no findings";
  return el("section", { class: "file", "aria-labelledby": `${id}-title` },
    el("h3", { id: `${id}-title` }, `${file.path} `, el("span", { class: "code" }, `(${file.format}, ${count})`)),
    list,
    figures.length ? el("h4", {}, figures.length === 1 ? "Diagram" : "Diagrams") : null,
    ...figures,
    el("h4", {}, "Text as msklint read it"),
    source);
}

/// One pathway's diagram, the SVG msklint drew, in a figure.
function diagram({ pathway, svg }, id) {
  const holder = el("div", { class: "diagram-scroll", tabindex: "0", "aria-labelledby": `${id}-caption` });
  // The SVG is msklint's own output, with every name in it escaped.
  holder.innerHTML = svg;
  const drawing = holder.querySelector("svg");
  drawing?.setAttribute("role", "img");
  drawing?.setAttribute("aria-labelledby", `${id}-caption`);
  return el("figure", { class: "diagram", "data-pathway": pathway }, holder,
    el("figcaption", { id: `${id}-caption` },
      `The pathway “${pathway}” as a diagram. Services with findings are outlined in red (errors) ` +
      "or amber (warnings); the one a chosen finding is about is drawn in a thick blue line."));
}

/// Marks the nodes a finding is about in its pathway's diagram.
function markNodes(figures, pathway, nodes) {
  for (const figure of figures) {
    for (const old of figure.querySelectorAll("g.node.selected")) old.classList.remove("selected");
    if (figure.dataset.pathway !== pathway) continue;
    for (const id of nodes) {
      figure.querySelector(`g.node[id="${CSS.escape(`node-${id}`)}"]`)?.classList.add("selected");
    }
  }
}

// ---- maturity scores --------------------------------------------------

function levelText(level) {
  return level === null ? "not evidenced" : `level ${level}`;
}

function listOf(lines) {
  return lines.length ? el("ul", {}, ...lines.map((line) => el("li", {}, line))) : "";
}

function showScores() {
  const doc = guarded((c) => JSON.parse(c.scores()));
  const holder = $("scores");
  holder.replaceChildren();
  if (!doc) return;
  if (!doc.scorecards.length) {
    holder.append(el("p", {}, "No pathway checked yet: the matrix rates pathways, not policy documents."));
    return;
  }
  holder.append(el("p", {}, `Each pathway rated against the ${doc.matrix}, from what its file shows ` +
    "(0 to 4; “not evidenced” where the file says nothing either way)."));
  for (const card of doc.scorecards) {
    const rows = card.requirements.map((r) => el("tr", {},
      el("td", {}, r.section),
      el("th", { scope: "row" }, r.name),
      el("td", { class: "level" }, levelText(r.level)),
      el("td", {}, listOf(r.evidence)),
      el("td", {}, listOf(r.raise))));
    holder.append(el("div", { class: "table-scroll", tabindex: "0", "aria-label": `Maturity of ${card.pathway}` },
      el("table", { class: "scores" },
        el("caption", {}, `${card.pathway} (${card.file})`),
        el("thead", {}, el("tr", {}, ...["Section", "Requirement", "Level", "What the file shows", "What would raise it"]
          .map((h) => el("th", { scope: "col" }, h)))),
        el("tbody", {}, ...rows))));
  }
}

// ---- downloads --------------------------------------------------------

const DOWNLOADS = [
  { id: "download-html", file: "consultation-response.html", type: "text/html", make: (c) => c.report_html() },
  { id: "download-markdown", file: "consultation-response.md", type: "text/markdown", make: (c) => c.report_markdown() },
  { id: "download-json", file: "msklint-findings.json", type: "application/json", make: (c) => c.json() },
  { id: "download-sarif", file: "msklint-findings.sarif", type: "application/sarif+json", make: (c) => c.sarif() },
];

/// Hands the browser a file made here; nothing is fetched or sent.
function save(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = el("a", { href: url, download: name, hidden: "" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- settings (what msklint.yaml can change) --------------------------

const LEVELS = ["error", "warning", "info", "off"];

function showSettings() {
  const locked = JSON.parse(locked_rules());
  const rules = JSON.parse(checker.rules()).filter((r) => !locked.includes(r.name));
  const rows = rules.map((rule) => {
    const select = el("select", { "data-rule": rule.name, "aria-label": `Severity of ${rule.name}` },
      el("option", { value: "" }, `its own (${rule.severity})`),
      ...LEVELS.map((level) => el("option", { value: level }, level)));
    select.addEventListener("change", writeSettings);
    return el("tr", {},
      el("th", { scope: "row" }, rule.name, " ", el("span", { class: "code" }, `(${rule.code})`)),
      el("td", {}, rule.category),
      el("td", {}, select));
  });
  $("settings-rules").replaceChildren(el("div", { class: "table-scroll", tabindex: "0", "aria-label": "Rules and their severities" },
    el("table", {},
      el("thead", {}, el("tr", {}, ...["Rule", "Category", "Severity"].map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...rows))));
  const note = locked.length ? `${locked.join(" and ")} cannot be changed: they say that msklint could not read a file.` : "";
  $("settings-locked").textContent = note;
}

/// The msklint.yaml text the choices in the table make.
function writeSettings() {
  const lines = [];
  for (const select of $("settings-rules").querySelectorAll("select")) {
    if (select.value) lines.push(`  ${select.dataset.rule}: ${select.value}`);
  }
  $("settings-yaml").value = lines.length ? `rules:\n${lines.join("\n")}\n` : "";
}

function applySettings() {
  const yaml = $("settings-yaml").value;
  const says = $("settings-status");
  try {
    checker.configure(yaml);
  } catch (e) {
    // msklint refused the text; the settings stay as they were.
    says.textContent = `Not applied: ${e.message ?? e}`;
    says.className = "problem";
    return;
  }
  settings = yaml;
  says.className = "";
  says.textContent = yaml.trim() ? "Applied. Files are now checked with these settings." :
    "Applied: every rule at its own severity.";
  if (lastFiles.length) checkFiles(lastFiles);
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
  const limit = max_bytes();
  for (const file of fileList) {
    // A file too large to check is not read at all.
    const bytes = file.size > limit ? null : new Uint8Array(await file.arrayBuffer());
    files.push({ name: file.name, bytes, size: file.size });
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
  // Ctrl+Enter (or Command+Enter) in the text checks it.
  $("source").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && checker) {
      event.preventDefault();
      $("paste-form").requestSubmit();
    }
  });
  $("files").addEventListener("change", (event) => readFiles(event.target.files));
  for (const d of DOWNLOADS) {
    $(d.id).addEventListener("click", () => {
      const text = guarded(d.make);
      if (text !== undefined) save(d.file, d.type, text);
    });
  }
  $("settings").addEventListener("toggle", () => {
    if ($("settings").open && checker && !$("settings-rules").querySelector("table")) showSettings();
  });
  $("apply-settings").addEventListener("click", () => {
    if (checker) applySettings();
  });
  $("default-settings").addEventListener("click", () => {
    for (const select of $("settings-rules").querySelectorAll("select")) select.value = "";
    writeSettings();
    if (checker) applySettings();
  });
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

/// Has the browser keep the page's files (sw.js), so that it opens again
/// with no network. Waits until they are kept, so that every request the
/// page makes is made while it loads. Browsers that refuse (a private
/// window, a page not served over HTTPS or from this computer) simply
/// fetch the page again next time.
async function keepForOffline() {
  if (!("serviceWorker" in navigator) || !window.isSecureContext) return;
  try {
    await navigator.serviceWorker.register("sw.js");
    await Promise.race([navigator.serviceWorker.ready, new Promise((done) => setTimeout(done, 15_000))]);
  } catch {
    // Not kept for offline use; everything else works as before.
  }
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
  // The first check compiles the rules' text patterns; doing one now, on
  // texts of msklint's own, makes the person's first check as quick as
  // later ones. It is only a head start, so a failure here is not fatal.
  status.textContent = "Starting msklint…";
  await new Promise((done) => setTimeout(done, 0));
  try {
    checker.warm_up();
  } catch {
    if (!restart()) return;
  }
  $("version").textContent = version();
  for (const id of CONTROLS) $(id).disabled = false;
  status.textContent = "Ready. Paste text or choose files to check.";
  openFragment();
  await keepForOffline();
  // Tests wait for this before counting network requests.
  document.documentElement.dataset.ready = "true";
}

start();
