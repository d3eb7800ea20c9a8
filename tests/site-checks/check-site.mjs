#!/usr/bin/env node
// Quality checks for the static site that molnkoll writes (default: output/).
//
//   node tests/site-checks/check-site.mjs SITE_DIR [options]
//
// Checks, each counted per (page, check) pair:
//   html      Nu HTML Checker (vnu.jar), errors only, on every page
//   css       Nu HTML Checker's CSS checker on every .css file under SITE_DIR
//   links     every relative href/src/srcset/... (and CSS url()/@import, in
//             .css files and in the page) resolves to a file inside SITE_DIR
//             (directories need index.html), every #fragment exists as an id
//             (or <a name>) in its target page; http(s), //host and
//             /root-relative URLs are errors, except an https <a href> marked
//             rel="external" (a link out, never loaded); mailto:, tel: and data:
//             are allowed
//   a11y      axe-core in headless Chromium (WCAG 2.0/2.1 A and AA rules);
//             "needs review" results are printed as notes, not failures
//   requests  the same page load over http://127.0.0.1: no failed or external
//             request, no console error, no uncaught exception
//   file-url  one page opened as file://: no failed or external request, no
//             console error, no uncaught exception
// Prints one line per pair, details under each failure, and ends with
// `site-checks: N passed, M failed`. Exit status: 0 all passed, 1 a check
// failed, 2 bad usage or missing setup. See README.md beside this file.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);

const ALL_CHECKS = ['html', 'css', 'links', 'a11y', 'requests', 'file-url'];
const BROWSER_CHECKS = new Set(['links', 'a11y', 'requests', 'file-url']);
const DEFAULT_AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Playwright adds a fresh, temporary --user-data-dir itself (and refuses
  // one in args); it deletes it when the browser closes.
];
const MAX_TARGETS_SHOWN = 3;
const T0 = Date.now();
// SITE_CHECKS_TIMING=1 prints when each step ends (stderr), to find slow pages.
const timing = process.env.SITE_CHECKS_TIMING
  ? (what) => process.stderr.write(`[${((Date.now() - T0) / 1000).toFixed(2)} s] ${what}\n`)
  : () => {};
const MAX_DETAILS_PER_PAIR = 50;

const USAGE = `usage: node check-site.mjs SITE_DIR [options]

options:
  --page REL             check only this page (path relative to SITE_DIR);
                         repeatable. Default: every .html/.htm file under
                         SITE_DIR, recursively, sorted.
  --pages-file FILE      read the pages to check from FILE, one per line
                         (blank lines and lines starting with # are skipped)
  --checks LIST          comma-separated subset of: ${ALL_CHECKS.join(', ')}
                         (default: all)
  --file-url-page REL    page to open via file:// (default: index.html if it
                         is checked, else the first page)
  --axe-tags LIST        axe tags to run (default: ${DEFAULT_AXE_TAGS.join(',')})
  --timeout SECONDS      per-page time limit in the browser (default: 30)
  --jobs N               pages checked in the browser at once (default: 2)
  --chromium PATH        Chromium binary (default: $CHROMIUM_PATH or /usr/bin/chromium)
  --quiet                print only failures and the summary
  -h, --help             show this help
`;

// ---------------------------------------------------------------- arguments

function usageError(msg, showUsage = true) {
  process.stdout.write(`site-checks: ${msg}\n${showUsage ? `\n${USAGE}` : ''}`);
  process.stdout.write('site-checks: 0 passed, 0 failed\n');
  process.exit(2);
}

let opts;
try {
  opts = parseArgs({
    allowPositionals: true,
    options: {
      page: { type: 'string', multiple: true },
      'pages-file': { type: 'string' },
      checks: { type: 'string' },
      'file-url-page': { type: 'string' },
      'axe-tags': { type: 'string' },
      timeout: { type: 'string', default: '30' },
      jobs: { type: 'string', default: '2' },
      chromium: { type: 'string', default: process.env.CHROMIUM_PATH || '/usr/bin/chromium' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (e) {
  usageError(e.message);
}
if (opts.values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (opts.positionals.length !== 1) usageError('expected exactly one SITE_DIR');

const siteArg = opts.positionals[0];
if (!fs.existsSync(siteArg) || !fs.statSync(siteArg).isDirectory()) {
  usageError(`SITE_DIR ${siteArg} is not a directory (build the site first)`, false);
}
const SITE = fs.realpathSync(siteArg);
const TIMEOUT_MS = Math.round(Number(opts.values.timeout) * 1000);
if (!(TIMEOUT_MS > 0)) usageError('--timeout must be a positive number of seconds');
const JOBS = Number.parseInt(opts.values.jobs, 10);
if (!(JOBS >= 1)) usageError('--jobs must be at least 1');
const QUIET = opts.values.quiet;
const AXE_TAGS = opts.values['axe-tags']
  ? opts.values['axe-tags'].split(',').map((s) => s.trim()).filter(Boolean)
  : DEFAULT_AXE_TAGS;
const CHECKS = new Set(
  opts.values.checks ? opts.values.checks.split(',').map((s) => s.trim()).filter(Boolean) : ALL_CHECKS,
);
for (const c of CHECKS) if (!ALL_CHECKS.includes(c)) usageError(`unknown check "${c}"`);

// ---------------------------------------------------------------- site files

const toPosix = (p) => p.split(path.sep).join('/');
const isInside = (root, abs) => {
  const rel = path.relative(root, abs);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};
const isHtmlName = (name) => /\.html?$/i.test(name);
const byCodeUnit = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function walk(dir, out = []) {
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const abs = path.join(dir, ent.name);
    const isDir = ent.isDirectory();
    let isFile = ent.isFile();
    if (ent.isSymbolicLink()) {
      try {
        const st = fs.statSync(abs);
        isFile = st.isFile(); // symlinked directories are not followed
      } catch {
        isFile = false;
      }
    }
    if (isDir) walk(abs, out);
    else if (isFile) out.push(toPosix(path.relative(SITE, abs)));
  }
  return out;
}

const allFiles = walk(SITE).sort(byCodeUnit);

function normalizePage(rel, origin) {
  const abs = path.resolve(SITE, rel);
  if (!isInside(SITE, abs)) usageError(`${origin} ${rel} is outside SITE_DIR`, false);
  if (!fs.existsSync(abs) || !fs.statSync(abs).isFile()) usageError(`${origin} ${rel} does not exist in SITE_DIR`, false);
  return toPosix(path.relative(SITE, abs));
}

let pages;
if (opts.values.page || opts.values['pages-file']) {
  const wanted = [];
  for (const p of opts.values.page ?? []) wanted.push(normalizePage(p, '--page'));
  if (opts.values['pages-file']) {
    let lines;
    try {
      lines = fs.readFileSync(opts.values['pages-file'], 'utf8').split(/\r?\n/);
    } catch (e) {
      usageError(`cannot read --pages-file: ${e.message}`, false);
    }
    for (const line of lines) {
      const t = line.trim();
      if (t && !t.startsWith('#')) wanted.push(normalizePage(t, '--pages-file entry'));
    }
  }
  pages = [...new Set(wanted)];
} else {
  pages = allFiles.filter(isHtmlName);
}
if (pages.length === 0) usageError(`no .html pages to check in ${SITE}`, false);
const allCss = allFiles.filter((f) => /\.css$/i.test(f));
const cssFiles = CHECKS.has('css') ? allCss : [];
const cssLinkFiles = CHECKS.has('links') ? allCss : [];

let fileUrlPage = null;
if (CHECKS.has('file-url')) {
  fileUrlPage = opts.values['file-url-page']
    ? normalizePage(opts.values['file-url-page'], '--file-url-page')
    : pages.includes('index.html') ? 'index.html' : pages[0];
}

// ---------------------------------------------------------------- results

const results = new Map(); // `${file}\0${check}` -> { file, check, problems[] }

function expect(file, check) {
  const key = `${file}\0${check}`;
  if (!results.has(key)) results.set(key, { file, check, problems: [], notes: [], done: false });
  return results.get(key);
}
function pass(file, check) {
  expect(file, check).done = true;
}
function note(file, check, remark) {
  const r = expect(file, check);
  if (!r.notes.includes(remark)) r.notes.push(remark);
}
function fail(file, check, problem) {
  const r = expect(file, check);
  r.done = true;
  if (!r.problems.includes(problem)) r.problems.push(problem);
}

// Declare every pair up front, so that a crash in one part still shows
// the pairs it never reached as failed instead of silently dropping them.
for (const page of pages) {
  for (const c of ['html', 'links', 'a11y', 'requests']) if (CHECKS.has(c)) expect(page, c);
}
for (const css of cssFiles) expect(css, 'css');
for (const css of cssLinkFiles) expect(css, 'links');
if (fileUrlPage) expect(fileUrlPage, 'file-url');

// ---------------------------------------------------------------- helpers

function withTimeout(promise, ms, what) {
  let timer;
  promise.catch(() => {}); // the loser of the race must not become an unhandled rejection
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const oneLine = (s, max = 200) => {
  const t = String(s).replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

// Line of the first place in `source` where attribute `attr` has value
// `value` (else where `value` occurs at all), or null. Best effort: the
// DOM does not keep source positions, and entities (&amp;) are not undone.
function lineOf(source, value, attr) {
  if (!value) return null;
  let i = -1;
  for (const needle of attr ? [`${attr}="${value}"`, `${attr}='${value}'`, `${attr}=${value}`] : []) {
    i = source.indexOf(needle);
    if (i >= 0) break;
  }
  if (i < 0) i = source.indexOf(value);
  if (i < 0) return null;
  let line = 1;
  for (let k = source.indexOf('\n'); k >= 0 && k < i; k = source.indexOf('\n', k + 1)) line++;
  return line;
}

// ---------------------------------------------------------------- vnu

function findVnuJar() {
  try {
    const dir = path.dirname(require.resolve('vnu-jar/package.json'));
    const jar = path.join(dir, 'build', 'dist', 'vnu.jar');
    if (fs.existsSync(jar)) return jar;
  } catch {
    /* not installed */
  }
  return null;
}

function runJava(args, timeoutMs) {
  return new Promise((resolve) => {
    const javaHome = process.env.JAVA_HOME;
    const java = javaHome && fs.existsSync(path.join(javaHome, 'bin', 'java')) ? path.join(javaHome, 'bin', 'java') : 'java';
    const child = spawn(java, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n(killed after ${timeoutMs / 1000} s)`;
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr, error: err });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, error: null });
    });
  });
}

async function checkWithVnu() {
  const htmlFiles = CHECKS.has('html') ? pages : [];
  const targets = [...htmlFiles.map((f) => [f, 'html']), ...cssFiles.map((f) => [f, 'css'])];
  if (targets.length === 0) return;
  const checkOf = new Map(targets.map(([f, c]) => [path.join(SITE, f), c]));
  const failAll = (files, msg) => files.forEach(([f, c]) => fail(f, c, msg));

  const jar = findVnuJar();
  if (!jar) {
    failAll(targets, 'vnu.jar not found: run `bash scripts/install-test-deps.sh`');
    return;
  }
  // HTML and CSS go in separate runs: with --also-check-css, vnu 26.9.27
  // reports HTML line numbers one too low. Batches keep the command line
  // short on very large sites.
  const batches = [];
  for (const kind of ['html', 'css']) {
    const files = targets.filter(([, c]) => c === kind);
    for (let i = 0; i < files.length; i += 400) batches.push(files.slice(i, i + 400));
  }
  for (const batch of batches) {
    const args = ['-Xss8m', '-jar', jar, '--errors-only', '--format', 'json', '--stdout', '--no-langdetect'];
    if (batch[0][1] === 'css') args.push('--css');
    args.push(...batch.map(([f]) => path.join(SITE, f)));
    const run = await runJava(args, 120_000 + 2_000 * batch.length);
    timing(`vnu finished ${batch.length} file(s)`);
    if (run.error) {
      failAll(batch, run.error.code === 'ENOENT'
        ? 'java not found: install a Java runtime (bash scripts/install-test-deps.sh)'
        : `could not run java: ${run.error.message}`);
      continue;
    }
    let report;
    try {
      report = JSON.parse(run.stdout);
    } catch {
      failAll(batch, `vnu gave no JSON report (exit ${run.code}): ${oneLine(run.stderr || run.stdout, 400)}`);
      continue;
    }
    const seen = new Set();
    for (const m of report.messages ?? []) {
      if (m.type !== 'error' && m.type !== 'non-document-error') continue;
      let abs = null;
      try {
        abs = fileURLToPath(new URL(m.url));
      } catch {
        /* no usable url */
      }
      const check = abs && checkOf.get(abs);
      const where = m.lastLine ? `:${m.firstLine ?? m.lastLine}:${m.firstColumn ?? m.lastColumn ?? 1}` : '';
      const extract = m.extract ? `\n    ${oneLine(m.extract, 160)}` : '';
      const text = `${where ? `line ${where.slice(1)}` : 'file'}: ${m.message}${extract}`;
      if (check) {
        const rel = toPosix(path.relative(SITE, abs));
        fail(rel, check, text);
        seen.add(rel);
      } else {
        failAll(batch, `vnu: ${m.url ?? '?'}: ${m.message}`);
      }
    }
    if (run.code !== 0 && (report.messages ?? []).length === 0) {
      failAll(batch, `vnu exited ${run.code} without messages: ${oneLine(run.stderr, 400)}`);
    }
    for (const [f, c] of batch) if (!seen.has(f)) expect(f, c).done || pass(f, c);
  }
}

// ---------------------------------------------------------------- http server

const MIME = {
  '.html': 'text/html', '.htm': 'text/html', '.css': 'text/css',
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.json': 'application/json',
  '.map': 'application/json', '.webmanifest': 'application/manifest+json',
  '.xml': 'application/xml', '.txt': 'text/plain', '.csv': 'text/csv', '.md': 'text/markdown',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg',
  '.gif': 'image/gif', '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon',
  '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.otf': 'font/otf',
  '.pdf': 'application/pdf', '.wasm': 'application/wasm', '.vtt': 'text/vtt',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg',
};
// No charset parameter on text types, on purpose: a page must declare its
// own encoding (<meta charset="utf-8">), just as when it is opened from disk.

function startServer(root) {
  const server = http.createServer((req, res) => {
    const send = (status, headers = {}, body = '') => {
      res.writeHead(status, { 'Cache-Control': 'no-store', ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, { Allow: 'GET, HEAD' });
    let pathname;
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      pathname = decodeURIComponent(url.pathname);
      if (pathname.includes('\0')) throw new Error('NUL');
    } catch {
      return send(400);
    }
    let abs = path.join(root, pathname);
    if (!isInside(root, abs)) return send(403);
    fs.stat(abs, (err, st) => {
      if (!err && st.isDirectory()) {
        if (!req.url.split('?')[0].endsWith('/')) {
          const u = new URL(req.url, 'http://127.0.0.1');
          return send(301, { Location: `${u.pathname}/${u.search}` });
        }
        abs = path.join(abs, 'index.html');
        try {
          st = fs.statSync(abs);
        } catch (e) {
          err = e;
        }
      }
      if (err || !st.isFile()) return send(404, { 'Content-Type': 'text/plain' }, 'not found');
      const type = MIME[path.extname(abs).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-store' });
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(abs).on('error', () => res.destroy()).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        origin: `http://127.0.0.1:${port}`,
        stop: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

const httpUrlOf = (origin, rel) => `${origin}/${rel.split('/').map(encodeURIComponent).join('/')}`;

// ---------------------------------------------------------------- browser

async function withPage(context, label, fn) {
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  page.setDefaultNavigationTimeout(TIMEOUT_MS);
  try {
    return await withTimeout(fn(page), TIMEOUT_MS, label);
  } finally {
    await page.close().catch(() => {});
  }
}

// Records what a page load does wrong: failed requests, HTTP errors,
// requests that leave the allowed origin (blocked), console errors and
// uncaught exceptions. `isLocal(url)` says which URLs may be requested.
async function watchPage(page, isLocal, show = (url) => url) {
  const problems = [];
  const blocked = new Set(); // URLs already reported: no second line for their failure

  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    blocked.add(url);
    problems.push(`external request blocked: ${url}`);
    return route.abort('blockedbyclient');
  });
  page.on('requestfailed', (req) => {
    if (blocked.has(req.url())) return;
    blocked.add(req.url());
    problems.push(`request failed: ${show(req.url())} (${req.failure()?.errorText ?? 'unknown error'})`);
  });
  page.on('response', (resp) => {
    if (resp.status() < 400) return;
    blocked.add(resp.url());
    problems.push(`HTTP ${resp.status()}: ${show(resp.url())}`);
  });
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    // Failed loads also log "Failed to load resource"; the request events above already report them.
    if (/^Failed to load resource/.test(text)) return;
    const loc = msg.location();
    problems.push(`console error: ${oneLine(text, 300)}${loc?.url ? ` (${show(loc.url)}:${(loc.lineNumber ?? 0) + 1})` : ''}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught exception: ${oneLine(err.message, 300)}`));
  return problems;
}

// -- links

// Which attributes hold URLs, as [CSS selector, attribute, is srcset].
const URL_ATTRS = [
  ['a[href]', 'href'], ['area[href]', 'href'], ['link[href]', 'href'],
  ['script[src]', 'src'], ['img[src]', 'src'], ['img[srcset]', 'srcset', true],
  ['source[src]', 'src'], ['source[srcset]', 'srcset', true], ['iframe[src]', 'src'],
  ['video[src]', 'src'], ['video[poster]', 'poster'], ['audio[src]', 'src'], ['track[src]', 'src'],
  ['embed[src]', 'src'], ['object[data]', 'data'], ['input[src]', 'src'],
  ['form[action]', 'action'], ['button[formaction]', 'formaction'], ['input[formaction]', 'formaction'],
  ['base[href]', 'href'],
];

// Runs in the page (scripts disabled, so this is the DOM of the HTML as written).
function collectFromDom(urlAttrs) {
  const refs = [];
  for (const [sel, attr, isSrcset] of urlAttrs) {
    for (const el of document.querySelectorAll(sel)) {
      const raw = el.getAttribute(attr);
      const values = isSrcset
        ? raw.split(',').map((c) => c.trim().split(/\s+/)[0]).filter(Boolean)
        : [raw];
      const rel = el.getAttribute('rel') ?? '';
      for (const value of values) refs.push({ tag: el.localName, attr, raw, value, rel });
    }
  }
  // SVG <use href> / <image href> inside inline SVG.
  for (const el of document.querySelectorAll('use, image')) {
    const v = el.getAttribute('href') ?? el.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
    if (v !== null) refs.push({ tag: el.localName, attr: 'href', raw: v, value: v });
  }
  // CSS written into the page: <style> elements and style="" attributes.
  const css = [
    ...[...document.querySelectorAll('style')].map((el) => ({ tag: 'style', text: el.textContent })),
    ...[...document.querySelectorAll('[style]')].map((el) => ({ tag: el.localName, text: el.getAttribute('style') })),
  ];
  const base = document.querySelector('base[href]')?.getAttribute('href') ?? null;
  const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
  const names = [...document.querySelectorAll('a[name]')].map((e) => e.getAttribute('name'));
  return { refs, css, base, ids, names };
}

// url(...) and @import references in CSS text (comments removed first).
function cssRefs(cssText) {
  const text = cssText.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '));
  const refs = [];
  const urlRe = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)/gi;
  const importRe = /@import\s+(?:"([^"]*)"|'([^']*)')/gi;
  for (const re of [urlRe, importRe]) {
    for (const m of text.matchAll(re)) {
      const value = m[1] ?? m[2] ?? m[3] ?? '';
      const line = text.slice(0, m.index).split('\n').length;
      refs.push({ tag: re === urlRe ? 'url()' : '@import', value, line });
    }
  }
  return refs.sort((a, b) => a.line - b.line);
}

function makeLinkChecker(linkContext, origin) {
  const anchorCache = new Map(); // abs path -> Promise<Set<string>>

  function anchorsOf(absPath) {
    if (!anchorCache.has(absPath)) {
      const rel = toPosix(path.relative(SITE, absPath));
      anchorCache.set(absPath, withPage(linkContext, `loading ${rel}`, async (page) => {
        await page.goto(httpUrlOf(origin, rel), { waitUntil: 'domcontentloaded' });
        const dom = await page.evaluate(collectFromDom, URL_ATTRS);
        return new Set([...dom.ids, ...dom.names]);
      }));
    }
    return anchorCache.get(absPath);
  }

  const relOf = (abs) => toPosix(path.relative(SITE, abs)) || '.';

  // Checks one URL `value` found in file `absFrom`, resolved against
  // `baseUrl`. Calls report(msg) for a problem, note(msg) for a remark.
  async function checkRef(value, { absFrom, baseUrl, inCss, isBase, outLink, report, note }) {
    const v = value.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, '');
    const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(v)?.[1]?.toLowerCase();
    if (scheme) {
      if (scheme === 'mailto' || scheme === 'tel' || scheme === 'data') return;
      // A plain link out, marked as one, may name an https address (the policy's own
      // addresses, such as the DPF list); nothing outside is ever loaded.
      if (scheme === 'https' && outLink) return;
      if (scheme === 'http' || scheme === 'https') report('external URL: the site must load nothing outside itself, and link out only by <a rel="external">');
      else report(`URL scheme "${scheme}:" is not allowed (only relative links, mailto:, tel:, data:)`);
      return;
    }
    if (/^[\\/]{2}/.test(v)) return report('protocol-relative (//host) URL points outside the site');
    if (v.startsWith('/') || v.startsWith('\\')) {
      return report('root-relative URL: breaks when the site is opened from a file share; use a relative path');
    }
    if (inCss && v.startsWith('#')) return; // url(#id) in CSS refers to the document using it
    if (isBase) return; // a relative <base> only shifts the other URLs, which are checked with it applied

    let target;
    try {
      target = new URL(v, baseUrl);
    } catch {
      return report('not a valid URL');
    }
    const hash = target.hash;
    target.hash = '';
    target.search = '';
    let targetPath;
    try {
      targetPath = fileURLToPath(target);
    } catch (e) {
      return report(`cannot be resolved to a file (${e.message})`);
    }
    if (!isInside(SITE, targetPath)) return report('points outside SITE_DIR');
    let st;
    try {
      st = fs.statSync(targetPath);
    } catch {
      return report(`target ${relOf(targetPath)} does not exist`);
    }
    if (st.isDirectory()) {
      const index = path.join(targetPath, 'index.html');
      if (!fs.existsSync(index)) return report(`directory ${relOf(targetPath)}/ has no index.html`);
      note(`links to the directory ${relOf(targetPath)}/: opened from a file share this shows a file listing, not ${relOf(index)}; link to the file itself`);
      targetPath = index;
    }
    if (!hash || hash === '#' || !isHtmlName(targetPath)) return;
    const rawFrag = hash.slice(1);
    if (rawFrag.startsWith(':~:')) return; // text fragment
    let frag = rawFrag;
    try {
      frag = decodeURIComponent(rawFrag);
    } catch {
      /* keep it raw */
    }
    if (frag.toLowerCase() === 'top') return; // the spec's built-in "top of the page"
    let anchors;
    try {
      anchors = await anchorsOf(targetPath);
    } catch (e) {
      return report(`could not load ${relOf(targetPath)} to look for #${frag}: ${e.message}`);
    }
    if (!anchors.has(frag) && !anchors.has(rawFrag)) {
      report(`fragment #${frag} matches no id in ${targetPath === absFrom ? 'this page' : relOf(targetPath)}`);
    }
  }

  async function checkPageLinks(rel) {
    const absPage = path.join(SITE, rel);
    const source = fs.readFileSync(absPage, 'utf8');
    const dom = await withPage(linkContext, `reading links of ${rel}`, async (page) => {
      await page.goto(httpUrlOf(origin, rel), { waitUntil: 'domcontentloaded' });
      return page.evaluate(collectFromDom, URL_ATTRS);
    });
    anchorCache.set(absPage, Promise.resolve(new Set([...dom.ids, ...dom.names])));

    const problems = [];
    const notes = [];
    const where = (ref) => {
      const line = lineOf(source, ref.raw, ref.attr === 'url()' ? null : ref.attr);
      const what = ref.attr === 'url()' ? `<${ref.tag}> CSS url(${oneLine(ref.value, 120)})` : `<${ref.tag} ${ref.attr}="${oneLine(ref.value, 120)}">`;
      return `${line ? `line ${line}: ` : ''}${what}`;
    };
    const pageUrl = pathToFileURL(absPage);
    let baseUrl = pageUrl;
    if (dom.base !== null) {
      try {
        baseUrl = new URL(dom.base.trim(), pageUrl);
      } catch {
        /* the <base> ref itself is reported as invalid below */
      }
    }
    for (const { tag, text } of dom.css) {
      for (const r of cssRefs(text)) dom.refs.push({ tag, attr: 'url()', raw: r.value, value: r.value });
    }
    for (const ref of dom.refs) {
      await checkRef(ref.value, {
        absFrom: absPage,
        baseUrl: ref.tag === 'base' ? pageUrl : baseUrl,
        inCss: ref.attr === 'url()',
        isBase: ref.tag === 'base',
        outLink: ref.tag === 'a' && ref.attr === 'href' && ref.rel.split(/\s+/).includes('external'),
        report: (msg) => problems.push(`${where(ref)}: ${msg}`),
        note: (msg) => notes.push(`${where(ref)}: ${msg}`),
      });
    }
    const lineNo = (text) => Number(/^line (\d+)/.exec(text)?.[1] ?? Infinity);
    problems.sort((a, b) => lineNo(a) - lineNo(b));
    notes.sort((a, b) => lineNo(a) - lineNo(b));
    return { problems, notes };
  }

  async function checkCssLinks(rel) {
    const absCss = path.join(SITE, rel);
    const problems = [];
    const notes = [];
    for (const ref of cssRefs(fs.readFileSync(absCss, 'utf8'))) {
      const where = `line ${ref.line}: ${ref.tag === '@import' ? `@import "${ref.value}"` : `url(${oneLine(ref.value, 120)})`}`;
      await checkRef(ref.value, {
        absFrom: absCss,
        baseUrl: pathToFileURL(absCss),
        inCss: true,
        report: (msg) => problems.push(`${where}: ${msg}`),
        note: (msg) => notes.push(`${where}: ${msg}`),
      });
    }
    return { problems, notes };
  }

  return { checkPageLinks, checkCssLinks };
}

// -- axe + requests

function axeSource() {
  const file = require.resolve('axe-core/axe.min.js');
  return fs.readFileSync(file, 'utf8');
}

function formatViolation(v, rel) {
  const targets = v.nodes.slice(0, MAX_TARGETS_SHOWN).map((n) => (Array.isArray(n.target) ? n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' >>> ') : String(n.target)));
  const more = v.nodes.length > MAX_TARGETS_SHOWN ? ` (+${v.nodes.length - MAX_TARGETS_SHOWN} more)` : '';
  return `${v.id} [${v.impact ?? 'n/a'}] on ${rel}: ${v.help}\n    ${targets.join('\n    ')}${more}\n    ${v.helpUrl}`;
}

// ---------------------------------------------------------------- main

async function runBrowserChecks() {
  const wantBrowser = [...CHECKS].some((c) => BROWSER_CHECKS.has(c));
  if (!wantBrowser) return;
  const browserPairs = [...results.values()].filter((r) => BROWSER_CHECKS.has(r.check));
  const failRemaining = (msg) => browserPairs.forEach((r) => r.done || fail(r.file, r.check, msg));

  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    failRemaining('playwright-core is not installed: run `bash scripts/install-test-deps.sh`');
    return;
  }
  let axe = null;
  if (CHECKS.has('a11y')) {
    try {
      axe = axeSource();
    } catch {
      failRemaining('axe-core is not installed: run `bash scripts/install-test-deps.sh`');
      return;
    }
  }
  if (!fs.existsSync(opts.values.chromium)) {
    failRemaining(`Chromium not found at ${opts.values.chromium}: run \`bash scripts/install-test-deps.sh\``);
    return;
  }

  let server = null;
  let browser = null;
  try {
    server = await startServer(SITE);
    browser = await chromium.launch({
      executablePath: opts.values.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
    timing('browser launched');
    const origin = server.origin;
    // Served URLs are shown as paths inside SITE_DIR (the port changes every run).
    const showServed = (url) => (url.startsWith(`${origin}/`) ? decodeURIComponent(url.slice(origin.length + 1)) : url);
    const isServed = (url) => url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank';
    // Links are read from the HTML as written: scripts off.
    const linkContext = await browser.newContext({ javaScriptEnabled: false, bypassCSP: true, serviceWorkers: 'block' });
    await linkContext.route('**/*', (route) => (isServed(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));
    const pageContext = await browser.newContext({ bypassCSP: true, locale: 'sv-SE', serviceWorkers: 'block' });
    const { checkPageLinks, checkCssLinks } = makeLinkChecker(linkContext, origin);
    const recordLinks = async (rel, run) => {
      try {
        const { problems, notes } = await run(rel);
        notes.forEach((n) => note(rel, 'links', n));
        if (problems.length) problems.forEach((p) => fail(rel, 'links', p));
        else pass(rel, 'links');
        timing(`links checked: ${rel}`);
      } catch (e) {
        fail(rel, 'links', `could not check links: ${oneLine(e.message, 400)}`);
      }
    };

    const checkPage = async (rel) => {
      if (CHECKS.has('links')) await recordLinks(rel, checkPageLinks);
      if (CHECKS.has('a11y') || CHECKS.has('requests')) {
        let loadProblems = null;
        try {
          await withPage(pageContext, `loading and auditing ${rel}`, async (page) => {
            loadProblems = await watchPage(page, isServed, showServed);
            await page.goto(httpUrlOf(origin, rel), { waitUntil: 'load' });
            timing(`loaded: ${rel}`);
            if (CHECKS.has('a11y')) {
              await page.addScriptTag({ content: axe });
              const { violations, incomplete } = await page.evaluate(async (tags) => {
                // eslint-disable-next-line no-undef
                const r = await axe.run(document, {
                  runOnly: { type: 'tag', values: tags },
                  resultTypes: ['violations'],
                });
                const brief = (v) => ({
                  id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                  nodes: v.nodes.map((n) => ({ target: n.target })),
                });
                return { violations: r.violations.map(brief), incomplete: r.incomplete.map(brief) };
              }, AXE_TAGS);
              // "Needs review": axe could not decide (e.g. text over a background image). Not a failure.
              for (const v of incomplete) note(rel, 'a11y', `needs review by hand: ${v.id}: ${v.help}`);
              if (violations.length) violations.forEach((v) => fail(rel, 'a11y', formatViolation(v, rel)));
              else pass(rel, 'a11y');
              timing(`axe done: ${rel}`);
            }
          });
        } catch (e) {
          const msg = `could not load/audit the page: ${oneLine(e.message, 400)}`;
          if (CHECKS.has('a11y') && !expect(rel, 'a11y').done) fail(rel, 'a11y', msg);
          if (CHECKS.has('requests')) fail(rel, 'requests', msg);
        }
        if (CHECKS.has('requests')) {
          if (loadProblems?.length) loadProblems.forEach((p) => fail(rel, 'requests', p));
          else if (loadProblems) expect(rel, 'requests').done || pass(rel, 'requests');
        }
      }
    };

    for (const css of cssLinkFiles) await recordLinks(css, checkCssLinks);

    // A small pool: JOBS pages in flight at once.
    const queue = [...pages];
    await Promise.all(Array.from({ length: Math.min(JOBS, queue.length) }, async () => {
      while (queue.length) await checkPage(queue.shift());
    }));

    if (fileUrlPage) {
      const rel = fileUrlPage;
      const fileContext = await browser.newContext({ bypassCSP: true, serviceWorkers: 'block' });
      try {
        const problems = await withPage(fileContext, `opening ${rel} via file://`, async (page) => {
          const siteUrl = `${pathToFileURL(SITE).href}/`;
          const isFileOk = (url) => url.startsWith(siteUrl) || url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank';
          const found = await watchPage(page, isFileOk);
          await page.goto(pathToFileURL(path.join(SITE, rel)).href, { waitUntil: 'load' });
          await page.waitForLoadState('networkidle', { timeout: Math.min(5_000, TIMEOUT_MS) }).catch(() => {});
          return found;
        });
        if (problems.length) problems.forEach((p) => fail(rel, 'file-url', p));
        else pass(rel, 'file-url');
        timing(`file:// checked: ${rel}`);
      } catch (e) {
        fail(rel, 'file-url', `could not open via file://: ${oneLine(e.message, 400)}`);
      } finally {
        await fileContext.close().catch(() => {});
      }
    }
  } catch (e) {
    failRemaining(`browser checks could not run: ${oneLine(e.message, 600)}`);
  } finally {
    if (browser) await browser.close().catch(() => {});
    if (server) await server.stop();
  }
}

const checkList = ALL_CHECKS.filter((c) => CHECKS.has(c));
process.stdout.write(
  `site-checks: ${SITE}: ${pages.length} page(s), ${allCss.length} stylesheet(s); checks: ${checkList.join(', ')}\n`,
);

try {
  // vnu (Java) and the browser run at the same time: one core each.
  await Promise.all([checkWithVnu(), runBrowserChecks()]);
} catch (e) {
  process.stdout.write(`site-checks: internal error: ${e.stack ?? e}\n`);
}

// Anything never reached counts as failed.
for (const r of results.values()) if (!r.done) fail(r.file, r.check, 'not checked (an earlier error stopped this check)');

const order = (r) => ALL_CHECKS.indexOf(r.check);
const sorted = [...results.values()].sort((a, b) => byCodeUnit(a.file, b.file) || order(a) - order(b));
let passed = 0;
let failed = 0;
for (const r of sorted) {
  if (r.problems.length === 0) {
    passed++;
    if (!QUIET) {
      process.stdout.write(`ok   ${r.check.padEnd(8)} ${r.file}\n`);
      for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
    }
    continue;
  }
  failed++;
  process.stdout.write(`FAIL ${r.check.padEnd(8)} ${r.file}\n`);
  for (const p of r.problems.slice(0, MAX_DETAILS_PER_PAIR)) process.stdout.write(`  - ${p.replace(/\n/g, '\n  ')}\n`);
  if (r.problems.length > MAX_DETAILS_PER_PAIR) process.stdout.write(`  - … and ${r.problems.length - MAX_DETAILS_PER_PAIR} more\n`);
  for (const n of r.notes) process.stdout.write(`  note: ${n}\n`);
}
process.stdout.write(`site-checks: took ${((Date.now() - T0) / 1000).toFixed(1)} s\n`);
process.stdout.write(`site-checks: ${passed} passed, ${failed} failed\n`);
process.exitCode = failed > 0 ? 1 : 0;
