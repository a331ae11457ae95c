#!/usr/bin/env node
// Headless-Chromium check of a built mdBook (0.5.x) HTML folder.
// Usage: node check-book.mjs BOOK_DIR SCREENSHOT_DIR [SITE_PATH]
// The book is served under SITE_PATH (default /under-the-await/), as GitHub Pages serves it under
// /<repository>/, by a small static server that answers a missing page with 404.html, as Pages does.
// For every chapter page listed in BOOK_DIR/toc.html:
//   - load it over HTTP from that server, bound to 127.0.0.1 (random free port)
//   - fail on console errors, uncaught page errors, failed / >=400 / non-local requests
//   - fail if a code.language-x86asm block has no hljs-* span, if a listing figure has no
//     assembly block, or if a regenerated listing has no Compiler Explorer link and does not say why
//   - fail if a listing is wider than its column (at 1280 px and at phone width, 390 px): a
//     long line must wrap, not hide its end
//   - fail if a listing's checked notes and its marked lines disagree in number
//   - fail if a picture (figure.picture) has no rendered SVG, no title named by aria-labelledby,
//     no text labels, text not in the theme's colour, text that renders under 11 px (font size
//     times the SVG's scale), or is wider than the content column (a picture wider than the
//     column must lie in a scroll box a keyboard can focus; at 1100 px or more, one outside an
//     experiment may reach into the page's margins), at 1280 px, at 390 px and in the coal
//     theme; fail if a picture outside an experiment scrolls at 1280 px though the page has room
//     for it, and report how many pictures scroll there; screenshot each:
//     SCREENSHOT_DIR/pictures/<id>.png, <id>-dark.png and <id>-phone.png
//   - fail on any serious or critical accessibility violation axe-core finds, in the light theme
//     and in the coal theme, and on a scroll box a keyboard cannot reach at 390 px (rule, theme,
//     count and the elements' selectors); the summary counts every rule's findings
//   - on the first assembly listing with source lines: pointing at a source line must light up
//     exactly the lines of that source line, in its colour, and nothing once the pointer leaves
//   - fail if the lazily loaded search index (searchindex-<hash>.js) has 0 documents,
//     or typing the page's title word into the search bar yields 0 results
//   - save a full-page screenshot SCREENSHOT_DIR/<page>.png (and <page>-phone.png at 390 px for
//     the course pages)
//   - the course (course.js): the first question of each quiz answered wrong, then right, with the
//     feedback and its explanation checked; every file an exercise links to served; speaker notes
//     hidden from readers; every chapter page followed by its practice page, with a quiz and two
//     exercises or more
//   - asides (details.aside) closed on arrival, each with its kind, a summary and a body that opens;
//     every test mark names its test and file
// Then, once: the instructor view (?instructor=on) shows the notes; the projector view's notes
// window shows a page's notes and follows the screen to a second page while the screen shows no
// notes or solutions; print.html holds every listing, picture, quiz, exercise, aside (open) and
// test mark and, in print media, shows no notes or quiz answers in the student handout (the
// default), shows them in the trainer's copy, and hides the
// buttons (its PDF is written to SCREENSHOT_DIR/print.pdf); a missing page under SITE_PATH gets
// the styled 404 page, which axe checks too.
// Prints one "FAIL <page>: <reason>" line per failure and exits 1; exits 2 on setup errors.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PAGE_TIMEOUT_MS = 15000;
// The axe runs take most of it: about 220 s on a loaded two-core machine.
const OVERALL_TIMEOUT_MS = 900000;

const [bookArg, shotArg, siteArg] = process.argv.slice(2);
if (!bookArg || !shotArg) {
  console.error('usage: node check-book.mjs BOOK_DIR SCREENSHOT_DIR [SITE_PATH]');
  process.exit(2);
}
// axe-core, the accessibility engine, injected into each page as a script (ci/browser/package.json pins it).
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// The smallest text a picture may show, in CSS px as rendered (font size times the SVG's scale).
const MIN_PICTURE_TEXT_PX = 11;
// Pictures that scroll sideways at 1280 px, over every page: a count the run reports.
const pictureScrolls = { total: 0, scrolling: [] };
const sitePath = (siteArg || '/under-the-await/').replace(/^\/*/, '/').replace(/\/*$/, '/');
const bookDir = path.resolve(bookArg);
const shotDir = path.resolve(shotArg);

let server = null;
let context = null;
let userDataDir = null;
async function cleanup() {
  try { if (context) await context.close(); } catch {}
  if (server) server.close();
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

// A static server for BOOK_DIR under sitePath, on a free port of 127.0.0.1. A missing file is
// answered with 404.html and status 404, as GitHub Pages does.
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2',
  '.woff': 'font/woff', '.ttf': 'font/ttf', '.gz': 'application/gzip', '.rs': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8', '.txt': 'text/plain; charset=utf-8' };
function startServer() {
  return new Promise((resolve, reject) => {
    server = http.createServer((req, res) => {
      const url = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
      let file = null;
      if (url.startsWith(sitePath)) {
        file = path.join(bookDir, url.slice(sitePath.length));
        if (!file.startsWith(bookDir)) file = null;
        else if (file.endsWith('/') || (fs.existsSync(file) && fs.statSync(file).isDirectory())) file = path.join(file, 'index.html');
      }
      if (file && fs.existsSync(file)) {
        res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
        fs.createReadStream(file).pipe(res);
      } else {
        res.writeHead(404, { 'content-type': TYPES['.html'] });
        fs.createReadStream(path.join(bookDir, '404.html')).pipe(res);
      }
    });
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server.address().port));
  });
}

// The first question of a quiz: a wrong answer, then the right one, and what the page says.
async function answerQuiz(page, fail) {
  const quizzes = await page.locator('section.quiz').count();
  for (let q = 0; q < quizzes; q++) {
    const question = page.locator('section.quiz').nth(q).locator('li.quiz-question').first();
    const kind = await question.getAttribute('data-kind');
    const answer = await question.getAttribute('data-answer');
    const feedback = question.locator('.quiz-feedback');
    const why = question.locator('.quiz-why');
    const id = await question.getAttribute('id');
    if (kind === 'number') {
      await question.locator('input.quiz-number').fill(String(Number(answer) + 1));
    } else {
      const radios = question.locator('input[type=radio]');
      const n = await radios.count();
      for (let i = 0; i < n; i++) {
        if ((await radios.nth(i).getAttribute('value')) !== answer) { await radios.nth(i).check(); break; }
      }
    }
    await question.locator('button.quiz-check').click();
    const wrongText = await feedback.textContent();
    if (!(await feedback.evaluate(e => e.classList.contains('wrong'))) || !/^Not quite: .* says /.test(wrongText)) {
      fail(`quiz ${id}: a wrong answer got "${wrongText}"`);
    }
    if (!(await why.isVisible())) fail(`quiz ${id}: no explanation after a wrong answer`);
    if (kind === 'number') {
      await question.locator('input.quiz-number').fill(answer);
    } else {
      await question.locator(`input[type=radio][value="${answer.replace(/"/g, '\\"')}"]`).check();
    }
    await question.locator('button.quiz-check').click();
    const rightText = await feedback.textContent();
    if (!(await feedback.evaluate(e => e.classList.contains('right'))) || rightText !== 'Right.') {
      fail(`quiz ${id}: the right answer ${answer} got "${rightText}"`);
    }
  }
  return quizzes;
}

// Pictures drawn from the compiler's output (tools/pictures, {{#picture}} and {{#type-sizes}}):
// each an inline SVG that is rendered, lies inside the content column, has its title (named by
// aria-labelledby for screen readers), labels as text, and text in the theme's colour.
// A picture inside an experiment lies in its half of the pair, which may reach past the content
// column into the margins (listings.css) but never past the window.
// Its text is readable: the smallest text, as rendered (font size times the SVG's scale on the
// screen), is MIN_PICTURE_TEXT_PX or more. A picture too wide for the column at that size lies in
// a scroll box (book/theme/readable.js, .picture-scroll) that a keyboard can focus and scroll;
// the box, not the picture, must then lie inside the column. At 1100 px or more, a picture
// outside an experiment may reach past the column into the page's margins, up to the page's edge
// padding and clear of mdBook's chapter arrows (its "room"); it must not scroll when it fits there.
const PICTURES = () => {
  const main = document.querySelector('main').getBoundingClientRect();
  const colour = getComputedStyle(document.querySelector('main')).color;
  const content = document.querySelector('.content');
  const pad = getComputedStyle(content);
  const room = { left: content.getBoundingClientRect().left + parseFloat(pad.paddingLeft),
    right: content.getBoundingClientRect().right - parseFloat(pad.paddingRight) };
  for (const arrow of document.querySelectorAll('.nav-wide-wrapper .nav-chapters')) {
    const at = arrow.getBoundingClientRect();
    if (at.width === 0) continue;
    if (at.right <= main.left) room.left = Math.max(room.left, at.right);
    if (at.left >= main.right) room.right = Math.min(room.right, at.left);
  }
  room.width = room.right - room.left;
  const wide = window.matchMedia('(min-width: 1100px)').matches;
  return Array.from(document.querySelectorAll('figure.picture')).map(f => {
    const half = f.closest('.experiment-pair > *');
    const column = half ? half.getBoundingClientRect() : wide ? room : main;
    const inWindow = column.left >= -1 && column.right <= document.documentElement.clientWidth + 1;
    const svg = f.querySelector('svg');
    const scroller = svg?.closest('.picture-scroll');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0, left: 0, right: 0 };
    const outer = scroller ? scroller.getBoundingClientRect() : box;
    const overflows = box.width > outer.width + 1;
    const scrolls = !!scroller && scroller.scrollWidth > scroller.clientWidth + 1 && scroller.tabIndex >= 0
      && /auto|scroll/.test(getComputedStyle(scroller).overflowX);
    const title = svg?.querySelector(':scope > title');
    const text = svg?.querySelector('text');
    let smallest = { px: Infinity, text: '' };
    for (const t of svg ? svg.querySelectorAll('text') : []) {
      const m = t.getScreenCTM();
      if (!m || !t.textContent.trim() || getComputedStyle(t).display === 'none') continue;
      const px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
      if (px < smallest.px) smallest = { px, text: t.textContent.trim().slice(0, 30) };
    }
    return { id: f.id, svg: !!svg, title: title?.textContent || '',
      named: !!title && (svg.getAttribute('aria-labelledby') || '').split(' ').includes(title.id),
      texts: svg ? svg.querySelectorAll('text').length : 0, width: box.width, height: box.height,
      inside: inWindow && outer.left >= column.left - 1 && outer.right <= column.right + 1,
      hidden: overflows && !scrolls, smallest, experiment: !!half, scrolls: overflows && scrolls,
      fitsRoom: !half && wide && box.width <= room.width + 1, room: Math.round(room.width), need: Math.round(box.width),
      themed: !!text && getComputedStyle(text).fill === colour };
  });
};
function checkPictures(pictures, where, fail) {
  for (const p of pictures) {
    if (!p.svg) fail(`picture ${p.id} has no SVG`);
    else if (!(p.width > 0 && p.height > 0)) fail(`picture ${p.id} is not rendered ${where} (${p.width}x${p.height})`);
    if (!p.title || !p.named) fail(`picture ${p.id} has no title named by aria-labelledby`);
    if (p.texts === 0) fail(`picture ${p.id} has no text labels`);
    if (!p.inside) fail(`picture ${p.id} is wider than the content column ${where}`);
    if (p.hidden) fail(`picture ${p.id} is wider than its box ${where}, and the box is not a scroll box a keyboard can focus`);
    if (p.texts && !(p.smallest.px >= MIN_PICTURE_TEXT_PX - 0.01)) { // 0.01: floating-point noise
      fail(`picture ${p.id}: its smallest text ("${p.smallest.text}") is ${p.smallest.px.toFixed(1)} px ${where}, under ${MIN_PICTURE_TEXT_PX} px`);
    }
    if (!p.themed) fail(`picture ${p.id}'s text is not in the theme's colour ${where}`);
    if (p.scrolls && p.fitsRoom) fail(`picture ${p.id} scrolls ${where} though the page has room for it (${p.need} of ${p.room} px)`);
  }
}
// One screenshot per picture, for a person to look at: SCREENSHOT_DIR/pictures/<id>[-dark|-phone].png.
async function shootPictures(page, suffix) {
  // A picture inside a closed aside is not on screen: open the aside to photograph it, and close
  // it again afterwards, as the checks that follow find the page on arrival.
  const ids = await page.evaluate(() => Array.from(document.querySelectorAll('figure.picture')).map(f => {
    for (let d = f.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) {
      if (!d.open) { d.open = true; d.dataset.openedForShot = ''; }
    }
    return f.id;
  }));
  fs.mkdirSync(path.join(shotDir, 'pictures'), { recursive: true });
  for (const id of ids) await page.locator(`#${id}`).screenshot({ path: path.join(shotDir, 'pictures', `${id}${suffix}.png`) });
  await page.evaluate(() => document.querySelectorAll('details[data-opened-for-shot]').forEach(d => {
    d.open = false;
    delete d.dataset.openedForShot;
  }));
  return ids.length;
}

// Accessibility: axe-core run on the page as loaded (rules of WCAG 2.x A and AA and axe's best
// practices, or only the rules named). A serious or critical violation fails, one line per rule
// with the theme, the count and the elements (CSS selectors); moderate and minor ones are only
// counted in the summary.
const AXE_FAILS_ON = new Set(['serious', 'critical']);
const axeTally = new Map(); // "rule (impact)" -> elements found, over every page and theme
async function checkAxe(page, where, fail, rules = null) {
  await page.addScriptTag({ content: AXE_SOURCE });
  const options = { resultTypes: ['violations'], ...(rules ? { runOnly: { type: 'rule', values: rules } } : {}) };
  const violations = await page.evaluate(async options => (await window.axe.run(document, options))
    .violations.map(v => ({ id: v.id, impact: v.impact, targets: v.nodes.map(n => n.target.join(' ')) })), options);
  for (const v of violations) {
    const key = `${v.id} (${v.impact})`;
    axeTally.set(key, (axeTally.get(key) || 0) + v.targets.length);
    if (!AXE_FAILS_ON.has(v.impact)) continue;
    const shown = v.targets.slice(0, 6).join(', ') + (v.targets.length > 6 ? `, and ${v.targets.length - 6} more` : '');
    fail(`axe ${v.id} (${v.impact}) ${where}, ${v.targets.length} element(s): ${shown}`);
  }
  return violations.length;
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
  await checkAxe(page, 'in the light theme', fail);

  // Listings rendered by the book's preprocessor: <figure class="listing" id="listing-…">.
  // Assembly listings (class listing-asm) hold an x86asm block; regenerated ones (id listing-…)
  // also link to Compiler Explorer. MIR and HIR listings are highlighted as Rust.
  const figures = await page.evaluate(() => Array.from(document.querySelectorAll('figure.listing')).map(f => ({
    id: f.id, isAsm: f.classList.contains('listing-asm'), isRustLike: f.classList.contains('listing-mir') || f.classList.contains('listing-hir'),
    asm: !!f.querySelector('code.language-x86asm, code.listing-code.asm'), explorer: !!f.querySelector('a.compiler-explorer[href^="https://godbolt.org/clientstate/"]'),
    rustHighlighted: !!f.querySelector('code.language-rust span[class^="hljs-"]'),
    // A listing Compiler Explorer cannot reproduce says why instead of linking (listing.rs).
    saysWhyNotOnExplorer: /not on Compiler Explorer \((its stable rustc refuses -Z flags|it needs the chapter's dependencies|a crate outside the book, with its dependencies)/
      .test(f.querySelector('figcaption')?.textContent || ''),
  })));
  for (const f of figures) {
    if (f.isAsm && !f.asm) fail(`listing ${f.id} has no x86asm code block`);
    if (f.isAsm && f.id.startsWith('listing-') && !f.explorer && !f.saysWhyNotOnExplorer) {
      fail(`listing ${f.id} has no Compiler Explorer link, nor says why not`);
    }
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

  const pictures = await page.evaluate(PICTURES);
  checkPictures(pictures, 'at 1280 px', fail);
  pictureScrolls.total += pictures.length;
  for (const p of pictures.filter(p => p.scrolls)) pictureScrolls.scrolling.push(`${p.id}${p.experiment ? ' (in an experiment)' : ''}`);
  if (pictures.length) await shootPictures(page, '');
  {
    // The same page in a dark theme: axe again, and the pictures' text must follow the theme.
    const dark = await context.newPage();
    await dark.addInitScript(() => localStorage.setItem('mdbook-theme', 'coal'));
    await dark.goto(base + rel, { waitUntil: 'load' });
    await checkAxe(dark, 'in the coal theme', fail);
    if (pictures.length) {
      checkPictures(await dark.evaluate(PICTURES), 'in the coal theme', fail);
      await shootPictures(dark, '-dark');
    }
    await dark.evaluate(() => localStorage.removeItem('mdbook-theme'));
    await dark.close();
  }

  // The course: notes hidden from readers, every exercise file served, quizzes answered.
  const notesShown = await page.evaluate(() => Array.from(document.querySelectorAll('.speaker-notes'))
    .filter(n => getComputedStyle(n).display !== 'none').length);
  if (notesShown) fail(`${notesShown} speaker notes visible to a reader`);
  const links = await page.evaluate(() => Array.from(document.querySelectorAll('.exercise a[href^="exercises/"]')).map(a => a.getAttribute('href')));
  for (const href of new Set(links)) {
    const res = await page.request.get(base + href);
    if (res.status() !== 200) fail(`exercise link ${href}: HTTP ${res.status()}`);
  }
  const exercises = await page.locator('div.exercise').count();

  // (e) screenshot, before the search UI is opened and before the quizzes are answered
  fs.mkdirSync(shotDir, { recursive: true });
  const shot = rel.replace(/[\/\\]/g, '__').replace(/\.html$/, '');
  await page.screenshot({ path: path.join(shotDir, `${shot}.png`), fullPage: true, timeout: 60000 });
  {
    // Loaded at phone width from the start, as a phone loads it (mdBook then hides the sidebar):
    // no listing may be wider than its column there either.
    const phone = await context.newPage();
    await phone.setViewportSize({ width: 390, height: 844 });
    await phone.goto(base + rel, { waitUntil: 'load' });
    for (const wide of await phone.evaluate(OVERFLOW)) fail(`listing wider than its column at 390 px: ${wide}`);
    // More boxes scroll on a phone: each must still be one a keyboard can reach.
    await checkAxe(phone, 'at 390 px', fail, ['scrollable-region-focusable']);
    checkPictures(await phone.evaluate(PICTURES), 'at 390 px', fail);
    await shootPictures(phone, '-phone');
    await phone.screenshot({ path: path.join(shotDir, `${shot}-phone.png`), fullPage: true, timeout: 60000 });
    await phone.close();
  }
  const quizzes = await answerQuiz(page, fail);

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
  // Asides (aside.rs, asides.js): closed on arrival, each with its kind and a summary, and a body
  // that opens; test marks (test_mark.rs): each names its test.
  const asides = await page.evaluate(() => Array.from(document.querySelectorAll('details.aside')).map((d, i) => ({
    i, open: d.open, kind: d.querySelector(':scope > summary .aside-kind')?.textContent || '',
    summary: (d.querySelector(':scope > summary')?.textContent || '').trim(),
    body: Array.from(d.children).filter(c => c.tagName !== 'SUMMARY').length,
  })));
  for (const a of asides) {
    if (a.open) fail(`aside ${a.i} ("${a.summary}") is open on arrival`);
    if (!['Deeper', 'History', 'Tooling', 'Aside'].includes(a.kind)) fail(`aside ${a.i} has no kind ("${a.summary}")`);
    if (a.summary.length <= a.kind.length + 3) fail(`aside ${a.i} has no summary beyond its kind`);
    if (a.body === 0) fail(`aside ${a.i} ("${a.summary}") is empty`);
  }
  if (asides.length) {
    await page.locator('details.aside > summary').first().click();
    const opened = await page.evaluate(() => {
      const d = document.querySelector('details.aside');
      const body = Array.from(d.children).find(c => c.tagName !== 'SUMMARY');
      return d.open && body.getBoundingClientRect().height > 0;
    });
    if (!opened) fail('clicking the first aside\'s summary does not show its body');
  }
  // An aside's words are found by search, and lead to its page.
  if (asides.length && docs > 0) {
    const asideWord = await page.evaluate(() => {
      // A word of prose: code is indexed as mdBook's tokenizer splits it, which need not be as written.
      const prose = document.querySelector('details.aside p')?.cloneNode(true);
      prose?.querySelectorAll('code, sup').forEach(c => c.remove());
      const words = (prose?.textContent || '').toLowerCase().match(/\b[a-z]{6,}\b/g) || [];
      return words.sort((a, b) => b.length - a.length)[0] || '';
    });
    if (asideWord) {
      if (!(await page.locator('#mdbook-searchbar').isVisible())) await page.click('#mdbook-search-toggle');
      await page.locator('#mdbook-searchbar').fill('');
      await page.locator('#mdbook-searchbar').pressSequentially(asideWord);
      const page_ = rel.replace(/^.*\//, '');
      try {
        await page.waitForFunction(p => Array.from(document.querySelectorAll('#mdbook-searchresults a'))
          .some(a => (a.getAttribute('href') || '').includes(p)), page_, { timeout: 5000 });
      } catch { fail(`searching "${asideWord}", a word of its first aside, does not find ${page_}`); }
    }
  }
  const marks = await page.evaluate(() => Array.from(document.querySelectorAll('sup.test-mark')).map(m => ({
    test: m.dataset.test || '', title: m.getAttribute('title') || '' })));
  for (const m of marks.filter(m => !m.test || !m.title.startsWith(`Held by the test ${m.test} in chapters/`))) {
    fail(`test mark "${m.test}" does not name its test and file ("${m.title}")`);
  }
  await page.waitForTimeout(200); // let late console errors arrive
  await page.close();
  console.log(`checked ${rel}: asides=${asides.length}, test marks=${marks.length}, asm blocks=${blocks.length}, listings=${figures.length}, pictures=${pictures.length}, notes=${notes.reduce((a, n) => a + n.listed, 0)}, hover=${hover ? `line ${hover.n} lit ${hover.members}` : 'none'}, quizzes=${quizzes}, exercises=${exercises}, search docs=${docs}, hits("${word}")=${hits}`);
  return { listings: figures.length, pictures: pictures.length, quizzes, exercises, asides: asides.length, marks: marks.length };
}

// A page opened with its own failure listeners; HTTP errors are the caller's to judge.
async function openPage(url, fail) {
  const page = await context.newPage();
  page.setDefaultTimeout(PAGE_TIMEOUT_MS);
  // mdBook's print.html calls window.print() once loaded; the PDF below is printed instead.
  await page.addInitScript(() => { window.print = () => {}; });
  page.on('console', msg => { if (msg.type() === 'error' && !/404/.test(msg.text())) fail(`console error: ${msg.text()}`); });
  page.on('pageerror', err => fail(`uncaught page error: ${String(err.message || err).split('\n')[0]}`));
  page.on('requestfailed', req => fail(`request failed: ${req.url()} (${req.failure()?.errorText})`));
  const resp = await page.goto(url, { waitUntil: 'load' });
  return { page, resp };
}

async function checkInstructorView(base, rel, failures) {
  const fail = reason => failures.push(`FAIL instructor view (${rel}): ${reason}`);
  const { page } = await openPage(`${base}${rel}?instructor=on`, fail);
  const shown = await page.evaluate(() => Array.from(document.querySelectorAll('.speaker-notes'))
    .filter(n => getComputedStyle(n).display !== 'none').length);
  const total = await page.locator('.speaker-notes').count();
  if (total === 0 || shown !== total) fail(`${shown} of ${total} speaker notes shown`);
  if (!(await page.locator('.instructor-banner').isVisible())) fail('no instructor banner');
  await page.screenshot({ path: path.join(shotDir, 'instructor-view.png'), fullPage: false });
  await page.goto(`${base}${rel}?instructor=off`, { waitUntil: 'load' });
  if (await page.locator('.speaker-notes').first().isVisible()) fail('notes still shown after ?instructor=off');
  await page.close();
  console.log(`checked the instructor view on ${rel}: ${total} notes`);
}

async function checkPrint(base, expected, failures) {
  const fail = reason => failures.push(`FAIL print.html: ${reason}`);
  const { page, resp } = await openPage(`${base}print.html`, fail);
  if (!resp?.ok()) { fail(`status ${resp?.status()}`); await page.close(); return; }
  const counts = await page.evaluate(() => ({
    listings: document.querySelectorAll('figure.listing').length,
    pictures: document.querySelectorAll('figure.picture svg > title').length,
    quizzes: document.querySelectorAll('section.quiz').length,
    exercises: document.querySelectorAll('div.exercise').length,
    starters: document.querySelectorAll('details.exercise-starter').length,
    open: document.querySelectorAll('details.exercise-starter[open]').length,
    asides: document.querySelectorAll('details.aside').length,
    openAsides: document.querySelectorAll('details.aside[open]').length,
    marks: document.querySelectorAll('sup.test-mark').length,
  }));
  if (counts.openAsides !== counts.asides) fail(`${counts.openAsides} of ${counts.asides} asides open in print.html`);
  for (const what of ['listings', 'pictures', 'quizzes', 'exercises', 'asides', 'marks']) {
    if (counts[what] !== expected[what]) fail(`${counts[what]} ${what}, the pages have ${expected[what]}`);
  }
  if (counts.open !== counts.starters) fail(`${counts.open} of ${counts.starters} exercise starters open for print`);
  // The student handout (the default) prints no notes, times or answers; the trainer's copy,
  // chosen with the print-mode radio button (instructors' page, in print.html too), prints them.
  const printed = await printedCounts(page);
  if (printed.markNames !== expected.marks) fail(`${printed.markNames} test marks print their test's name, of ${expected.marks}`);
  if (printed.notes || printed.times) fail(`the student handout prints ${printed.notes} speaker notes and ${printed.times} section times`);
  if (printed.answers) fail(`the student handout prints ${printed.answers} quizzes' answers`);
  if (printed.questions === 0) fail('the student handout prints no quiz question');
  if (printed.pictures !== expected.pictures) fail(`${printed.pictures} pictures printed, of ${expected.pictures}`);
  if (printed.buttons) fail(`${printed.buttons} quiz buttons printed`);
  if (printed.solutions) fail(`${printed.solutions} exercise solutions printed`);
  await page.pdf({ path: path.join(shotDir, 'print.pdf'), format: 'A4', printBackground: true,
    margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
  await page.emulateMedia({ media: 'screen' });
  const trainerChoice = page.locator('input.print-mode[value=trainer]').first();
  if (await trainerChoice.count() === 0) fail('no print-mode choice in print.html (instructors.md)');
  else {
    await trainerChoice.check();
    const trainer = await printedCounts(page);
    if (trainer.notes !== trainer.allNotes || trainer.allNotes === 0) fail(`the trainer's copy prints ${trainer.notes} of ${trainer.allNotes} speaker notes`);
    if (trainer.times !== trainer.allTimes) fail(`the trainer's copy prints ${trainer.times} of ${trainer.allTimes} section times`);
    if (trainer.answers !== expected.quizzes) fail(`the trainer's copy prints the answers of ${trainer.answers} quizzes, of ${expected.quizzes}`);
    if (trainer.solutions) fail(`the trainer's copy prints ${trainer.solutions} exercise solutions`);
    await page.emulateMedia({ media: 'screen' });
    await page.locator('input.print-mode[value=student]').first().check(); // leave the default for the checks after
    console.log(`checked print modes: student handout 0 notes, 0 answers; trainer's copy ${trainer.notes} notes, ${trainer.answers} quizzes' answers`);
  }
  await page.close();
  console.log(`checked print.html: ${counts.listings} listings, ${counts.pictures} pictures, ${counts.quizzes} quizzes, ${counts.exercises} exercises, ${counts.asides} asides (all open), ${counts.marks} test marks; print.pdf written`);
}

// What print media shows of print.html.
async function printedCounts(page) {
  await page.emulateMedia({ media: 'print' });
  return page.evaluate(() => {
    const shown = sel => Array.from(document.querySelectorAll(sel)).filter(e => getComputedStyle(e).display !== 'none').length;
    return { notes: shown('.speaker-notes'), allNotes: document.querySelectorAll('.speaker-notes').length,
      times: shown('.section-time'), allTimes: document.querySelectorAll('.section-time').length,
      pictures: shown('figure.picture svg'), questions: shown('.quiz-question'),
      answers: shown('.quiz-answers'), buttons: shown('.quiz-check'), solutions: shown('.exercise-solution'),
      markNames: Array.from(document.querySelectorAll('sup.test-mark'))
        .filter(m => getComputedStyle(m, '::after').content.includes(m.dataset.test)).length };
  });
}

// The projector view: from the instructor view on one page, open the speaker-notes window; the
// screen shows no notes, times or solutions; the notes window shows that page's notes, marks the
// section the screen scrolls to, follows
// the screen to a second page (one with exercise solutions) and shows its notes; its left arrow
// turns the screen back; reloaded, it still follows; closed, it leaves the screen without notes.
async function checkProjector(base, first, second, failures) {
  const fail = reason => failures.push(`FAIL projector view (${first}, ${second}): ${reason}`);
  // The screen turns pages while its favicon may still be loading: that abort is no failure.
  const { page: screen } = await openPage(`${base}${first}?instructor=on`,
    reason => { if (!/favicon.*ERR_ABORTED/.test(reason)) fail(reason); });
  const hiddenOnScreen = async (where) => {
    const shown = await screen.evaluate(() => ['.speaker-notes', '.section-time', '.exercise-solution', '.instructor-banner']
      .map(sel => Array.from(document.querySelectorAll(sel)).filter(e => getComputedStyle(e).display !== 'none').length)
      .reduce((a, b) => a + b, 0));
    if (shown) fail(`${where}: the screen shows ${shown} notes, times, solutions or banners`);
  };
  const notesOf = async (page) => page.evaluate(() => Array.from(document.querySelectorAll('main .speaker-notes'))
    .map(n => n.textContent.trim().slice(0, 80)));
  const expectFirst = await notesOf(screen);
  const [notesWindow] = await Promise.all([context.waitForEvent('page'),
    screen.locator('button.open-speaker-notes').click()]);
  notesWindow.on('pageerror', err => fail(`notes window: uncaught page error: ${String(err.message || err).split('\n')[0]}`));
  await notesWindow.waitForLoadState('load');
  await notesWindow.waitForSelector('.speaker-notes-panel');
  const panelNotes = async () => notesWindow.evaluate(() => Array.from(document.querySelectorAll('.speaker-notes-panel .speaker-notes'))
    .filter(n => getComputedStyle(n).display !== 'none').map(n => n.textContent.trim().slice(0, 80)));
  const shownFirst = await panelNotes();
  if (expectFirst.length === 0 || JSON.stringify(shownFirst) !== JSON.stringify(expectFirst)) {
    fail(`the notes window shows ${shownFirst.length} notes, the page has ${expectFirst.length}`);
  }
  await hiddenOnScreen(first);
  await notesWindow.setViewportSize({ width: 720, height: 820 });
  await notesWindow.screenshot({ path: path.join(shotDir, 'projector-notes-1.png') });
  await screen.screenshot({ path: path.join(shotDir, 'projector-screen-1.png') });
  // Scrolled to a section, the screen has the notes window mark that section's notes.
  const section = await screen.evaluate(() => {
    const h2 = Array.from(document.querySelectorAll('main h2[id]'))[2];
    if (!h2) return '';
    window.scrollTo(0, h2.getBoundingClientRect().top + window.scrollY - 10);
    return h2.id;
  });
  if (!section) fail(`${first} has fewer than three sections`);
  else {
    try {
      await notesWindow.waitForFunction(id => document.querySelector('.speaker-notes-section.current')?.dataset.section === id,
        section, { timeout: 5000 });
    } catch { fail(`scrolled to #${section}, the screen did not have the notes window mark that section`); }
  }
  // The screen turns the page the way a reader does (a link, not a new window).
  await Promise.all([notesWindow.waitForURL(u => u.pathname.endsWith(`/${second}`), { timeout: PAGE_TIMEOUT_MS }),
    screen.goto(`${base}${second}`, { waitUntil: 'load' })]);
  await notesWindow.waitForSelector('.speaker-notes-panel');
  await screen.waitForTimeout(300);
  const expectSecond = await notesOf(screen);
  const shownSecond = await panelNotes();
  if (expectSecond.length === 0 || JSON.stringify(shownSecond) !== JSON.stringify(expectSecond)) {
    fail(`after the screen turned to ${second}, the notes window shows ${shownSecond.length} notes (${notesWindow.url()}), the page has ${expectSecond.length}`);
  }
  const solutions = await screen.locator('.exercise-solution').count();
  if (solutions === 0) fail(`${second} has no exercise solution to hide`);
  const panelSolutions = await notesWindow.locator('.speaker-notes-panel .exercise-solution').count();
  if (panelSolutions !== solutions) fail(`the notes window shows ${panelSolutions} of ${solutions} exercise solutions`);
  await hiddenOnScreen(second);
  await notesWindow.screenshot({ path: path.join(shotDir, 'projector-notes-2.png') });
  await screen.screenshot({ path: path.join(shotDir, 'projector-screen-2.png') });
  // The left arrow in the notes window turns the screen back to the first page; the notes follow.
  await Promise.all([screen.waitForURL(u => u.pathname.endsWith(`/${first}`), { timeout: PAGE_TIMEOUT_MS }),
    notesWindow.waitForURL(u => u.pathname.endsWith(`/${first}`), { timeout: PAGE_TIMEOUT_MS }),
    notesWindow.keyboard.press('ArrowLeft')]);
  await notesWindow.waitForSelector('.speaker-notes-panel');
  const shownBack = await panelNotes();
  if (JSON.stringify(shownBack) !== JSON.stringify(expectFirst)) fail(`back on ${first} by the notes window's arrow key, it shows ${shownBack.length} notes of ${expectFirst.length}`);
  await hiddenOnScreen(`${first}, turned to by the notes window`);
  // Reloaded, the notes window still follows the screen (its pagehide said `closed`).
  await notesWindow.reload({ waitUntil: 'load' });
  await notesWindow.waitForSelector('.speaker-notes-panel');
  try {
    await Promise.all([notesWindow.waitForURL(u => u.pathname.endsWith(`/${second}`), { timeout: 10000 }),
      screen.goto(`${base}${second}`, { waitUntil: 'load' })]);
    await notesWindow.waitForSelector('.speaker-notes-panel');
  } catch { fail(`reloaded, the notes window no longer followed the screen to ${second}`); }
  await hiddenOnScreen(`${second}, after the notes window was reloaded`);
  // Closed from its frame, the notes window leaves the screen without notes, then and after.
  await notesWindow.close({ runBeforeUnload: true });
  await screen.waitForTimeout(300);
  await hiddenOnScreen('after the notes window closed');
  await screen.reload({ waitUntil: 'load' });
  await hiddenOnScreen('reloaded after the notes window closed');
  await screen.goto(`${base}${first}?instructor=off&projector=off`, { waitUntil: 'load' });
  await screen.close();
  console.log(`checked the projector view: ${expectFirst.length} notes on ${first}, the notes window followed to ${second} (${expectSecond.length} notes, ${solutions} solutions) and turned it back, followed again once reloaded, none on the screen`);
}

async function checkNotFound(base, failures) {
  const fail = reason => failures.push(`FAIL 404: ${reason}`);
  const { page, resp } = await openPage(`${base}no/such/page.html`, fail);
  if (resp?.status() !== 404) fail(`a missing page answered ${resp?.status()}`);
  const state = await page.evaluate(() => ({ title: document.title,
    styled: getComputedStyle(document.querySelector('.sidebar') || document.body).position !== 'static',
    sheets: Array.from(document.styleSheets).filter(s => { try { return s.cssRules.length > 0; } catch { return false; } }).length }));
  if (!/Page not found/.test(state.title)) fail(`title "${state.title}"`);
  if (!state.styled || state.sheets < 3) fail(`the 404 page under ${sitePath} is not styled (${state.sheets} style sheets)`);
  await checkAxe(page, 'in the light theme', fail);
  await page.screenshot({ path: path.join(shotDir, '404.png') });
  await page.close();
  console.log(`checked the 404 page under ${sitePath}`);
}

try {
  const pages = chapterPages();
  const port = await startServer();
  const base = `http://127.0.0.1:${port}${sitePath}`;
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
  const total = { listings: 0, pictures: 0, quizzes: 0, exercises: 0, asides: 0, marks: 0 };
  const course = new Map();
  for (const rel of pages) {
    try {
      const found = await checkPage(base, rel, failures);
      for (const what of Object.keys(total)) total[what] += found[what];
      course.set(rel, found);
      if (/practice/.test(rel) && found.quizzes === 0) failures.push(`FAIL ${rel}: a practice page without a quiz`);
    } catch (e) { failures.push(`FAIL ${rel}: check aborted: ${String(e.message).split('\n')[0]}`); }
  }
  // Every chapter, those added later included, has its practice page in the table of contents,
  // with a quiz and two exercises or more (issue 10).
  for (const rel of pages.filter(p => /^ch\d\d-.*\.html$/.test(p) && !/-practice\.html$/.test(p))) {
    const practice = course.get(rel.replace(/\.html$/, '-practice.html'));
    if (!practice) failures.push(`FAIL ${rel}: no practice page (${rel.replace(/\.html$/, '-practice.html')}) in the table of contents`);
    else if (practice.quizzes < 1 || practice.exercises < 2) {
      failures.push(`FAIL ${rel}: its practice page has ${practice.quizzes} quiz(zes) and ${practice.exercises} exercise(s); a chapter needs a quiz and two exercises`);
    }
  }
  for (const [name, check] of [['instructor view', () => checkInstructorView(base, pages.find(p => /^ch01/.test(p)) || pages[0], failures)],
    ['projector view', () => checkProjector(base, pages.find(p => /^ch01/.test(p) && !/practice/.test(p)) || pages[0],
      pages.find(p => /^ch01.*practice/.test(p)) || pages[1], failures)],
    ['print', () => checkPrint(base, total, failures)], ['404', () => checkNotFound(base, failures)]]) {
    try { await check(); } catch (e) { failures.push(`FAIL ${name}: check aborted: ${String(e.message).split('\n')[0]}`); }
  }
  await cleanup();
  console.log(`pictures that scroll sideways at 1280 px: ${pictureScrolls.scrolling.length} of ${pictureScrolls.total}`
    + pictureScrolls.scrolling.map(id => `\n  ${id}`).join(''));
  const tally = Array.from(axeTally).sort((a, b) => b[1] - a[1]).map(([rule, n]) => `${rule} ${n}`);
  console.log(`axe, elements per rule over every page in both themes: ${tally.join(', ') || 'none'}`);
  for (const f of failures) console.log(f);
  console.log(failures.length ? `${failures.length} failure(s)` : `all ${pages.length} page(s) passed`);
  process.exit(failures.length ? 1 : 0);
} catch (e) {
  die(String(e.stack || e));
}
