// msklint's web page in a real headless Chromium, driven by playwright-core.
// Run by tests/web.rs after scripts/build-web.sh, which passes:
//
//   MSKLINT_WEB        the built page (target/web)
//   MSKLINT_CHROMIUM   the browser to drive (Debian's chromium)
//   MSKLINT_CASES      a JSON file: [{ file, name, expected }], each the path
//                      of a bundled example, the name the page gets it
//                      under, and the path of `msklint check --format json`
//                      on it
//   MSKLINT_ARTEFACTS  where screenshots go
//
// The page is served from a small static server on 127.0.0.1 started here.
// Every request a page makes is recorded; once the page says it is ready
// (html[data-ready]) there must be none at all.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFileSync, mkdirSync } from "node:fs";
import { extname, join, normalize } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; tests/web.rs runs this file`);
  return value;
}

const web = need("MSKLINT_WEB");
const cases = JSON.parse(readFileSync(need("MSKLINT_CASES"), "utf8"));
const artefacts = need("MSKLINT_ARTEFACTS");
mkdirSync(artefacts, { recursive: true });
const pathway = cases.find((c) => c.name.endsWith(".pathway"));
const policy = cases.find((c) => c.name.endsWith(".md"));

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
};

let server;
let origin;
let browser;
/// What the server was asked for, and how many pages were opened.
const served = [];
let opened = 0;

before(async () => {
  server = createServer((req, res) => {
    served.push(req.url);
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(web, path === "/" ? "index.html" : path));
    if (!file.startsWith(normalize(web))) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({
    executablePath: need("MSKLINT_CHROMIUM"),
    headless: true,
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
});

after(async () => {
  await browser?.close();
  server?.close();
});

/// Opens `url` in a new page and waits until msklint has started. The
/// returned `late` lists every request made after that.
async function open(url) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  opened += 1;
  const requests = { early: [], late: [] };
  let ready = false;
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => (ready ? requests.late : requests.early).push(r.url()));
  await page.goto(url, { waitUntil: "load" });
  await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
  ready = true;
  return { page, requests, errors };
}

/// The files a page fetches while loading, each once, and nothing else.
const PAGE_FILES = ["/", "/app.js", "/msklint_web.js", "/msklint_web_bg.wasm", "/style.css"];

/// While loading, the page fetched its own files from the test's server,
/// each once, and nothing else; after that, nothing at all. (A request
/// made just after the page got ready may be counted as early: it is then
/// one too many.)
function assertOffline({ requests, errors }) {
  assert.deepEqual(errors, [], "the page threw");
  const early = requests.early.map((url) => {
    assert.ok(url.startsWith(origin + "/"), `the page fetched ${url} from elsewhere`);
    return new URL(url).pathname;
  });
  assert.deepEqual(early.sort(), PAGE_FILES, "the requests made while loading");
  assert.deepEqual(requests.late, [], "requests after the page had loaded");
}

async function waitForResults(page) {
  await page.waitForFunction(() => /checked/.test(document.getElementById("status").textContent));
}

/// The findings the page shows, read from what is on screen.
async function shown(page, name) {
  const section = page.locator("section.file").filter({
    has: page.locator("h3", { hasText: name }),
  });
  assert.equal(await section.count(), 1, `one section for ${name}`);
  return section.locator("li.finding").evaluateAll((items) =>
    items.map((item) => {
      const text = (sel) => item.querySelector(sel)?.textContent ?? null;
      const where = /^line (\d+), column (\d+)/.exec(text(".where"));
      return {
        severity: text(".severity"),
        rule: text(".rule"),
        code: text(".code")?.replace(/^\((.*)\)$/, "$1") ?? null,
        line: where && Number(where[1]),
        column: where && Number(where[2]),
        message: text(".message"),
        help: text(".help"),
        sources: [...item.querySelectorAll(".sources li")].map((li) => li.textContent),
      };
    }),
  );
}

function expected(c) {
  const doc = JSON.parse(readFileSync(c.expected, "utf8"));
  assert.ok(doc.diagnostics.length > 0, `${c.file} has findings to compare`);
  return doc.diagnostics.map((d) => ({
    severity: d.severity,
    rule: d.rule,
    code: d.code,
    line: d.line,
    column: d.column,
    message: d.message,
    help: d.help,
    sources: d.sources,
  }));
}

function fragment(name, bytes) {
  return `#name=${encodeURIComponent(name)}&source=${Buffer.from(bytes).toString("base64url")}`;
}

async function assertAccessible(page) {
  await page.addScriptTag({ content: readFileSync(require.resolve("axe-core"), "utf8") });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  assert.deepEqual(violations, [], "serious or critical accessibility violations");
}

test("pasting the example pathway shows the command line's findings", async () => {
  const session = await open(`${origin}/`);
  const { page } = session;
  await assert.doesNotReject(page.getByText("Your files never leave this computer").waitFor());
  await page.getByLabel("File name").fill(pathway.name);
  await page.getByLabel("Text", { exact: true }).fill(readFileSync(pathway.file, "utf8"));
  await page.getByRole("button", { name: "Check" }).click();
  await waitForResults(page);
  assert.deepEqual(await shown(page, pathway.name), expected(pathway));

  // Each finding, clicked, marks exactly its text in the source view.
  const doc = JSON.parse(readFileSync(pathway.expected, "utf8"));
  const buttons = page.locator("li.finding button.locate");
  for (let i = 0; i < doc.diagnostics.length; i++) {
    await buttons.nth(i).click();
    const mark = page.locator("pre.source mark");
    assert.equal(await mark.count(), 1);
    assert.equal(await mark.textContent(), doc.diagnostics[i].snippet, `finding ${i + 1}`);
    assert.equal(await buttons.nth(i).getAttribute("aria-current"), "true");
  }
  await page.screenshot({ path: join(artefacts, "pasted-pathway.png"), fullPage: true });

  // The share link the page makes is the documented fragment.
  await page.getByRole("button", { name: "Make a share link" }).click();
  const link = await page.getByLabel(/Share link/).inputValue();
  assert.equal(new URL(link).hash, fragment(pathway.name, readFileSync(pathway.file)));

  await assertAccessible(page);
  assertOffline(session);
  await page.close();
});

test("a share link checks its file as soon as it opens", async () => {
  const url = `${origin}/${fragment(pathway.name, readFileSync(pathway.file))}`;
  const session = await open(url);
  const { page } = session;
  await waitForResults(page);
  assert.deepEqual(await shown(page, pathway.name), expected(pathway));
  assert.equal(await page.getByLabel("File name").inputValue(), pathway.name);
  await page.screenshot({ path: join(artefacts, "share-link.png"), fullPage: true });
  assertOffline(session);
  await page.close();
});

test("several files chosen at once are checked and shown file by file", async () => {
  const session = await open(`${origin}/`);
  const { page } = session;
  await page.getByLabel("Choose files").setInputFiles(
    cases.map((c) => ({ name: c.name, mimeType: "application/octet-stream", buffer: readFileSync(c.file) })),
  );
  await waitForResults(page);
  for (const c of cases) {
    assert.deepEqual(await shown(page, c.name), expected(c), c.name);
  }
  // A sentence of the policy is marked when its finding is clicked.
  const section = page.locator("section.file").filter({ has: page.locator("h3", { hasText: policy.name }) });
  await section.locator("button.locate").first().click();
  const first = JSON.parse(readFileSync(policy.expected, "utf8")).diagnostics[0];
  assert.equal(await section.locator("pre.source mark").textContent(), first.snippet);
  await page.screenshot({ path: join(artefacts, "several-files.png"), fullPage: true });
  await assertAccessible(page);
  assertOffline(session);
  await page.close();
});

test("a file dropped on the page is checked", async () => {
  const session = await open(`${origin}/`);
  const { page } = session;
  const files = [{ name: policy.name, bytes: [...readFileSync(policy.file)] }];
  const dataTransfer = await page.evaluateHandle((files) => {
    const transfer = new DataTransfer();
    for (const f of files) transfer.items.add(new File([new Uint8Array(f.bytes)], f.name));
    return transfer;
  }, files);
  await page.dispatchEvent("#drop", "drop", { dataTransfer });
  await waitForResults(page);
  assert.deepEqual(await shown(page, policy.name), expected(policy));
  assertOffline(session);
  await page.close();
});

test("the rule catalogue shows each rule's explain text", async () => {
  const session = await open(`${origin}/`);
  const { page } = session;
  await page.getByText("Every rule msklint applies").click();
  const rule = JSON.parse(readFileSync(pathway.expected, "utf8")).diagnostics[0];
  await page.getByText(`Explain ${rule.rule}`, { exact: true }).click();
  const text = await page.locator("#rules-list pre").first().textContent();
  assert.match(text, new RegExp(`^${rule.code} ${rule.rule} `));
  assert.ok(text.includes("Why it matters"), text);
  await page.screenshot({ path: join(artefacts, "rules.png"), fullPage: false });
  await assertAccessible(page);
  assertOffline(session);
  await page.close();
});

test("the server saw only the page's own files, once for each page opened", () => {
  assert.ok(opened > 0);
  const expected = Array.from({ length: opened }, () => PAGE_FILES).flat().sort();
  assert.deepEqual(served.map((url) => new URL(url, origin).pathname).sort(), expected);
});
