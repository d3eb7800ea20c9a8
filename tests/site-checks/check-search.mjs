#!/usr/bin/env node
// Search works in a real browser, from file://, the way an employee uses it.
//
//   node tests/site-checks/check-search.mjs SITE_DIR
//
// For every assessment page under SITE_DIR/bedomningar/, types a word of its
// title into sok.html (lower case, and upper case, so case folding is tested
// with å/ä/ö where the title has them) and expects a result linking to that
// page. Then a few Swedish-aware queries: prefixes, Å/Ä/Ö folding, and that
// "a" does not match "å". Ends with `search-checks: N passed, M failed`.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const site = path.resolve(process.argv[2] ?? 'output');
const sok = path.join(site, 'sok.html');
if (!fs.existsSync(sok)) {
  console.log(`search-checks: no ${sok}`);
  process.exit(2);
}

const words = (text) => text.toLocaleLowerCase('sv').match(/[\p{L}\p{N}]+/gu) ?? [];
const titleOf = (file) => {
  const m = fs.readFileSync(file, 'utf8').match(/<h1[^>]*>([^<]*)<\/h1>/);
  return m ? m[1].replaceAll('&amp;', '&') : '';
};

// One case per assessment: the longest word of its title (the most specific).
const cases = [];
const dir = path.join(site, 'bedomningar');
for (const slug of fs.readdirSync(dir).sort()) {
  const page = path.join(dir, slug, 'index.html');
  if (!fs.existsSync(page)) continue;
  const longest = words(titleOf(page)).sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
  cases.push({ query: longest, expect: `bedomningar/${slug}/index.html` });
  cases.push({ query: longest.toLocaleUpperCase('sv'), expect: `bedomningar/${slug}/index.html` });
}
// Swedish-aware: prefixes, upper-case Å, and å is not a.
cases.push({ query: 'åtgärdst', expect: 'atgardstabell.html' });
cases.push({ query: 'ÅTGÄRDSTABELL', expect: 'atgardstabell.html' });
cases.push({ query: 'begreppsförkl', expect: 'begrepp.html' });
cases.push({ query: 'atgardstabell', expectNone: 'atgardstabell.html' });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let passed = 0;
let failed = 0;
try {
  const page = await browser.newPage();
  await page.goto(pathToFileURL(sok).href);
  for (const c of cases) {
    await page.fill('#sok', c.query);
    const hrefs = await page.$$eval('#sok-resultat a', (as) => as.map((a) => a.getAttribute('href')));
    const ok = c.expect ? hrefs.includes(c.expect) : !hrefs.includes(c.expectNone);
    if (ok) {
      passed++;
    } else {
      failed++;
      const want = c.expect ? `a hit on ${c.expect}` : `no hit on ${c.expectNone}`;
      console.log(`FAIL "${c.query}": wanted ${want}, got [${hrefs.join(', ')}]`);
    }
  }
} finally {
  await browser.close();
}
console.log(`search-checks: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
