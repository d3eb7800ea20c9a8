#!/usr/bin/env node
// The edit form of `molnkoll serve` in real Chromium, the way a person uses it.
//
//   node tests/site-checks/check-form.mjs MOLNKOLL_BINARY [--screenshot FILE.png]
//
// Copies the shipped content into a temporary git repository, starts `molnkoll serve`
// there, and:
//   - runs axe-core (WCAG 2.0/2.1 A and AA) and the Nu HTML Checker (errors) on the
//     edit form, the form with an added row, the "new assessment" form, and the forms of
//     four shipped records that fill in every kind of field;
//   - opens the form for arcgis-enterprise-gis, changes a level with the keyboard-usable
//     select, saves with the button, and expects the saved notice, the new governing
//     level on the assessment page, and a commit with the message typed;
//   - ticks an organisation, adds a row to a list (a secret part), fills it in and saves;
//     then removes the row with its checkbox and saves: the file has the row, then not.
// Ends with `form-checks: N passed, M failed`; exit 1 when one failed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const binary = path.resolve(process.argv[2] ?? path.join(repo, 'target/release/molnkoll'));
const shotAt = process.argv.indexOf('--screenshot');
const screenshot = shotAt > 0 ? path.resolve(process.argv[shotAt + 1]) : null;

let passed = 0;
let failed = 0;
const check = (what, ok, detail = '') => {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `\n     ${detail}`}`);
};

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'molnkoll-form-'));
fs.cpSync(path.join(repo, 'content'), path.join(dir, 'content'), { recursive: true });
const git = (...args) =>
  spawnSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'Test',
      GIT_AUTHOR_EMAIL: 'test@example.org', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 'test@example.org' },
  }).stdout.trim();
git('init', '-q', '-b', 'main');
git('add', '-A');
git('commit', '-q', '-m', 'start');

const server = spawn(binary, ['serve', '--port', '0', '--today', '2026-11-23'], {
  cwd: dir,
  stdio: ['ignore', 'ignore', 'pipe'],
  env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
});
const base = await new Promise((resolve, reject) => {
  let seen = '';
  server.stderr.on('data', (chunk) => {
    seen += chunk;
    const m = seen.match(/molnkoll serve: (http:\/\/127\.0\.0\.1:\d+)\//);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`serve exited ${code}: ${seen}`)));
  setTimeout(() => reject(new Error(`serve did not start: ${seen}`)), 60000);
});

const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const vnuJar = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');

const pages = fs.mkdtempSync(path.join(os.tmpdir(), 'molnkoll-form-pages-'));

async function audit(page, name) {
  // The page as served, before axe's script is added to it.
  const file = path.join(pages, `${name.replace(/\W+/g, '-')}.html`);
  fs.writeFileSync(file, await page.content());
  const run = spawnSync('java', ['-jar', vnuJar, '--errors-only', '--format', 'json', file], { encoding: 'utf8' });
  const messages = JSON.parse(run.stderr || '{"messages":[]}').messages ?? [];
  check(`html ${name}`, messages.length === 0, messages.map((m) => `${m.lastLine}: ${m.message}`).slice(0, 5).join('; '));
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }),
  );
  check(`a11y ${name}`, result.violations.length === 0,
    result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`).join('; '));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  const form = `${base}/_molnkoll/redigera/arcgis-enterprise-gis`;

  await page.goto(`${base}/bedomningar/arcgis-enterprise-gis/`);
  check('the assessment page links to the form', (await page.locator(`a[href="/_molnkoll/redigera/arcgis-enterprise-gis"]`).count()) === 1);

  await page.goto(form);
  await audit(page, 'edit form');
  if (screenshot) {
    // The top of the form: the record's heading and the first step, at a desktop width.
    const wide = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await wide.goto(form);
    await wide.screenshot({ path: screenshot });
    await wide.close();
  }

  await page.getByRole('button', { name: 'Lägg till certifikat' }).click();
  await page.waitForLoadState();
  check('an added row', (await page.getByRole('group', { name: 'Certifikat 1' }).count()) === 1);
  await audit(page, 'edit form with a new row');

  await page.goto(`${base}/_molnkoll/ny`);
  await audit(page, 'new assessment form');

  // Records whose every kind of field has a value: a decision with conditions, a DPF check,
  // supplier confirmations, secret parts.
  // Saved untouched, each is left byte for byte as it was: every kind of field reads back
  // what it shows.
  for (const slug of ['microsoft-365', 'treserva-socialtjanst', 'safespring-backup', 'open-eplatform-e-tjanster']) {
    await page.goto(`${base}/_molnkoll/redigera/${slug}`);
    await audit(page, `edit form for ${slug}`);
    const record = path.join(dir, 'content/bedomningar', `${slug}.toml`);
    const before = fs.readFileSync(record, 'utf8');
    await Promise.all([page.waitForURL(/sparad=1/), page.getByRole('button', { name: 'Spara', exact: true }).last().click()]);
    const after = fs.readFileSync(record, 'utf8');
    check(`${slug} saved untouched is unchanged`, after === before, spawnSync('diff', ['-', record], { input: before, encoding: 'utf8' }).stdout.slice(0, 600));
  }
  check('no commit for a save that changed nothing', git('log', '--format=%s') === 'start', git('log', '--format=%s'));

  // Keyboard and labels: the level of "Grundkarta och detaljplaner", Riktighet, by its label.
  await page.goto(form);
  const set = page.getByRole('group', { name: 'Informationsmängd 1' });
  const level = set.getByLabel('Riktighet (R)');
  await level.focus();
  await level.selectOption('3');
  await page.getByLabel(/Vad ändrades/).fill('Riktigheten i grundkartan klassas 3');
  await Promise.all([page.waitForURL(/sparad=1/), page.getByRole('button', { name: 'Spara', exact: true }).last().click()]);
  check('saved', (await page.getByRole('status').first().textContent()).includes('Sparad'));

  let governing = '';
  for (let i = 0; i < 100 && !governing.includes('Allvarlig'); i++) {
    await page.waitForTimeout(200);
    await page.goto(`${base}/bedomningar/arcgis-enterprise-gis/`);
    governing = (await page.locator('p.level').textContent()) ?? '';
  }
  check('the preview shows the new governing level', governing.includes('Allvarlig'), governing);
  check('a commit with the message', git('log', '-1', '--format=%s') === 'Riktigheten i grundkartan klassas 3', git('log', '-1', '--format=%s'));
  check('git status is clean', git('status', '--porcelain') === '', git('status', '--porcelain'));

  // A list grows by a row and shrinks by one, without JavaScript's help: "Lägg till" posts
  // the form and gets it back with an empty row; a ticked "Ta bort" removes the row on saving.
  const file = path.join(dir, 'content/bedomningar/arcgis-enterprise-gis.toml');
  await page.goto(form);
  await page.getByRole('group', { name: 'Organisationer som ska använda tjänsten' }).getByLabel('Sjömarks kommun').check();
  await page.getByRole('button', { name: 'Lägg till sekretessbelagd del' }).click();
  await page.waitForLoadState();
  const row = page.getByRole('group', { name: 'Sekretessbelagd del 1' });
  check('a row added to the secret parts', (await row.count()) === 1);
  check('what was ticked before the row was added is still ticked',
    await page.getByRole('group', { name: 'Organisationer som ska använda tjänsten' }).getByLabel('Sjömarks kommun').isChecked());
  await row.getByLabel('Del av bedömningen').fill('riskanalys');
  await row.getByLabel('Paragraf i OSL').fill('18 kap. 8 § OSL');
  await audit(page, 'edit form with a new secret part');
  await page.getByLabel(/Vad ändrades/).fill('Riskanalysen sekretessbelagd; Sjömarks kommun använder tjänsten');
  await Promise.all([page.waitForURL(/sparad=1/), page.getByRole('button', { name: 'Spara', exact: true }).last().click()]);
  let text = fs.readFileSync(file, 'utf8');
  check('the added row is saved', text.includes('[[sekretess]]\nfalt = "riskanalys"\nparagraf = "18 kap. 8 § OSL"\n'), text.slice(-300));
  check('the ticked organisation is saved', text.includes('anvands_av = ["Mellby kommun", "Sjömarks kommun"]'), text.slice(0, 900));

  await page.getByLabel('Ta bort sekretessbelagd del 1 när du sparar').check();
  await page.getByLabel(/Vad ändrades/).fill('Sekretessen togs bort igen');
  await Promise.all([page.waitForURL(/sparad=1/), page.getByRole('button', { name: 'Spara', exact: true }).last().click()]);
  text = fs.readFileSync(file, 'utf8');
  check('the removed row is gone from the file', !text.includes('sekretess'), text.slice(-300));
  check('a commit for each save', git('log', '-2', '--format=%s') === 'Sekretessen togs bort igen\nRiskanalysen sekretessbelagd; Sjömarks kommun använder tjänsten', git('log', '-2', '--format=%s'));
  await audit(page, 'edit form after saving');
} catch (e) {
  check('the form in Chromium', false, e.stack);
} finally {
  await browser.close();
  server.kill();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(pages, { recursive: true, force: true });
}
console.log(`form-checks: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
