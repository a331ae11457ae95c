#!/usr/bin/env node
// Headless-Chromium check of a built mdBook (0.5.x) HTML folder.
// Usage: node check-book.mjs BOOK_DIR SCREENSHOT_DIR
// For every chapter page listed in BOOK_DIR/toc.html:
//   - load it over HTTP from `python3 -m http.server` bound to 127.0.0.1 (random free port)
//   - fail on console errors, uncaught page errors, failed / >=400 / non-local requests
//   - fail if a code.language-x86asm block has no hljs-* span, if a listing figure has no
//     assembly block, or if a regenerated listing has no Compiler Explorer link
//   - fail if a listing is wider than its column (at 1280 px and at phone width, 390 px): a
//     long line must wrap, not hide its end
//   - fail if a listing's checked notes and its marked lines disagree in number
//   - on the first assembly listing with source lines: pointing at a source line must light up
//     exactly the lines of that source line, in its colour, and nothing once the pointer leaves
//   - fail if the lazily loaded search index (searchindex-<hash>.js) has 0 documents,
//     or typing the page's title word into the search bar yields 0 results
//   - save a full-page screenshot SCREENSHOT_DIR/<page>.png
// Prints one "FAIL <page>: <reason>" line per failure and exits 1; exits 2 on setup errors.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PAGE_TIMEOUT_MS = 15000;
const OVERALL_TIMEOUT_MS = 180000;

const [bookArg, shotArg] = process.argv.slice(2);
if (!bookArg || !shotArg) {
  console.error('usage: node check-book.mjs BOOK_DIR SCREENSHOT_DIR');
  process.exit(2);
}
const bookDir = path.resolve(bookArg);
const shotDir = path.resolve(shotArg);

let server = null;
let context = null;
let userDataDir = null;
async function cleanup() {
  try { if (context) await context.close(); } catch {}
  if (server && server.exitCode === null) server.kill('SIGTERM');
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
}
function die(msg) {
  console.error(`SETUP ERROR: ${msg}`);
  cleanup().finally(() => process.exit(2));
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => die(`got ${sig}`));
setTimeout(() => die(`overall timeout ${OVERALL_TIMEOUT_MS} ms`), OVERALL_TIMEOUT_MS).unref();

// Chapter pages, in SUMMARY order, from mdBook's generated toc.html.
function chapterPages() {
  const toc = path.join(bookDir, 'toc.html');
  if (!fs.existsSync(toc)) throw new Error(`${toc} not found (is this an mdBook 0.5 HTML folder?)`);
  const pages = [];
  for (const m of fs.readFileSync(toc, 'utf8').matchAll(/<a\s[^>]*href="([^"#?]+\.html)[^"]*"/g)) {
    const p = m[1];
    if (!/^[a-z]+:/i.test(p) && !pages.includes(p)) pages.push(p);
  }
  if (pages.length === 0) throw new Error('no chapter links found in toc.html');
  return pages;
}

// python3 -m http.server on port 0; the chosen port is read from its banner.
function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', bookDir],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const t = setTimeout(() => reject(new Error(`http.server did not start: ${out}`)), 10000);
    server.on('error', e => { clearTimeout(t); reject(e); });
    server.on('exit', c => { clearTimeout(t); reject(new Error(`http.server exited ${c}: ${out}`)); });
    server.stdout.on('data', d => {
      out += d;
      const m = out.match(/port (\d+)/);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    server.stderr.on('data', () => {}); // access log; drain it
  });
}

async function checkPage(base, rel, failures) {
  const fail = reason => failures.push(`FAIL ${rel}: ${reason}`);
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  page.on('console', msg => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      fail(`console error: ${msg.text()}${loc?.url ? ` (${loc.url.replace(base, '')}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', err => fail(`uncaught page error: ${String(err.message || err).split('\n')[0]}`));
  page.on('requestfailed', req => fail(`request failed: ${req.url().replace(base, '')} (${req.failure()?.errorText})`));
  page.on('response', res => { if (res.status() >= 400) fail(`HTTP ${res.status()} for ${res.url().replace(base, '')}`); });
  await page.route('**/*', route => {
    const u = new URL(route.request().url());
    if (u.hostname === '127.0.0.1') return route.continue();
    fail(`blocked non-local request: ${u.href}`);
    return route.abort();
  });

  const resp = await page.goto(base + rel, { waitUntil: 'load' });
  if (!resp || !resp.ok()) { fail(`page load status ${resp?.status()}`); await page.close(); return; }

  // (d) syntax highlighting: highlight.js for the historical listing, the preprocessor's own
  // classes (asm_html.rs) for every regenerated one
  const HL = `Array.from(document.querySelectorAll('code.language-x86asm, code.listing-code'))
      .map((c, i) => ({ i, hl: !!c.querySelector('span[class^="hljs-"], span[class*=" hljs-"]'),
                        first: c.textContent.split('\\n')[0].slice(0, 50) }))`;
  let blocks = [];
  try {
    await page.waitForFunction(`${HL}.every(b => b.hl)`, null, { timeout: 5000 });
  } catch { /* reported below */ }
  blocks = await page.evaluate(HL);
  for (const b of blocks.filter(b => !b.hl)) fail(`assembly block #${b.i} has no hljs-* span ("${b.first}")`);

  // Listings rendered by the book's preprocessor: <figure class="listing" id="listing-…">.
  // Assembly listings (class listing-asm) hold an x86asm block; regenerated ones (id listing-…)
  // also link to Compiler Explorer. MIR and HIR listings are highlighted as Rust.
  const figures = await page.evaluate(() => Array.from(document.querySelectorAll('figure.listing')).map(f => ({
    id: f.id, isAsm: f.classList.contains('listing-asm'), isRustLike: f.classList.contains('listing-mir') || f.classList.contains('listing-hir'),
    asm: !!f.querySelector('code.language-x86asm, code.listing-code.asm'), explorer: !!f.querySelector('a.compiler-explorer[href^="https://godbolt.org/clientstate/"]'),
    rustHighlighted: !!f.querySelector('code.language-rust span[class^="hljs-"]'),
  })));
  for (const f of figures) {
    if (f.isAsm && !f.asm) fail(`listing ${f.id} has no x86asm code block`);
    if (f.isAsm && f.id.startsWith('listing-') && !f.explorer) fail(`listing ${f.id} has no Compiler Explorer link`);
    if (f.isRustLike && !f.rustHighlighted) fail(`listing ${f.id} is not highlighted`);
  }

  // Checked notes: one marked line per note.
  const notes = await page.evaluate(() => Array.from(document.querySelectorAll('figure.listing')).map(f => ({
    id: f.id, marked: f.querySelectorAll('.line.listing-note').length, listed: f.querySelectorAll('.listing-notes li').length,
  })));
  for (const n of notes.filter(n => n.marked !== n.listed)) fail(`listing ${n.id}: ${n.listed} note(s) but ${n.marked} marked line(s)`);

  // Source lines and their instructions: hover the first source line of the first listing that has one.
  const hover = await page.evaluate(() => {
    const source = document.querySelector('code.listing-code .line[data-src-line][tabindex]');
    if (!source) return null;
    const code = source.closest('code');
    const n = source.getAttribute('data-src-line');
    return { n, members: code.querySelectorAll(`.line[data-src-line="${n}"]`).length, figure: source.closest('figure').id };
  });
  if (hover) {
    const selector = `#${hover.figure} .line[data-src-line="${hover.n}"][tabindex]`;
    await page.hover(selector);
    const lit = await page.evaluate(([fig, n]) => {
      const lines = Array.from(document.querySelectorAll(`#${fig} .line.src-lit`));
      return { count: lines.length, same: lines.every(l => l.getAttribute('data-src-line') === n),
               coloured: lines.every(l => l.classList.contains(`src-c${Number(n) % 8}`)) };
    }, [hover.figure, hover.n]);
    if (lit.count !== hover.members || !lit.same || !lit.coloured)
      fail(`hovering source line ${hover.n} of ${hover.figure} lit ${lit.count} line(s) (expected ${hover.members}, all of line ${hover.n}, coloured)`);
    await page.mouse.move(0, 0);
    const left = await page.evaluate(fig => document.querySelectorAll(`#${fig} .line.src-lit`).length, hover.figure);
    if (left !== 0) fail(`${left} line(s) of ${hover.figure} stay lit after the pointer left`);
  }

  // Listings never wider than the column: at this width, then at phone width.
  const OVERFLOW = () => Array.from(document.querySelectorAll('figure.listing pre'))
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => `${pre.closest('figure').id} (${pre.scrollWidth} > ${pre.clientWidth} px)`);
  for (const wide of await page.evaluate(OVERFLOW)) fail(`listing wider than its column at 1280 px: ${wide}`);

  // (e) screenshots, before the search UI is opened: 1280 px, then phone width
  fs.mkdirSync(shotDir, { recursive: true });
  const shot = rel.replace(/[\/\\]/g, '__').replace(/\.html$/, '');
  await page.screenshot({ path: path.join(shotDir, `${shot}.png`), fullPage: true, timeout: 60000 });
  await page.setViewportSize({ width: 390, height: 844 });
  for (const wide of await page.evaluate(OVERFLOW)) fail(`listing wider than its column at 390 px: ${wide}`);
  await page.screenshot({ path: path.join(shotDir, `${shot}-phone.png`), fullPage: true, timeout: 60000 });
  await page.setViewportSize({ width: 1280, height: 900 });

  // (c) search index: mdBook 0.5 injects searchindex-<hash>.js only when search is opened;
  // that script does window.search = Object.assign(window.search, {doc_urls, index, ...}).
  let docs = 0, hits = 0, word = '';
  await page.click('#mdbook-search-toggle');
  try {
    await page.waitForFunction(() => Array.isArray(window.search?.doc_urls) && window.search.index, null, { timeout: 10000 });
    docs = await page.evaluate(() => Math.min(window.search.doc_urls.length,
      Object.keys(window.search.index?.documentStore?.docs || {}).length));
    if (docs === 0) fail('search index has 0 documents');
  } catch {
    fail('search index did not load (window.search.doc_urls/index missing after opening search)');
  }
  if (docs > 0) {
    word = await page.evaluate(() => ((document.querySelector('main h1')?.textContent || document.title)
      .toLowerCase().match(/[a-z]{4,}/g) || ['the']).sort((a, b) => b.length - a.length)[0]);
    await page.locator('#mdbook-searchbar').pressSequentially(word);
    try {
      await page.waitForFunction(() => document.querySelectorAll('#mdbook-searchresults > li').length > 0, null, { timeout: 5000 });
    } catch { /* reported below */ }
    hits = await page.locator('#mdbook-searchresults > li').count();
    if (hits === 0) fail(`searching "${word}" returned 0 results`);
  }
  await page.waitForTimeout(200); // let late console errors arrive
  await page.close();
  console.log(`checked ${rel}: asm blocks=${blocks.length}, listings=${figures.length}, notes=${notes.reduce((a, n) => a + n.listed, 0)}, hover=${hover ? `line ${hover.n} lit ${hover.members}` : 'none'}, search docs=${docs}, hits("${word}")=${hits}`);
}

try {
  const pages = chapterPages();
  const port = await startServer();
  const base = `http://127.0.0.1:${port}/`;
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'check-book-profile-'));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60000,
  });
  const failures = [];
  for (const rel of pages) {
    try { await checkPage(base, rel, failures); }
    catch (e) { failures.push(`FAIL ${rel}: check aborted: ${String(e.message).split('\n')[0]}`); }
  }
  await cleanup();
  for (const f of failures) console.log(f);
  console.log(failures.length ? `${failures.length} failure(s)` : `all ${pages.length} page(s) passed`);
  process.exit(failures.length ? 1 : 0);
} catch (e) {
  die(String(e.stack || e));
}
