// How fast the page shows the example pathway's findings in headless
// Chromium. Run by `scripts/bench.sh --web`, which passes:
//
//   MSKLINT_WEB        the built page (target/web)
//   MSKLINT_CHROMIUM   the browser to drive
//   MSKLINT_PATHWAY    the pathway to paste
//   MSKLINT_RUNS       how many fresh pages to time (default 15)
//
// Each run opens the page afresh and waits until msklint has started,
// puts the pathway in the text box, and times from pressing Check to the
// first frame painted after the findings are on the page (performance.now
// inside the page). That is the first check after loading; the same page
// then checks the text five times more, for the figure of a later check.
// Also timed: from opening the page to msklint ready (loaded, compiled and
// warmed up), on the test's local server.
// Prints one line per run and a summary line of key=value pairs.

import { readFileSync } from "node:fs";
import { chromium } from "playwright-core";
import { serve } from "./serve.js";

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; scripts/bench.sh --web runs this file`);
  return value;
}

const text = readFileSync(need("MSKLINT_PATHWAY"), "utf8");
const runs = Number(process.env.MSKLINT_RUNS ?? 15);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const { server, origin } = await serve(need("MSKLINT_WEB"));
const browser = await chromium.launch({
  executablePath: need("MSKLINT_CHROMIUM"),
  headless: true,
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});

/// Checks the text in the box once; milliseconds from Check to the painted
/// findings, and how many findings were shown.
function timeOneCheck(page) {
  return page.evaluate(async () => {
    const status = document.getElementById("status");
    status.textContent = "";
    const t0 = performance.now();
    document.getElementById("paste-form").requestSubmit();
    // A frame is painted after requestAnimationFrame's callbacks; a task
    // queued from one runs once that frame is done.
    await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
    const t1 = performance.now();
    if (!/checked/.test(status.textContent)) throw new Error(`no findings shown: ${status.textContent}`);
    return { ms: t1 - t0, findings: document.querySelectorAll("li.finding").length };
  });
}

const ready = [];
const first = [];
const later = [];
try {
  for (let run = 1; run <= runs; run++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const opening = Date.now();
    await page.goto(`${origin}/`, { waitUntil: "load" });
    await page.waitForSelector("html[data-ready=true]", { timeout: 30_000 });
    ready.push(Date.now() - opening);
    await page.getByLabel("File name").fill("hip-knee-oa.pathway");
    await page.getByLabel("Text", { exact: true }).fill(text);
    const one = await timeOneCheck(page);
    first.push(one.ms);
    const again = [];
    for (let i = 0; i < 5; i++) again.push((await timeOneCheck(page)).ms);
    later.push(median(again));
    console.log(`run ${run}: ready ${ready.at(-1)} ms after opening; first check ${one.ms.toFixed(1)} ms (${one.findings} findings), later checks ${median(again).toFixed(1)} ms`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`first_median_ms=${median(first).toFixed(1)} later_median_ms=${median(later).toFixed(1)} ready_median_ms=${median(ready)} runs=${runs}`);
