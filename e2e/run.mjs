// End-to-end test of the retex web page: headless Chromium, driven by playwright-core, against a
// server started on the demo data. Usage:
//   RETEX_URL=http://127.0.0.1:18080 RETEX_ADMIN_TOKEN=retex_… node e2e/run.mjs
// CHROMIUM overrides the browser (default /usr/bin/chromium). Screenshots go to target/e2e/.
// The admin token is used once, by this program (as any program uses the API), to invite an
// administrator; everyone else signs in in the page: the administrator accepts the invitation, invites
// a contributor and a reviewer with the page's form, and each accepts their link.
// Fourteen pages are checked with axe-core (no serious or critical violation) on a desktop screen and on
// a phone's (390 × 844), where nothing may be wider than the screen. The map of projects (`/carte`) is
// checked to draw its points in their regions; no page asks anything of another origin than the server.
// A sheet's funding plan is checked against the API, and its print version (print media, a PDF); the
// overview's funding charts too; the administrator downloads the spreadsheet templates and imports a CSV
// file with two problems through the page's form, both listed in French.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const base = (process.env.RETEX_URL || 'http://127.0.0.1:18080').replace(/\/$/, '');
const admin = process.env.RETEX_ADMIN_TOKEN;
const shots = join(dirname(fileURLToPath(import.meta.url)), '..', 'target', 'e2e');
mkdirSync(shots, { recursive: true });
/** axe-core's browser build, injected into the pages it checks. */
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
/** A phone's screen, in CSS pixels. */
const PHONE = { width: 390, height: 844 };
/** The months as French writes them, for dates (« 1er septembre 2021 », never « 1 septembre »). */
const MONTHS = 'janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre';

let step = '';
const started = Date.now();
function log(message) {
  console.log(`[e2e ${((Date.now() - started) / 1000).toFixed(1)} s] ${message}`);
}
function begin(name) {
  step = name;
  log(name);
}
function check(condition, message) {
  if (!condition) throw new Error(message);
}
/** Waits until `probe()` returns a truthy value (polling), or fails with `message`. */
async function until(probe, message, timeout = 10_000) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw new Error(`${message} (dernier état : ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** A GraphQL request from this program: anonymous, or with an API token. */
async function graphql(query, variables = {}, token = null) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function main() {
  check(admin, 'RETEX_ADMIN_TOKEN is missing');

  begin('setup: the organisation of the contributor and the programme of the reviewer to invite');
  const setup = await graphql(`{
    organisations(filter: {kinds: [SUPPORT_STRUCTURE]}, first: 1) { nodes { id name } }
    programmes(first: 1, sort: {field: TITLE, direction: ASC}) { nodes { id name } }
  }`);
  const organisation = setup.organisations.nodes[0];
  const programme = setup.programmes.nodes[0];
  check(organisation && programme, 'the demo has no support structure or no programme');
  log(`contributor for « ${organisation.name} », reviewer of « ${programme.name} »`);
  // The people of this run, each with an address of their own (a run may follow another on one server).
  const run = Math.random().toString(36).replace(/[^a-z0-9]/g, '').slice(0, 8);
  const people = {
    admin: { email: `admin-${run}@exemple.fr`, name: 'Camille Administratrice', password: 'la marmotte plie le papier' },
    contributor: { email: `contributrice-${run}@exemple.fr`, name: 'Claire Contributrice', password: 'un bocage sous la pluie fine' },
    reviewer: { email: `relecteur-${run}@exemple.fr`, name: 'Rémi Relecteur', password: 'trois tasses de café noir' },
  };

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const errors = [];
  const pages = [];
  const serverOrigin = new URL(base).origin;
  /** Requests of any page to another origin than the server's (none is allowed). */
  const elsewhere = [];
  /** A page in a context of its own (its own cookies: one person), or in `context`. */
  const newPage = async ({ context: shared = null, ...options } = {}) => {
    const context = shared || await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(`${serverOrigin}/`) && !url.startsWith('data:')) elsewhere.push(`${step}: ${url}`);
    });
    page.on('pageerror', (error) => errors.push(`${step}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/401|404|Failed to load resource/.test(message.text())) errors.push(`${step}: console: ${message.text()}`);
    });
    page.setDefaultTimeout(10_000);
    pages.push(page);
    return page;
  };
  const ready = (page) => page.waitForSelector('html[data-ready="true"]');
  const countText = (page) => page.locator('#count').textContent();
  const countOf = (text) => Number((text || '').replace(/\u202f|\u00a0| /g, '').match(/^\d+/)?.[0] ?? NaN);
  /** Text with its narrow and no-break spaces (French numbers: « 180 000 € ») as plain spaces. */
  const spaced = (text) => (text || '').replace(/[\u202f\u00a0]/g, ' ').replace(/\s+/g, ' ').trim();

  try {
    const page = await newPage();
    // The anonymous page never asks for saved searches (they belong to token holders).
    const anonymousSaved = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/graphql') && /savedSearches|saveSearch/.test(request.postData() || '')) anonymousSaved.push(request.postData());
    });

    begin('search: suggestions as you type, keyboard in the list');
    await page.goto(`${base}/`);
    await ready(page);
    check((await page.getAttribute('html', 'lang')) === 'fr', 'the page is not in French (lang="fr")');
    await page.locator('#q').pressSequentially('epic', { delay: 40 });
    await page.waitForSelector('#suggestions [role=option]', { state: 'visible' });
    await page.keyboard.press('ArrowDown');
    await until(async () => (await page.getAttribute('#suggestions [role=option]:first-child', 'aria-selected')) === 'true', 'ArrowDown did not select the first suggestion');
    check(await page.getAttribute('#q', 'aria-activedescendant'), 'the combobox does not point at the active suggestion');
    await page.keyboard.press('Escape');
    await page.waitForSelector('#suggestions', { state: 'hidden' });

    begin('search « epicerie »: results, « Épicerie » highlighted, state in the URL');
    await page.fill('#q', 'epicerie');
    await page.keyboard.press('Enter');
    await until(async () => / pour « epicerie »/.test(await countText(page)), 'no result count for « epicerie »');
    check(new URL(page.url()).searchParams.get('q') === 'epicerie', `the URL does not hold the query: ${page.url()}`);
    const marks = await page.locator('#hit-list mark').allTextContents();
    check(marks.some((mark) => /^Épicerie$/i.test(mark.trim())), `« Épicerie » is not highlighted; marks: ${JSON.stringify(marks.slice(0, 10))}`);
    const total = countOf(await countText(page));
    check(total > 0, `no results for « epicerie »: ${await countText(page)}`);
    log(`${total} results, marks ${JSON.stringify([...new Set(marks)].slice(0, 5))}`);
    await page.screenshot({ path: join(shots, 'search.png'), fullPage: true });
    check(!(await page.isVisible('#save-search')), 'an anonymous visitor is offered to save the search');
    check(!(await page.locator('#saved-searches').count()), 'an anonymous visitor sees « Mes recherches enregistrées »');

    begin('a facet narrows the results: count and URL change');
    const facet = await until(async () => {
      for (const item of await page.locator('.facet li').all()) {
        const text = await item.textContent();
        const count = Number(text.match(/\((\d+)\)\s*$/)?.[1]);
        if (count > 0 && count < total) return { item, count, text: text.trim() };
      }
      return null;
    }, `no facet value narrows the ${total} results`);
    await facet.item.locator('input').check();
    await until(async () => countOf(await countText(page)) === facet.count, `after clicking « ${facet.text} », the count is not ${facet.count}`);
    const filtered = new URL(page.url());
    check([...filtered.searchParams.keys()].some((key) => key !== 'q'), `the URL did not take the facet: ${page.url()}`);
    check(filtered.searchParams.get('q') === 'epicerie', `the query left the URL: ${page.url()}`);
    log(`« ${facet.text} » → ${facet.count}, ${filtered.search}`);

    begin('the back button restores the previous results');
    await page.goBack();
    await until(async () => countOf(await countText(page)) === total, 'after going back, the count is not the unfiltered one');
    check([...new URL(page.url()).searchParams.keys()].every((key) => key === 'q'), `the URL still holds a filter: ${page.url()}`);
    await page.goForward();
    await until(async () => countOf(await countText(page)) === facet.count, 'going forward does not restore the filter');

    begin('an unknown word gives a helpful empty state');
    await page.fill('#q', 'xylophonez');
    await page.keyboard.press('Enter');
    await until(async () => /Aucun résultat pour « xylophonez »/.test(await page.locator('.empty').textContent().catch(() => '')), 'no « Aucun résultat pour … » message');
    check(/essayez/.test(await page.locator('.empty').textContent()), 'the empty state suggests nothing');

    begin('search « mobilité rurale »: the filters it names are offered as chips, applied, or dismissed');
    await page.fill('#q', 'mobilité rurale');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#interpretation .chip-offered');
    const offered = await page.locator('#interpretation .chip-offered').allTextContents();
    check(offered.some((text) => /Thème : Mobilité/.test(text)), `no « Thème : Mobilité » chip: ${offered.join(' | ')}`);
    check(offered.some((text) => /Type de territoire : Rural/.test(text)), `no « Type de territoire : Rural » chip: ${offered.join(' | ')}`);
    const before = countOf(await countText(page));
    await page.locator('#interpretation .chip-offered', { hasText: 'Thème : Mobilité' }).click();
    await until(() => new URL(page.url()).searchParams.get('theme') === 'MOBILITY', `applying the chip did not filter: ${page.url()}`);
    await until(async () => countOf(await countText(page)) <= before, 'the applied filter did not narrow the results');
    // The search's Atom feed follows the same words and filters, under the feed's parameter names.
    const searchFeed = await until(async () => {
      const href = await page.getAttribute('#feed-link', 'href');
      const params = new URL(href, base).searchParams;
      return href.startsWith('/flux.atom?') && params.get('q') === 'mobilité rurale' && params.get('theme') === 'MOBILITY' && href;
    }, 'the « S’abonner (Atom) » link does not follow the search');
    log(`feed of the search: ${searchFeed}`);
    await page.screenshot({ path: join(shots, 'interpretation.png'), fullPage: true });
    await page.goBack();
    await page.waitForSelector('#interpretation .chip-offered');
    await page.locator('#interpretation a', { hasText: 'Ignorer' }).click();
    await until(() => new URL(page.url()).searchParams.get('mots') === '1', `dismissing did not say so in the address: ${page.url()}`);
    await until(async () => (await page.locator('#interpretation .chip-offered').count()) === 0, 'the chips stayed after « Ignorer »');

    begin('recurrence: chart and table');
    await page.click('nav >> text=Récurrence');
    await page.waitForSelector('h1:has-text("Leçons qui reviennent le plus")');
    await page.waitForSelector('#recurrence-chart svg rect');
    const rows = await page.locator('.recurrence-table tbody tr').count();
    check(rows > 0, 'the recurrence table is empty');
    check((await page.locator('#recurrence-chart svg .bar').count()) === rows, 'the chart and the table do not show the same lessons');
    await page.screenshot({ path: join(shots, 'recurrence.png'), fullPage: true });
    await page.selectOption('#rec-categorie', { index: 1 });
    await until(() => new URL(page.url()).searchParams.get('categorie'), 'the category filter is not in the URL');
    await page.goBack();
    await page.waitForSelector('.recurrence-table tbody tr');

    begin('open a lesson: its programmes; a reload gives the same page');
    const firstLesson = page.locator('.recurrence-table tbody tr th a').first();
    const lessonTitle = (await firstLesson.textContent()).trim();
    await firstLesson.click();
    await page.waitForSelector(`h1:has-text(${JSON.stringify(lessonTitle)})`);
    check(new URL(page.url()).pathname.startsWith('/lecons/'), `the lesson is not at /lecons/…: ${page.url()}`);
    const programmes = await page.locator('#programmes li').allTextContents();
    check(programmes.length > 0, 'the lesson page shows no programme');
    log(`« ${lessonTitle} »: ${programmes.join(', ')}`);
    await page.screenshot({ path: join(shots, 'lesson.png'), fullPage: true });
    const lessonUrl = page.url();
    await page.reload();
    await ready(page);
    check(page.url() === lessonUrl, 'the reload changed the address');
    check((await page.locator('h1').textContent()).trim() === lessonTitle, 'the reload did not give the same lesson');
    check(JSON.stringify(await page.locator('#programmes li').allTextContents()) === JSON.stringify(programmes), 'the reload did not give the same programmes');

    begin('a reloaded search address gives the same results');
    await page.goto(`${base}${filtered.pathname}${filtered.search}`);
    await ready(page);
    await until(async () => countOf(await countText(page)) === facet.count, 'the search address does not give the same results');
    check((await page.locator('.facet input:checked').count()) === 1, 'the facet is not checked after a reload');

    begin('« Afficher plus » is in the address: a reload shows as many results');
    await page.goto(`${base}/`);
    await ready(page);
    await page.waitForSelector('#hit-list li');
    const firstPage = await page.locator('#hit-list > li').count();
    await page.click('#more button');
    await until(async () => (await page.locator('#hit-list > li').count()) > firstPage, 'no more results were shown');
    const shownMore = await page.locator('#hit-list > li').count();
    check(new URL(page.url()).searchParams.get('pages') === '2', `the address does not say 2 pages: ${page.url()}`);
    await page.reload();
    await ready(page);
    await until(async () => (await page.locator('#hit-list > li').count()) === shownMore, `a reload does not show the ${shownMore} results again`);
    log(`${firstPage} results, then ${shownMore}, and ${shownMore} after a reload`);

    begin('overview: charts, and the funding by funder (the ten largest) and by year (in order)');
    await page.goto(`${base}/apercu`);
    await ready(page);
    check((await page.locator('figure svg').count()) >= 3, 'the overview shows fewer than 3 charts');
    const fundingTotals = await graphql(`{ funders: fundingTotals(by: FUNDER) { label amount } years: fundingTotals(by: YEAR) { value label amount } }`);
    check(fundingTotals.funders.length > 0 && fundingTotals.years.length > 0, 'the demo has no funding plan');
    await page.waitForSelector('#chart-financeurs svg .bar');
    const funderBars = await page.locator('#chart-financeurs svg .bar title').allTextContents();
    const topFunders = fundingTotals.funders.slice(0, 10);
    check(funderBars.length === topFunders.length, `the chart by funder shows ${funderBars.length} bars for ${topFunders.length} funders`);
    check(spaced(funderBars[0]) === spaced(`${topFunders[0].label} : ${new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(topFunders[0].amount)}`),
      `the largest funder's bar says « ${funderBars[0]} »`);
    const yearRows = await page.locator('#chart-annees + details tbody th').allTextContents();
    const yearsInOrder = fundingTotals.years.filter((row) => row.value).map((row) => row.value).sort();
    check(JSON.stringify(yearRows.filter((text) => /^\d{4}$/.test(text.trim())).map((text) => text.trim())) === JSON.stringify(yearsInOrder),
      `the years are not in order: ${yearRows.join(', ')}`);
    check((await page.locator('#chart-annees svg .bar').count()) === fundingTotals.years.length, 'the chart by year does not show every year');
    log(`funding: ${funderBars.length} funders (largest « ${spaced(funderBars[0])} »), years ${yearRows.join(', ')}`);

    begin('a sheet\'s budget and funding plan, as the API gives them');
    const fundedSlug = 'garage-solidaire-pays-de-brest-carhaix';
    const funded = (await graphql(`query($slug: String!) { sheet(slug: $slug) { title budget fundingCoverage funding { funder amount year kind } } }`, { slug: fundedSlug })).sheet;
    check(funded.budget === 180000 && funded.funding.length === 4, `the demo sheet ${fundedSlug} has ${funded.budget} € and ${funded.funding.length} lines`);
    await page.goto(`${base}/fiches/${fundedSlug}`);
    await ready(page);
    await page.waitForSelector('#financement .funding-table');
    check(spaced(await page.locator('#financement .funding-budget').textContent()) === 'Budget du projet : 180 000 €',
      `the budget says « ${spaced(await page.locator('#financement .funding-budget').textContent())} »`);
    const fundingRows = await page.locator('#financement tbody tr').evaluateAll((rows) => rows.map((row) => [...row.cells].map((cell) => cell.textContent)));
    check(fundingRows.length === 4, `the funding table has ${fundingRows.length} lines`);
    const kindLabels = { PUBLIC_GRANT: 'Subvention publique', EUROPEAN_FUNDS: 'Fonds européens', PHILANTHROPY: 'Mécénat et fondations', EARNED_INCOME: 'Recettes d’activité' };
    for (const [i, line] of funded.funding.entries()) {
      const [funder, amount, year, kind] = fundingRows[i].map(spaced);
      const expected = `${new Intl.NumberFormat('fr-FR').format(line.amount).replace(/[\u202f\u00a0]/g, ' ')} €`;
      check(funder === line.funder && amount === expected && year === String(line.year ?? '—') && kind === (kindLabels[line.kind] || kind),
        `the funding line ${i + 1} says ${JSON.stringify(fundingRows[i])}, not ${JSON.stringify(line)}`);
    }
    const fundedTotal = funded.funding.reduce((sum, line) => sum + line.amount, 0);
    const totalRow = spaced(await page.locator('#financement tfoot tr').evaluate((row) => [...row.cells].map((cell) => cell.textContent).join(' ')));
    check(totalRow === `Total ${new Intl.NumberFormat('fr-FR').format(fundedTotal).replace(/[\u202f\u00a0]/g, ' ')} €`, `the total row says « ${totalRow} »`);
    const coverageText = spaced(await page.locator('#financement .funding-coverage').textContent());
    check(coverageText.startsWith(`Plan couvrant ${Math.round(funded.fundingCoverage * 100)} % du budget`), `the coverage says « ${coverageText} »`);
    log(`« ${funded.title} »: ${totalRow}; ${coverageText}`);

    begin('printing a sheet: « Imprimer la fiche », then print media: no navigation nor buttons, the sheet and its address; a PDF');
    await page.evaluate(() => { window.print = () => { window.e2ePrinted = true; }; });
    await page.click('button:has-text("Imprimer la fiche")');
    check(await page.evaluate(() => window.e2ePrinted === true), '« Imprimer la fiche » did not open the print dialog');
    await page.emulateMedia({ media: 'print' });
    check(!(await page.isVisible('nav')) && !(await page.isVisible('#account')) && !(await page.isVisible('#imprimer')), 'the navigation, the account or the print button is printed');
    check(!(await page.isVisible('#conseils')), 'the advice for the next step is printed');
    check(await page.isVisible(`h1:has-text(${JSON.stringify(funded.title)})`), 'the sheet\'s title is not printed');
    check(await page.isVisible('#financement .funding-table'), 'the funding table is not printed');
    const printedFooter = await page.locator('.print-footer').textContent();
    check(await page.isVisible('.print-footer') && printedFooter.includes(page.url()), `the printed sheet does not end with its address: ${printedFooter}`);
    const externalLink = await page.evaluate(() => {
      const link = [...document.querySelectorAll('article a[href^="http"]')].find((a) => !a.classList.contains('bare-url'));
      return link ? { href: link.getAttribute('href'), after: getComputedStyle(link, '::after').content } : null;
    });
    if (externalLink) check(externalLink.after.includes(externalLink.href), `an external link is printed without its address: ${JSON.stringify(externalLink)}`);
    const printedWidth = await page.evaluate(() => document.querySelector('article.record').getBoundingClientRect().width / document.documentElement.clientWidth);
    check(printedWidth > 0.9, `the printed sheet is not full width (${Math.round(printedWidth * 100)} %)`);
    await page.screenshot({ path: join(shots, 'sheet-print.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: false });
    check(pdf.subarray(0, 5).toString() === '%PDF-' && pdf.length > 10_000, `page.pdf() gave ${pdf.length} bytes`);
    await page.emulateMedia({ media: 'screen' });
    check(await page.isVisible('nav'), 'the navigation stayed hidden on screen');
    log(`printed: ${Math.round(printedWidth * 100)} % wide, a PDF of ${pdf.length} bytes, external link ${externalLink ? externalLink.after : 'none'}`);

    begin('prepare a project: a checklist phase by phase, its state in the address');
    await page.click('nav >> text=Préparer un projet');
    await page.waitForSelector('#prepare-form');
    const description = 'Créer un garage solidaire pour aider les habitants d’un territoire rural à se déplacer vers l’emploi';
    await page.fill('#p-description', description);
    await page.check('#p-theme-MOBILITY');
    await page.check('#p-territoryType-RURAL');
    await page.click('#prepare-form button[type=submit]');
    await until(async () => (await page.locator('.checklist-phase').count()) >= 3, 'the checklist shows fewer than 3 phases');
    const prepared = new URL(page.url());
    check(prepared.pathname === '/preparer' && prepared.searchParams.get('description') === description, `the address does not hold the description: ${page.url()}`);
    check(prepared.searchParams.getAll('theme').includes('MOBILITY'), `the address does not hold the theme: ${page.url()}`);
    const phaseCount = await page.locator('.checklist-phase').count();
    const checklistLessons = await page.locator('.checklist-phase .advice-item a[href^="/lecons/"]').count();
    check(checklistLessons >= 1, 'the checklist links no lesson');
    await page.locator('.checklist-phase .advice-item input[type=checkbox]').first().check();
    log(`${phaseCount} phases (${(await page.locator('.checklist-phase h2').allTextContents()).join(', ')}), ${checklistLessons} lessons`);
    await page.screenshot({ path: join(shots, 'prepare.png'), fullPage: true });
    await page.reload();
    await ready(page);
    await until(async () => (await page.locator('.checklist-phase').count()) === phaseCount, 'a reload does not show the checklist again');
    check((await page.locator('.checklist-phase .advice-item a[href^="/lecons/"]').count()) === checklistLessons, 'a reload does not show the same lessons');
    check((await page.inputValue('#p-description')) === description, 'the description is not in the form after a reload');
    check(await page.isChecked('#p-theme-MOBILITY'), 'the theme is not ticked after a reload');

    begin('prepare a project: an empty description, refused by the API, says so next to the form');
    await page.fill('#p-description', '');
    await page.click('#prepare-form button[type=submit]');
    await page.waitForSelector('#prepare-errors .notice-error');
    log(`empty description: ${(await page.locator('#prepare-errors .notice-error').textContent()).trim()}`);
    check(!(await page.locator('.checklist-phase').count()), 'a checklist is shown for an empty description');

    begin('guide: Mobilité, phase by phase, with the indicators of its sheets');
    await page.click('nav >> text=Guides');
    await page.waitForSelector('#guide-form');
    check(/Choisissez un thème, un type d’activité ou un programme/.test(await page.locator('main').textContent()), 'the guide page does not say what to choose');
    await page.goto(`${base}/guide?theme=MOBILITY`);
    await ready(page);
    await page.waitForSelector('.guide-phase');
    const guideTitle = (await page.locator('h1').textContent()).trim();
    check(/Mobilité/.test(guideTitle), `the guide's title does not name its theme: ${guideTitle}`);
    check((await page.inputValue('#guide-theme')) === 'MOBILITY', 'the theme is not chosen in the form');
    const guideLessons = await page.locator('.guide-entry a[href^="/lecons/"]').count();
    check(guideLessons >= 1, 'the guide links no lesson');
    const indicatorRows = await page.locator('.guide-indicators tbody tr').count();
    check(indicatorRows > 0, 'the guide shows no indicator');
    log(`« ${guideTitle} »: ${(await page.locator('.guide-counts').textContent()).trim()}, ${guideLessons} lessons, ${indicatorRows} indicators`);
    await page.screenshot({ path: join(shots, 'guide.png'), fullPage: true });
    await page.selectOption('#guide-activityType', 'SOLIDARITY_GARAGE');
    await until(() => new URL(page.url()).searchParams.get('activityType') === 'SOLIDARITY_GARAGE', `the activity type is not in the address: ${page.url()}`);
    await until(async () => /Garage solidaire/.test(await page.locator('h1').textContent()), 'the guide does not follow the activity type chosen');
    check(new URL(page.url()).searchParams.get('theme') === 'MOBILITY', `the theme left the address: ${page.url()}`);

    begin('map of projects: a point per territory, in its region, each linking to its territory');
    const mapPage = await newPage();
    const mapRequests = [];
    mapPage.on('request', (request) => mapRequests.push(request.url()));
    await mapPage.goto(`${base}/carte`);
    await ready(mapPage);
    await mapPage.waitForSelector('#carte svg .map-point');
    check((await mapPage.locator('#carte .map-region').count()) === 18, 'the map does not draw the 18 regions (13 metropolitan, 5 overseas)');
    const allPoints = await mapPage.locator('#carte a.map-point').count();
    const listed = await mapPage.locator('.map-table tbody tr').count();
    check(allPoints > 1 && listed >= allPoints, `the map draws ${allPoints} points and lists ${listed} territories`);
    // Known places, overseas ones included, land in their region's outline; so does every point drawn.
    const misplaced = await mapPage.evaluate(async () => {
      const { frameOf, project } = await import('/assets/map.js');
      const inRegion = (region, x, y) => {
        const path = document.querySelector(`#carte path[data-region="${region}"]`);
        const near = [[0, 0], [3, 0], [-3, 0], [0, 3], [0, -3]];
        return Boolean(path) && near.some(([dx, dy]) => path.isPointInFill(new DOMPoint(x + dx, y + dy)));
      };
      const places = [
        ['BRETAGNE', 48.07, -2.96], ['NORMANDIE', 48.9, -0.2], ['HAUTS_DE_FRANCE', 50.29, 2.78], ['ILE_DE_FRANCE', 48.86, 2.35],
        ['GRAND_EST', 48.69, 6.18], ['PAYS_DE_LA_LOIRE', 47.47, -0.55], ['CENTRE_VAL_DE_LOIRE', 47.08, 2.4],
        ['BOURGOGNE_FRANCHE_COMTE', 47.32, 5.04], ['NOUVELLE_AQUITAINE', 45.83, 1.26], ['AUVERGNE_RHONE_ALPES', 45.78, 3.08],
        ['OCCITANIE', 44.35, 2.57], ['PROVENCE_ALPES_COTE_D_AZUR', 44.09, 6.24], ['CORSE', 42.31, 9.15], ['GUADELOUPE', 16.17, -61.68],
        ['MARTINIQUE', 14.65, -61.02], ['GUYANE', 4.0, -53.0], ['LA_REUNION', -21.13, 55.53], ['MAYOTTE', -12.82, 45.14],
      ];
      const wrong = places.filter(([region, latitude, longitude]) => {
        const frame = frameOf(latitude, longitude);
        return !frame || !inRegion(region, ...project(frame, latitude, longitude));
      }).map(([region]) => region);
      for (const point of document.querySelectorAll('#carte a.map-point')) {
        const dot = point.querySelector('circle');
        if (!inRegion(point.dataset.region, Number(dot.getAttribute('cx')), Number(dot.getAttribute('cy')))) wrong.push(point.getAttribute('aria-label'));
      }
      return wrong;
    });
    check(misplaced.length === 0, `points outside their region: ${misplaced.join(', ')}`);
    const pointLabel = await mapPage.locator('#carte a.map-point').last().getAttribute('aria-label');
    check(/ : \d+ fiches?-projet$/.test(pointLabel), `a point is not named with its number of sheets: ${pointLabel}`);
    await mapPage.screenshot({ path: join(shots, 'map.png'), fullPage: true });
    // A point is a link to its territory, followed within the page (no reload).
    await mapPage.evaluate(() => { window.e2eSamePage = true; });
    await mapPage.locator('#carte a.map-point').last().click();
    const territoryName = pointLabel.replace(/ : \d+ fiches?-projet$/, '');
    await mapPage.waitForSelector(`h1:has-text(${JSON.stringify(territoryName)})`);
    check(new URL(mapPage.url()).pathname.startsWith('/territoires/'), `the point did not lead to a territory page: ${mapPage.url()}`);
    check(await mapPage.evaluate(() => window.e2eSamePage === true), 'following a point reloaded the page');
    check((await mapPage.locator('#fiches li a[href^="/fiches/"]').count()) >= 1, `the territory « ${territoryName} » lists no sheet`);
    await mapPage.locator('.territory-map svg .map-point').waitFor();
    const territoryPath = new URL(mapPage.url()).pathname;
    log(`${allPoints} points, ${listed} territories listed; « ${pointLabel} » → ${territoryPath}`);

    begin('map of projects: the filters of the address (the search\'s), and the links between map and list');
    await mapPage.goto(`${base}/carte`);
    await ready(mapPage);
    const narrowing = await until(async () => {
      for (const input of await mapPage.locator('#facet-programme input').all()) {
        const text = await input.evaluate((box) => box.parentElement.textContent);
        const count = Number(text.match(/\((\d+)\)\s*$/)?.[1]);
        if (count > 0 && count < listed) return { value: await input.getAttribute('data-value'), text: text.trim() };
      }
      return null;
    }, 'no programme narrows the map');
    const programmeMap = `/carte?programme=${encodeURIComponent(narrowing.value)}`;
    await mapPage.goto(`${base}${programmeMap}`);
    await ready(mapPage);
    await mapPage.waitForSelector('#carte svg .map-point');
    const programmePoints = await mapPage.locator('#carte a.map-point').count();
    check(programmePoints < allPoints, `the programme « ${narrowing.text} » does not reduce the points (${programmePoints} of ${allPoints})`);
    check(await mapPage.isChecked(`#facet-programme input[data-value="${narrowing.value}"]`), 'the programme of the address is not ticked');
    const listHref = new URL(await mapPage.getAttribute('#list-link', 'href'), base);
    check(listHref.pathname === '/' && listHref.searchParams.get('programme') === narrowing.value, `« Voir la liste » does not carry the filter: ${listHref}`);
    await mapPage.click('#list-link');
    await until(async () => countOf(await countText(mapPage)) > 0 && (await mapPage.isChecked(`#facet-programme input[data-value="${narrowing.value}"]`)), 'the list does not show the map\'s search');
    // Back to the map from the search, its filters with it; then a facet ticked on the map narrows it.
    await mapPage.click('#map-link');
    await until(() => new URL(mapPage.url()).pathname === '/carte' && new URL(mapPage.url()).searchParams.get('programme') === narrowing.value,
      `« Voir sur la carte » does not carry the search: ${mapPage.url()}`);
    await until(async () => (await mapPage.locator('#carte a.map-point').count()) === programmePoints, 'the map from the search does not show the same points');
    await mapPage.locator(`#facet-programme input[data-value="${narrowing.value}"]`).uncheck();
    await until(() => !new URL(mapPage.url()).searchParams.has('programme'), `unticking the programme did not leave the address: ${mapPage.url()}`);
    await until(async () => (await mapPage.locator('#carte a.map-point').count()) === allPoints, 'without the programme, the map does not show every point again');
    const foreign = mapRequests.filter((url) => !url.startsWith(`${serverOrigin}/`) && !url.startsWith('data:'));
    check(foreign.length === 0, `the map asked for something elsewhere: ${foreign.join(', ')}`);
    log(`« ${narrowing.text} »: ${programmePoints} of ${allPoints} points; ${mapRequests.length} requests, all to ${serverOrigin}`);

    begin('an organisation, from a sheet: its sheets and the lessons observed in them');
    const withStructure = (await graphql(`{ search(filter: {kinds: [SHEET]}, first: 100) { hits { node { ... on ProjectSheet {
      slug title supportingStructure { slug name } lessons(role: OBSERVED_IN, first: 5) { lesson { title } } } } } } }`, {}, null))
      .search.hits.map((hit) => hit.node).find((sheet) => sheet.supportingStructure && sheet.lessons.length);
    check(withStructure, 'the demo has no published sheet with a supporting structure and a lesson');
    await mapPage.goto(`${base}/fiches/${encodeURIComponent(withStructure.slug)}`);
    await ready(mapPage);
    await mapPage.locator('.facts a[href^="/territoires/"]').first().waitFor();
    await mapPage.locator('.facts a', { hasText: withStructure.supportingStructure.name }).first().click();
    await mapPage.waitForSelector(`h1:has-text(${JSON.stringify(withStructure.supportingStructure.name)})`);
    const organisationPath = new URL(mapPage.url()).pathname;
    check(organisationPath === `/organisations/${withStructure.supportingStructure.slug}`, `the structure does not lead to its page: ${mapPage.url()}`);
    await mapPage.locator('#fiches li', { hasText: withStructure.title }).waitFor();
    const organisationLessons = await mapPage.locator('#lecons li a[href^="/lecons/"]').allTextContents();
    for (const link of withStructure.lessons) {
      check(organisationLessons.some((text) => text.trim() === link.lesson.title), `the organisation does not list the lesson « ${link.lesson.title} »: ${organisationLessons.join(' | ')}`);
    }
    await mapPage.screenshot({ path: join(shots, 'organisation.png'), fullPage: true });
    log(`« ${withStructure.supportingStructure.name} »: ${await mapPage.locator('#fiches li').count()} sheets, ${organisationLessons.length} lessons`);

    begin('accounts: an administrator invited by a program (the admin token, once), who accepts in the page');
    const invited = (await graphql(`mutation($input: InvitationInput!) { invitePerson(input: $input) { url purpose role expiresAt } }`,
      { input: { email: people.admin.email, name: people.admin.name, role: 'ADMIN' } }, admin)).invitePerson;
    check(invited.purpose === 'INVITATION' && invited.role === 'ADMIN', `invitePerson answered ${JSON.stringify(invited)}`);
    const adminLink = new URL(invited.url, base).href;
    check(new URL(adminLink).pathname === '/invitation' && /^#retex_/.test(new URL(adminLink).hash), `the invitation is not /invitation#retex_…: ${invited.url}`);
    // One person per browser context (its own cookies): the administrator's, who later becomes the
    // contributor's (after signing out); it may read what « Copier le lien » copies.
    const first = await newPage({ permissions: ['clipboard-read', 'clipboard-write'] });
    // The link's secret is in the address's fragment: only `/auth/link` and `/auth/accept` receive it,
    // in their body, and the page sends no password it refuses itself.
    const adminSecret = new URL(adminLink).hash.slice(1);
    const linkRequests = [];
    first.on('request', (request) => linkRequests.push({ url: request.url(), body: request.postData() || '' }));
    await first.goto(adminLink);
    await ready(first);
    await first.waitForSelector('#invitation-form');
    const purpose = (await first.locator('#lien-objet').textContent()).trim();
    check(purpose === `Invitation pour ${people.admin.email}, rôle Administrateur.`, `the invitation says « ${purpose} »`);
    check((await first.inputValue('#i-name')) === people.admin.name, 'the name of the invitation is not proposed');
    check((await first.getAttribute('#i-password', 'autocomplete')) === 'new-password', 'the password field is not autocomplete="new-password"');
    check((await first.getAttribute('#i-email', 'autocomplete')) === 'username', 'the address field is not autocomplete="username"');
    // The checks of the page, before anything is sent: 10 characters at least, twice the same.
    await first.fill('#i-password', 'court');
    await first.fill('#i-confirm', 'court');
    await first.click('#invitation-form button[type=submit]');
    await until(async () => /10 au moins/.test(await first.locator('#i-password-erreur').textContent()), 'no message for a password of 5 characters');
    check(await first.evaluate(() => document.activeElement?.id === 'i-password'), 'the focus is not on the password refused');
    check((await first.getAttribute('#i-password', 'aria-invalid')) === 'true', 'the short password is not marked invalid');
    await first.fill('#i-password', people.admin.password);
    await first.fill('#i-confirm', `${people.admin.password}s`);
    await first.click('#invitation-form button[type=submit]');
    await until(async () => /pas les mêmes/.test(await first.locator('#i-confirm-erreur').textContent()), 'no message for two different passwords');
    check(await first.evaluate(() => document.activeElement?.id === 'i-confirm'), 'the focus is not on the confirmation refused');
    check(!linkRequests.some((request) => request.body.includes('"password"')), 'a password the page refuses was sent to the server');
    const secretTo = linkRequests.filter((request) => request.url.includes(adminSecret) || request.body.includes(adminSecret))
      .map((request) => new URL(request.url).pathname);
    check(JSON.stringify(secretTo) === JSON.stringify(['/auth/link']), `the link's secret went to ${secretTo.join(', ')}`);
    await first.screenshot({ path: join(shots, 'invitation.png'), fullPage: true });
    await first.fill('#i-confirm', people.admin.password);
    await first.click('#invitation-form button[type=submit]');
    await until(() => new URL(first.url()).pathname === '/contribuer', `accepting the invitation did not lead to « Contribuer »: ${first.url()}`);
    check(!first.url().includes('#') && !(await first.evaluate(() => location.hash)), `the link's secret stayed in the address: ${first.url()}`);
    await first.locator('#account', { hasText: people.admin.name }).waitFor();
    await first.locator('#account button', { hasText: 'Se déconnecter' }).waitFor();
    await first.locator('#identite', { hasText: 'Vous êtes' }).waitFor();
    // The session is in cookies: HttpOnly for the session, readable for its CSRF token; Chromium keeps
    // `Secure` cookies on http://127.0.0.1 and http://localhost, not on other plain-HTTP addresses.
    const sessionCookies = async (page) => Object.fromEntries((await page.context().cookies()).filter((c) => c.value).map((c) => [c.name, c]));
    const opened = await sessionCookies(first);
    check(opened.retex_session?.httpOnly && opened.retex_csrf && !opened.retex_csrf.httpOnly,
      `the browser did not keep the session's cookies: ${JSON.stringify(Object.keys(opened))}`);
    log(`« ${purpose} » → signed in, cookies ${Object.keys(opened).join(', ')} (Secure: ${opened.retex_session.secure})`);

    begin('accounts: the administrator invites a contributor and a reviewer with the page\'s form, and copies the link');
    await first.click('#account a:has-text("Comptes")');
    await first.waitForSelector('#invite-form');
    const roles = await first.locator('#inv-role option').allTextContents();
    check(JSON.stringify(roles) === JSON.stringify(['Lecteur', 'Contributeur', 'Relecteur', 'Administrateur']), `the roles offered are ${roles.join(', ')}`);
    await first.selectOption('#inv-role', 'CONTRIBUTOR');
    check(await first.isVisible('#inv-organisation') && !(await first.isVisible('#inv-programme')), 'a contributor\'s invitation does not ask for an organisation (only)');
    await first.fill('#inv-email', 'pas-une-adresse');
    await first.selectOption('#inv-organisation', organisation.id);
    await first.click('#invite-form button[type=submit]');
    const emailRefused = await until(async () => (await first.locator('#inv-email-erreur').textContent()).trim(), 'no message next to a wrong address');
    check(await first.evaluate(() => document.activeElement?.id === 'inv-email'), 'the focus is not on the address refused');
    check(!/\b(is|not|an|address)\b/.test(emailRefused), `the address is refused in English: ${emailRefused}`);
    await first.fill('#inv-email', people.contributor.email);
    await first.fill('#inv-name', people.contributor.name);
    await first.click('#invite-form button[type=submit]');
    const issued = first.locator('#invite-result .issued-link');
    await issued.waitFor();
    const contributorLink = await first.inputValue('#invitation-lien');
    check(contributorLink.startsWith(`${serverOrigin}/invitation#retex_`), `the link shown is not an absolute address on this server: ${contributorLink}`);
    const expiry = await first.locator('#invitation-expire').textContent();
    check(new RegExp(`jusqu’au (1er|\\d{1,2}) (${MONTHS}) \\d{4} à \\d\\d:\\d\\d`).test(expiry), `the link's expiry is not a French date: ${expiry}`);
    await first.click('#invitation-copier');
    await first.locator('#invitation-copie', { hasText: 'Lien copié' }).waitFor();
    const copied = await first.evaluate(() => navigator.clipboard.readText());
    check(copied === contributorLink, `« Copier le lien » copied ${copied}`);
    await first.screenshot({ path: join(shots, 'accounts.png'), fullPage: true });
    await first.selectOption('#inv-role', 'REVIEWER');
    check(await first.isVisible('#inv-programme') && !(await first.isVisible('#inv-organisation')), 'a reviewer\'s invitation does not ask for a programme (only)');
    await first.fill('#inv-email', people.reviewer.email);
    await first.fill('#inv-name', people.reviewer.name);
    await first.selectOption('#inv-programme', programme.id);
    await first.click('#invite-form button[type=submit]');
    await first.locator('#invite-result .issued-link', { hasText: people.reviewer.email }).waitFor();
    const reviewerLink = await first.inputValue('#invitation-lien');
    check(reviewerLink !== contributorLink && reviewerLink.startsWith(`${serverOrigin}/invitation#retex_`), `the reviewer's link: ${reviewerLink}`);
    await first.locator('#people-table tr', { hasText: people.admin.email }).locator('text=Actif').waitFor();
    log(`links for ${people.contributor.email} and ${people.reviewer.email}; ${expiry.trim()}`);

    begin('accounts: signing out; a wrong password says so in French');
    await first.click('#account button:has-text("Se déconnecter")');
    await first.locator('#account a', { hasText: 'Se connecter' }).waitFor();
    await first.locator('#banner', { hasText: 'Votre session est fermée' }).waitFor();
    check(!(await sessionCookies(first)).retex_session, 'signing out left the session cookie');
    await first.waitForSelector('main .notice a[href^="/connexion"]');
    check(!(await first.locator('#people-table').count()), 'the accounts are still shown once signed out');
    await first.click('#account a:has-text("Se connecter")');
    await first.waitForSelector('#connexion-form');
    check(new URL(first.url()).searchParams.get('retour') === '/comptes', `« Se connecter » does not come back here: ${first.url()}`);
    check((await first.getAttribute('#c-email', 'autocomplete')) === 'username' && (await first.getAttribute('#c-password', 'autocomplete')) === 'current-password',
      'the sign-in fields are not autocomplete="username" / "current-password"');
    await first.click('#connexion-form button[type=submit]');
    await until(async () => (await first.locator('#c-email-erreur').textContent()).trim(), 'no message for an empty address');
    check(await first.evaluate(() => document.activeElement?.id === 'c-email'), 'the focus is not on the empty address');
    await first.fill('#c-email', people.admin.email);
    await first.fill('#c-password', 'ce n’est pas le bon');
    await first.click('#connexion-form button[type=submit]');
    const wrong = (await first.locator('#connexion-erreur .notice-error').textContent()).trim();
    check(/mot de passe/.test(wrong) && !/\b(the|or|is|wrong|password)\b/.test(wrong), `a wrong password is not said in French: ${wrong}`);
    check((await first.getAttribute('#c-password', 'aria-invalid')) === 'true', 'the refused password is not marked invalid');
    check((await first.getAttribute('#c-password', 'aria-describedby')).split(' ').includes('connexion-erreur'), 'the password field is not described by the refusal');
    await first.screenshot({ path: join(shots, 'sign-in.png'), fullPage: true });
    log(`wrong password: ${wrong}`);

    begin('accounts: the contributor opens the copied link in the same browser, and lands signed in');
    await first.goto(copied);
    await ready(first);
    await first.waitForSelector('#invitation-form');
    check((await first.locator('#lien-objet').textContent()).trim() === `Invitation pour ${people.contributor.email}, rôle Contributeur.`,
      `the contributor's invitation says « ${await first.locator('#lien-objet').textContent()} »`);
    check((await first.inputValue('#i-name')) === people.contributor.name, 'the contributor\'s name is not proposed');
    await first.fill('#i-password', people.contributor.password);
    await first.fill('#i-confirm', people.contributor.password);
    await first.click('#invitation-form button[type=submit]');
    await until(() => new URL(first.url()).pathname === '/contribuer' && !first.url().includes('#'), `the contributor did not land on « Contribuer »: ${first.url()}`);
    await first.locator('#identite', { hasText: `Vous êtes ${people.contributor.name}, contributeur pour ${organisation.name}` }).waitFor();
    await first.locator('#account', { hasText: people.contributor.name }).waitFor();
    check(!(await first.locator('#account a', { hasText: 'Comptes' }).count()), 'a contributor is offered the accounts page');
    const author = first;

    begin('accounts: a link used already says so in French; the administrator signs in again, back where they were');
    const adminPage = await newPage();
    await adminPage.goto(adminLink);
    await ready(adminPage);
    const used = (await adminPage.locator('#lien-erreur').textContent()).trim();
    check(/lien/i.test(used) && !/\b(this|link|was|already|used)\b/i.test(used), `a used link is not said in French: ${used}`);
    check(!(await adminPage.locator('#invitation-form').count()), 'a used link still offers its form');
    log(`used link: ${used}`);
    await adminPage.goto(`${base}/comptes`);
    await ready(adminPage);
    await adminPage.click('#account a:has-text("Se connecter")');
    await adminPage.waitForSelector('#connexion-form');
    await adminPage.fill('#c-email', people.admin.email);
    await adminPage.fill('#c-password', people.admin.password);
    await adminPage.click('#connexion-form button[type=submit]');
    await until(() => new URL(adminPage.url()).pathname === '/comptes', `signing in did not come back to /comptes: ${adminPage.url()}`);
    const contributorRow = adminPage.locator('#people-table tbody tr', { hasText: people.contributor.email });
    await contributorRow.waitFor();
    const rowText = (await contributorRow.textContent()).replace(/\s+/g, ' ');
    for (const expected of [people.contributor.name, 'Contributeur', organisation.name, 'Actif']) {
      check(rowText.includes(expected), `the contributor's row does not say « ${expected} »: ${rowText}`);
    }
    check(new RegExp(`(1er|\\d{1,2}) (${MONTHS}) \\d{4}`).test(rowText), `the contributor's last sign-in is not a French date: ${rowText}`);
    await adminPage.screenshot({ path: join(shots, 'people.png'), fullPage: true });
    const adminCookies = await adminPage.context().cookies();

    begin('administrator: the spreadsheet templates and the export on « Contribuer », then a CSV with two problems checked by the page\'s form');
    await adminPage.goto(`${base}/contribuer`);
    await ready(adminPage);
    await adminPage.waitForSelector('#tableurs #import-form');
    const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const xlsxTemplate = await adminPage.getAttribute('#tableurs a:has-text("Modèle Excel (.xlsx)")', 'href');
    check(xlsxTemplate === '/modeles/retex.xlsx', `the Excel template links ${xlsxTemplate}`);
    const downloads = await adminPage.locator('#tableurs a[download]').evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')]));
    for (const href of ['/modeles/fiches.csv', '/modeles/lecons.csv', '/modeles/organisations.csv', '/modeles/territoires.csv', '/modeles/programmes.csv', '/modeles/legende.csv', '/export/dataset.xlsx']) {
      check(downloads.some(([, link]) => link === href), `« Contribuer » does not link ${href}: ${JSON.stringify(downloads)}`);
    }
    check(downloads.some(([text, href]) => text === 'Légende des valeurs' && href === '/modeles/legende.csv'), 'no « Légende des valeurs »');
    check(downloads.some(([text, href]) => text === 'Exporter en Excel' && href === '/export/dataset.xlsx'), 'no « Exporter en Excel »');
    // Downloaded from the page (its session's cookies go with them): each answers, the workbooks as XLSX.
    const fetched = await adminPage.evaluate(async (links) => Promise.all(links.map(async ([, href]) => {
      const response = await fetch(href);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { href, status: response.status, type: response.headers.get('content-type'), zip: bytes[0] === 0x50 && bytes[1] === 0x4b };
    })), downloads);
    for (const file of fetched) {
      check(file.status === 200, `${file.href} answered ${file.status}`);
      if (file.href.includes('.xlsx')) check(file.type === xlsxType && file.zip, `${file.href} is served as ${file.type}`);
      else check(/^text\/csv/.test(file.type), `${file.href} is served as ${file.type}`);
    }
    check((await adminPage.getAttribute('#import-fichiers', 'accept')).split(',').includes('.xlsx'), 'the import form does not accept .xlsx files');
    check(await adminPage.isChecked('#import-essai'), 'the import form does not check the files first (dry run)');
    const badCsv = ["identifiant;titre;type d'activité;statut;budget", 'fiche-e2e-sans-titre;;Garage solidaire;Lancé;1000',
      'fiche-e2e-budget;Fiche au budget illisible;Garage solidaire;Lancé;beaucoup', ''].join('\n');
    await adminPage.setInputFiles('#import-fichiers', { name: 'fiches.csv', mimeType: 'text/csv', buffer: Buffer.from(badCsv) });
    await adminPage.click('#import-form button[type=submit]');
    await adminPage.waitForSelector('#import-problemes');
    const importProblems = (await adminPage.locator('#import-problemes li').allTextContents()).map(spaced);
    check(importProblems.length === 2, `the import lists ${importProblems.length} problems: ${importProblems.join(' | ')}`);
    check(/fiches\.csv:2\b.*titre : ne doit pas être vide/.test(importProblems[0]), `the empty title is not listed: ${importProblems[0]}`);
    check(/fiches\.csv:3\b.*budget : « beaucoup » n’est pas un montant/.test(importProblems[1]), `the unreadable budget is not listed: ${importProblems[1]}`);
    check(importProblems.every((text) => !/\b(must|not|is|empty|amount)\b/.test(text)), `a problem is in English: ${importProblems.join(' | ')}`);
    check(/2 problèmes/.test(await adminPage.locator('#import-problemes > p').textContent()), 'the refusal does not count its problems');
    await adminPage.locator('#tableurs').screenshot({ path: join(shots, 'import-problems.png') });
    // A good file, checked only: the page says what it would do, and nothing is written.
    await adminPage.setInputFiles('#import-fichiers', { name: 'fiches.csv', mimeType: 'text/csv',
      buffer: Buffer.from("identifiant;titre;type d'activité;statut;budget\nfiche-e2e-verifiee;Fiche vérifiée;Garage solidaire;Lancé;12 500,50\n") });
    await adminPage.click('#import-form button[type=submit]');
    const checkedOnly = spaced(await adminPage.locator('#import-bilan').textContent());
    check(/Vérification réussie, rien n’a été écrit/.test(checkedOnly) && /1 fiche-projet : 1 serait créé/.test(checkedOnly), `the dry run says « ${checkedOnly} »`);
    const written = await graphql('{ sheet(slug: "fiche-e2e-verifiee") { id } }', {}, admin).then(() => true, (error) => (/NOT_FOUND/.test(error.message) ? false : error.message));
    check(written === false, `the dry run wrote the sheet (or the check failed: ${written})`);
    log(`templates and export (${fetched.length} files) answer; problems: ${importProblems.join(' | ')}`);

    begin('accessibility (axe-core) on a desktop screen and on a phone; nothing wider than a phone');
    const vocabularies = (await graphql('{ vocabularies { name values { code } } }')).vocabularies;
    const phaseOrder = vocabularies.find((list) => list.name === 'Phase').values.map((value) => value.code);
    // A published sheet (asked anonymously) with indicators (a table wider than a phone), and a date on
    // the first of a month if one has it.
    const sheetHits = (await graphql(`{ search(filter: {kinds: [SHEET]}, first: 100) {
      hits { node { ... on ProjectSheet { slug indicators { name } phases { startedOn endedOn } } } } } }`, {}, null)).search.hits.map((hit) => hit.node);
    const withIndicators = sheetHits.filter((sheet) => sheet.indicators?.length);
    const firstOfMonth = (sheet) => sheet.phases.some((p) => [p.startedOn, p.endedOn].some((date) => date?.endsWith('-01')));
    const axeSheet = withIndicators.find(firstOfMonth) || withIndicators[0];
    check(axeSheet, 'the demo has no published sheet with indicators');
    const checkedPages = [
      { name: 'search', path: '/?q=epicerie', shown: '#hit-list li' },
      { name: 'sheet', path: `/fiches/${encodeURIComponent(axeSheet.slug)}`, shown: '#conseils' },
      // A sheet with a funding plan (a table with its total row), unless it is the sheet above.
      ...(axeSheet.slug === fundedSlug ? [] : [{ name: 'funded-sheet', path: `/fiches/${fundedSlug}`, shown: '#financement .funding-table' }]),
      { name: 'lesson', path: new URL(lessonUrl).pathname, shown: '#programmes li' },
      { name: 'checklist', path: `${prepared.pathname}${prepared.search}`, shown: '.checklist-phase' },
      { name: 'guide', path: '/guide?theme=MOBILITY', shown: '.guide-indicators' },
      { name: 'map', path: programmeMap, shown: '#carte a.map-point' },
      { name: 'organisation', path: organisationPath, shown: '#lecons li' },
      { name: 'territory', path: territoryPath, shown: '.territory-map svg .map-point' },
      { name: 'recurrence', path: '/recurrence', shown: '#recurrence-chart svg .bar' },
      { name: 'sign-in', path: '/connexion', shown: '#connexion-form' },
      // The reviewer's invitation, not used yet: showing it does not use it.
      { name: 'invitation', path: `${new URL(reviewerLink).pathname}${new URL(reviewerLink).hash}`, shown: '#invitation-form' },
      // The accounts, as the administrator sees them (their session's cookies, for this page only).
      { name: 'accounts', path: '/comptes', shown: '#people-table', cookies: adminCookies },
      // The overview last: the order of its phases is read on the phone's page below.
      { name: 'overview', path: '/apercu', shown: '#chart-annees svg .bar' },
    ];
    const problems = [];
    const phone = await newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    for (const [screen, tab] of [['desktop', await newPage()], ['phone', phone]]) {
      for (const checked of checkedPages) {
        const where = `${screen} ${checked.name === 'invitation' ? '/invitation#…' : checked.path}`;
        if (checked.cookies) await tab.context().addCookies(checked.cookies);
        await tab.goto(`${base}${checked.path}`);
        await ready(tab);
        await tab.waitForSelector(checked.shown);
        // What folded sections hold is checked too, unfolded (their tables, their links).
        await tab.evaluate(() => document.querySelectorAll('main details').forEach((details) => { details.open = true; }));
        // Charts and table frames are fitted to the screen once laid out (ResizeObserver): two frames.
        await tab.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        await tab.addScriptTag({ path: axePath });
        const { violations } = await tab.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        for (const violation of violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
          const targets = violation.nodes.slice(0, 3).map((node) => node.target.join(' ')).join(' ; ');
          problems.push(`${where}: axe ${violation.id} (${violation.impact}): ${violation.help} — ${targets}${violation.nodes.length > 3 ? ` (+${violation.nodes.length - 3})` : ''}`);
        }
        const layout = await tab.evaluate(() => {
          const root = document.documentElement;
          const found = [];
          // What sticks out of the screen (outside a frame that scrolls), to name it.
          for (const el of document.body.querySelectorAll('*')) {
            if (el.getBoundingClientRect().right <= root.clientWidth + 1 || el.closest('.table-scroll')) continue;
            found.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : ''}`);
          }
          const charts = [...document.querySelectorAll('figure svg.chart')].flatMap((svg) => {
            const box = svg.getBoundingClientRect();
            const out = [];
            // One unit of the drawing is one pixel: its text is not shrunk.
            if (Math.abs(box.width - svg.viewBox.baseVal.width) > 2) out.push(`${svg.parentElement.id}: drawn ${svg.viewBox.baseVal.width} wide, shown ${Math.round(box.width)}`);
            for (const text of svg.querySelectorAll('text')) {
              const r = text.getBoundingClientRect();
              if (r.right > box.right + 1 || r.left < box.left - 1) out.push(`${svg.parentElement.id}: « ${text.textContent} » is cut`);
            }
            return out;
          });
          const tables = [...document.querySelectorAll('main table')].flatMap((table) => {
            const frame = table.closest('.table-scroll');
            if (!frame || getComputedStyle(frame).overflowX !== 'auto') return [`a table (${table.className || table.caption?.textContent}) has no frame that scrolls sideways`];
            return frame.scrollWidth > frame.clientWidth + 1 && frame.getAttribute('tabindex') !== '0' ? [`a table frame that scrolls is not focusable`] : [];
          });
          return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, found: found.slice(0, 4), charts, tables };
        });
        if (layout.scrollWidth > layout.clientWidth + 1) problems.push(`${where}: the page is ${layout.scrollWidth} px wide for ${layout.clientWidth}: ${layout.found.join(', ')}`);
        for (const problem of [...layout.charts, ...layout.tables]) problems.push(`${where}: ${problem}`);
        if (screen === 'phone') await tab.screenshot({ path: join(shots, `phone-${checked.name}.png`), fullPage: true });
        if (checked.cookies) await tab.context().clearCookies();
      }
    }
    // Phases in the order of the démarche (not by count): the search's facet, the overview's chart.
    const inOrder = (codes) => JSON.stringify(codes) === JSON.stringify(phaseOrder.filter((code) => codes.includes(code)));
    const overviewPhases = await phone.locator('section:has(#chart-phases) details a').evaluateAll((links) => links.map((a) => new URL(a.href).searchParams.get('phase')));
    check(overviewPhases.length > 1, 'the overview lists no phases');
    if (!inOrder(overviewPhases)) problems.push(`overview: the phases are not in the order of the démarche: ${overviewPhases.join(', ')}`);
    await phone.goto(`${base}/`);
    await ready(phone);
    await phone.waitForSelector('#facet-phase input', { state: 'attached' });
    const facetPhases = await phone.locator('#facet-phase input').evaluateAll((inputs) => inputs.map((input) => input.dataset.value));
    if (!inOrder(facetPhases)) problems.push(`search: the « Phase » facet is not in the order of the démarche: ${facetPhases.join(', ')}`);
    // Dates in French: « 1er septembre 2021 ».
    await phone.goto(`${base}/fiches/${encodeURIComponent(axeSheet.slug)}`);
    await ready(phone);
    const dates = (await phone.locator('.timeline .dates').allTextContents()).join(' | ');
    if (new RegExp(`(^|\\D)1 (${MONTHS})`).test(dates)) problems.push(`sheet: a date is written « 1 … » instead of « 1er … »: ${dates}`);
    if (firstOfMonth(axeSheet) && !new RegExp(`\\b1er (${MONTHS}) \\d{4}`).test(dates)) problems.push(`sheet: no « 1er » in its dates: ${dates}`);
    for (const problem of problems) console.error(`  ✗ ${problem}`);
    check(problems.length === 0, `${problems.length} accessibility or layout problems (listed above)`);
    log(`axe: no serious or critical violation on ${checkedPages.length} pages, desktop and phone; phases in order (${facetPhases.length} in the facet); dates: ${dates.slice(0, 80)}`);

    begin('Atom feeds: the news of a search; a bad parameter is refused');
    check((await page.getAttribute('head link[rel=alternate][type="application/atom+xml"]', 'href')) === '/flux.atom', 'the page does not announce its feed');
    const feed = await page.request.get(`${base}/flux.atom?theme=MOBILITY`);
    check(feed.status() === 200, `/flux.atom?theme=MOBILITY answered ${feed.status()}`);
    check(/atom\+xml/.test(feed.headers()['content-type'] || ''), `the feed is served as ${feed.headers()['content-type']}`);
    const atom = await feed.text();
    check(atom.includes('<feed') && /<entry[\s>]/.test(atom), `the feed has no entry: ${atom.slice(0, 300)}`);
    const followed = await page.request.get(`${base}${searchFeed}`);
    check(followed.status() === 200, `the search's feed ${searchFeed} answered ${followed.status()}: ${(await followed.text()).slice(0, 200)}`);
    const refused = await page.request.get(`${base}/flux.atom?theme=NOPE`);
    check(refused.status() === 400, `/flux.atom?theme=NOPE answered ${refused.status()}`);
    log(`${(atom.match(/<entry[\s>]/g) || []).length} entries for MOBILITY; theme=NOPE: ${(await refused.text()).trim().slice(0, 120)}`);

    begin('GraphiQL at /graphql: served by retex alone, with the session of the page (its CSRF token), and the schema\'s documentation');
    // The administrator, signed in on the page: GraphiQL's queries go with the session's cookies and
    // its CSRF token (the `retex_csrf` cookie, sent back as `X-CSRF-Token`).
    const graphiql = await newPage({ context: adminPage.context() });
    const graphiqlRequests = [];
    graphiql.on('request', (request) => graphiqlRequests.push(request));
    const runInGraphiql = async (tab, query) => {
      await tab.goto(`${base}/graphql`); // Chromium asks for text/html, as any browser does
      await tab.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror');
      await tab.evaluate((text) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(text), query);
      await tab.click('.graphiql-execute-button');
      const result = await until(async () => {
        const text = await tab.locator('.graphiql-response').textContent();
        return text.includes('"programmes"') && text;
      }, 'GraphiQL shows no result with « "programmes" »');
      check(!result.includes('"errors"'), `GraphiQL's query failed: ${result.slice(0, 300)}`);
      // The response as shown (CodeMirror's text, with its markers): its viewer, read from it.
      return { authenticated: /"authenticated":\s*true/.test(result), text: result.replace(/[\u200b\s]+/g, ' ') };
    };
    const graphiqlQuery = '{ viewer { authenticated name } programmes(first: 2) { nodes { name } } }';
    const signedInResult = await runInGraphiql(graphiql, graphiqlQuery);
    check((await graphiql.title()) === 'retex — GraphiQL', `GraphiQL's title is « ${await graphiql.title()} »`);
    check((await graphiql.getAttribute('html', 'lang')) === 'fr', 'GraphiQL\'s page is not in French (lang="fr")');
    check(signedInResult.authenticated && signedInResult.text.includes(`"name": "${people.admin.name}"`),
      `GraphiQL did not query with the administrator's session: ${signedInResult.text.slice(0, 200)}`);
    await graphiql.click('[aria-label="Show Documentation Explorer"]');
    const docs = graphiql.locator('.graphiql-doc-explorer');
    await docs.locator('a', { hasText: /^Query$/ }).first().click();
    await docs.locator('.graphiql-doc-explorer-title', { hasText: /^Query$/ }).waitFor();
    // The documentation shows the schema's own descriptions (introspection): the Query type's, as the API gives it.
    const queryType = (await graphql('{ __type(name: "Query") { description } }')).__type;
    const plain = (text) => (text || '').replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
    const described = plain(queryType.description).slice(0, 40);
    check(described.length > 0, 'the Query type has no description');
    await until(async () => plain(await docs.textContent()).includes(described), `the documentation does not show Query's description « ${described} »`);
    await graphiql.screenshot({ path: join(shots, 'graphiql.png') });
    const graphiqlElsewhere = graphiqlRequests.map((request) => request.url()).filter((url) => !url.startsWith(`${serverOrigin}/`));
    check(graphiqlElsewhere.length === 0, `GraphiQL loaded something from elsewhere: ${graphiqlElsewhere.join(', ')}`);
    const posts = graphiqlRequests.filter((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/graphql');
    check(posts.length >= 2, `GraphiQL sent ${posts.length} queries (introspection, then the query)`);
    const csrf = adminCookies.find((cookie) => cookie.name === 'retex_csrf').value;
    for (const post of posts) {
      const headers = post.headers();
      check(headers['x-csrf-token'] === csrf, `a query of GraphiQL went without the session's CSRF token: ${headers['x-csrf-token'] || 'none'}`);
      check(!headers.authorization, `a query of GraphiQL went with an Authorization header: ${headers.authorization}`);
      check(/application\/graphql-response\+json/.test(headers.accept || ''), `a query of GraphiQL accepts ${headers.accept}`);
    }
    await graphiql.close();
    // Without a session, GraphiQL reads what is published, and sends no CSRF token.
    const anonymousGraphiql = await newPage();
    const anonymousPosts = [];
    anonymousGraphiql.on('request', (request) => request.method() === 'POST' && anonymousPosts.push(request));
    const anonymousResult = await runInGraphiql(anonymousGraphiql, graphiqlQuery);
    check(!anonymousResult.authenticated && /"authenticated": false/.test(anonymousResult.text), `anonymous GraphiQL is signed in: ${anonymousResult.text.slice(0, 200)}`);
    check(anonymousPosts.length >= 1 && anonymousPosts.every((post) => !post.headers()['x-csrf-token']), 'anonymous GraphiQL sent a CSRF token');
    log(`${graphiqlRequests.length} requests, all to ${serverOrigin}: ${[...new Set(graphiqlRequests.map((request) => new URL(request.url()).pathname))].join(', ')}; anonymously too`);

    begin('contributor: the API\'s validation messages, then a draft, submitted');
    const word = `quokka${Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6)}`;
    const title = `Recyclerie ${word} du bocage`;
    // The contributor, signed in by their invitation (above).
    await author.goto(`${base}/contribuer`);
    await ready(author);
    await author.locator('#identite', { hasText: `Vous êtes ${people.contributor.name}` }).waitFor();
    await author.waitForSelector('#sheet-form');
    await author.click('#sheet-form button[type=submit]');
    const titleError = await until(async () => (await author.locator('#f-title-erreur').textContent()).trim(), 'no validation message next to the empty title');
    check((await author.getAttribute('#f-title', 'aria-invalid')) === 'true', 'the empty title is not marked invalid');
    log(`title: ${titleError}`);
    await author.screenshot({ path: join(shots, 'contribute.png'), fullPage: true });
    await author.fill('#f-title', title);
    await author.fill('#f-summary', `Une recyclerie ${word} en milieu rural, pour le test de bout en bout.`);
    await author.selectOption('#f-activityType', 'REPAIR_AND_REUSE');
    await author.check(`#f-programmes-${await programmeIndex(author, programme.name)}`);
    const outcome = `Le local de la recyclerie ${word} a été trouvé avec la commune.`;
    await author.click('text=Ajouter une phase');
    await author.selectOption('#sheet-form [data-field="phases"] select', 'HOLDER_SEARCH');
    await author.fill('#sheet-form [data-field="phases"] input[type=date] >> nth=0', '2025-03-01');
    await author.fill('#sheet-form [data-field="phases"] textarea', outcome);
    await author.click('text=Ajouter un indicateur');
    await author.click('#sheet-form button[type=submit]');
    const rowError = await until(async () => (await author.locator('#f-indicators-erreur').textContent()).trim(), 'no message next to an indicator without a name');
    log(`indicator without a name: ${rowError}`);
    await author.fill('#sheet-form [data-field="indicators"] [data-key="name"]', 'Tonnes réemployées');
    await author.fill('#sheet-form [data-field="indicators"] [data-key="target"]', '12.5');
    await author.locator('#sheet-form [data-field="phases"]').screenshot({ path: join(shots, 'phases.png') });
    const quote = `Sans la recyclerie ${word}, ces meubles partaient à la benne.`;
    await author.click('text=Ajouter un témoignage');
    await author.fill('#sheet-form [data-field="testimonies"] [data-key="quote"]', quote);
    await author.fill('#sheet-form [data-field="testimonies"] [data-key="speaker"]', 'Une bénévole');
    await author.click('text=Ajouter un document');
    await author.fill('#sheet-form [data-field="documents"] [data-key="title"]', 'Étude d’opportunité');
    await author.fill('#sheet-form [data-field="documents"] [data-key="url"]', 'https://example.org/etude.pdf');
    await author.click('#sheet-form button[type=submit]');
    await author.waitForSelector('.notice-ok');
    check((await author.locator('#f-title-erreur').textContent()).trim() === '', 'the title error stayed after a valid submission');
    const item = author.locator('.work-item', { hasText: title });
    await item.locator('text=Brouillon').waitFor();
    const slug = decodeURIComponent((await item.locator('a').first().getAttribute('href')).split('/').pop());
    await item.locator('button', { hasText: 'Soumettre à la relecture' }).click();
    await author.locator('.work-item', { hasText: title }).locator('text=Soumis').waitFor();

    begin('contributor: a draft lesson, linked to the sheet');
    await author.check('#kind-LESSON');
    await author.waitForSelector('#lesson-form');
    const lessonDraft = `Une recyclerie ${word} a besoin d’un local dès l’étude.`;
    await author.selectOption('#f-polarity', 'SUCCESS_FACTOR');
    await author.fill('#f-title', lessonDraft);
    await author.fill('#f-context', `La recyclerie ${word} a cherché un local pendant un an.`);
    await author.selectOption('#f-evidenceLinks', { label: title });
    await author.check('#lesson-form [data-field="categories"] input >> nth=0');
    await author.click('#lesson-form button[type=submit]');
    await author.waitForSelector('#lesson-form .notice-ok');
    const lessonItem = author.locator('.work-item', { hasText: lessonDraft });
    await lessonItem.locator('text=Brouillon').waitFor();
    await lessonItem.locator('button', { hasText: 'Soumettre à la relecture' }).click();
    await author.locator('.work-item', { hasText: lessonDraft }).locator('text=Soumis').waitFor();

    begin('contributor: saves the search « garage » (theme Mobilité), sees its news, reopens it, deletes it');
    await author.goto(`${base}/`);
    await ready(author);
    await author.waitForSelector('#saved-searches');
    await author.fill('#q', 'garage');
    await author.keyboard.press('Enter');
    await until(async () => / pour « garage »/.test(await countText(author)), 'no result count for « garage »');
    await author.locator('#facet-theme-MOBILITY').check();
    await until(() => new URL(author.url()).searchParams.get('theme') === 'MOBILITY', `the Mobilité facet did not filter: ${author.url()}`);
    await author.click('#save-search');
    await author.waitForSelector('#save-search-name');
    check((await author.inputValue('#save-search-name')) === 'garage', `the name is not prefilled with the words: ${await author.inputValue('#save-search-name')}`);
    await author.fill('#save-search-name', 'Garages suivis');
    await author.click('#save-search-form button[type=submit]');
    await author.locator('#save-search-status', { hasText: 'Recherche enregistrée.' }).waitFor();
    const savedItem = author.locator('#saved-searches .saved-search', { hasText: 'Garages suivis' });
    await savedItem.waitFor();
    const savedId = await savedItem.getAttribute('data-id');
    // The saved searches of the contributor, asked with their session (as the page asks: `gql`).
    const savedNow = async () => author.evaluate(async () => {
      const { gql } = await import('/assets/api.js');
      return (await gql('{ savedSearches { id name feed newSinceLastVisit } }')).savedSearches;
    });
    const kept = (await savedNow()).find((saved) => saved.id === savedId);
    check(kept && kept.name === 'Garages suivis', `savedSearches does not hold « Garages suivis »: ${JSON.stringify(await savedNow())}`);
    const keptFeed = new URL(kept.feed, base).searchParams;
    check(keptFeed.get('q') === 'garage' && keptFeed.get('theme') === 'MOBILITY', `the saved search's feed is not the search: ${kept.feed}`);
    check(kept.newSinceLastVisit >= 1, `a saved search never visited counts no news: ${kept.newSinceLastVisit}`);
    check(/nouveauté/.test(await savedItem.locator('.saved-search-new').textContent()), 'the saved search shows no « nouveautés » badge');
    check((await savedItem.locator('a', { hasText: 'Atom' }).getAttribute('href')) === kept.feed, 'the saved search does not link its feed');
    log(`« ${kept.name} »: ${kept.feed}, ${kept.newSinceLastVisit} new`);
    await author.screenshot({ path: join(shots, 'saved-searches.png'), fullPage: true });
    await author.goto(`${base}/?q=epicerie`);
    await ready(author);
    await author.locator('#saved-searches .saved-search', { hasText: 'Garages suivis' }).locator('a.saved-search-name').click();
    await until(() => {
      const reopened = new URL(author.url());
      return reopened.pathname === '/' && reopened.searchParams.get('q') === 'garage' && reopened.searchParams.get('theme') === 'MOBILITY';
    }, `the saved search did not reopen the search: ${author.url()}`);
    await until(async () => / pour « garage »/.test(await countText(author)), 'the reopened search shows no results for « garage »');
    await until(async () => (await savedNow()).find((saved) => saved.id === savedId)?.newSinceLastVisit === 0, 'opening the saved search did not record its visit');
    await until(async () => (await author.locator(`#saved-searches .saved-search[data-id="${savedId}"] .saved-search-new`).count()) === 0, 'the « nouveautés » badge stayed after the visit');
    await author.locator(`#saved-searches .saved-search[data-id="${savedId}"] button`, { hasText: 'Supprimer' }).click();
    await author.locator(`#saved-searches .saved-search[data-id="${savedId}"]`).waitFor({ state: 'detached' });
    check(!(await savedNow()).some((saved) => saved.id === savedId), 'the deleted saved search is still in savedSearches');

    begin('anonymous visitors never see the draft');
    await page.goto(`${base}/?q=${word}`);
    await ready(page);
    await until(async () => /Aucun résultat/.test(await countText(page)), 'an anonymous search shows the unpublished draft');
    await page.goto(`${base}/fiches/${encodeURIComponent(slug)}`);
    await ready(page);
    check(/introuvable/.test(await page.locator('h1').textContent()), 'an anonymous visitor can read the unpublished draft');
    await author.goto(`${base}/fiches/${encodeURIComponent(slug)}`);
    await author.waitForSelector(`h1:has-text(${JSON.stringify(title)})`);
    await author.locator('.timeline li', { hasText: outcome }).waitFor();
    check((await author.locator('table', { hasText: 'Tonnes réemployées' }).locator('td', { hasText: '12,5' }).count()) === 1,
      'the indicator written in the form is not on the sheet');
    await author.locator('figure.testimony', { hasText: quote }).waitFor();
    check((await author.locator('a[href="https://example.org/etude.pdf"]', { hasText: 'Étude d’opportunité' }).count()) === 1,
      'the document written in the form is not on the sheet');

    begin('reviewer: accepts their invitation, then publishes the draft');
    const review = await newPage();
    await review.goto(reviewerLink);
    await ready(review);
    await review.waitForSelector('#invitation-form');
    check((await review.locator('#lien-objet').textContent()).trim() === `Invitation pour ${people.reviewer.email}, rôle Relecteur.`,
      `the reviewer's invitation says « ${await review.locator('#lien-objet').textContent()} »`);
    await review.fill('#i-password', people.reviewer.password);
    await review.fill('#i-confirm', people.reviewer.password);
    await review.click('#invitation-form button[type=submit]');
    await until(() => new URL(review.url()).pathname === '/contribuer', `the reviewer did not land on « Contribuer »: ${review.url()}`);
    await review.locator('#identite', { hasText: `Vous êtes ${people.reviewer.name}, relecteur du programme ${programme.name}` }).waitFor();
    // A reviewer invites reviewers of their programme only, and sees no list of accounts.
    await review.click('#account a:has-text("Comptes")');
    await review.waitForSelector('#invite-form');
    const reviewerRoles = await review.locator('#inv-role option').allTextContents();
    const reviewerProgrammes = await review.locator('#inv-programme option').allTextContents();
    check(JSON.stringify(reviewerRoles) === '["Relecteur"]' && JSON.stringify(reviewerProgrammes) === JSON.stringify([programme.name]),
      `a reviewer may invite ${reviewerRoles.join(', ')} for ${reviewerProgrammes.join(', ')}`);
    check(!(await review.locator('#people-table').count()), 'a reviewer sees the list of accounts');
    await review.goto(`${base}/contribuer`);
    await ready(review);
    const pending = review.locator('.work-item', { hasText: title });
    await pending.locator('button', { hasText: 'Publier' }).click();
    await review.locator('.work-item', { hasText: title }).waitFor({ state: 'detached' });

    begin('reviewer: sends the lesson back with a reason, which its author reads');
    const submitted = review.locator('.work-item', { hasText: lessonDraft });
    await submitted.locator('button', { hasText: 'Renvoyer à l’auteur' }).click();
    await submitted.locator('button', { hasText: 'Renvoyer en brouillon' }).click();
    await until(async () => /motif/.test(await submitted.locator('.field-error').textContent()), 'no message for a send-back without a reason');
    check(await submitted.locator('text=Soumis').count() === 1, 'a send-back without a reason went through');
    const why = `Précisez la surface du local recherché (${word}).`;
    await submitted.locator('textarea').fill(why);
    await review.screenshot({ path: join(shots, 'review.png'), fullPage: true });
    await submitted.locator('button', { hasText: 'Renvoyer en brouillon' }).click();
    await review.locator('.work-item', { hasText: lessonDraft }).locator('text=Brouillon').waitFor();
    await author.goto(`${base}/contribuer`);
    await ready(author);
    await author.locator('.work-item', { hasText: lessonDraft }).locator('.sent-back', { hasText: why }).waitFor();

    begin('search finds the published sheet');
    await until(async () => {
      await page.goto(`${base}/?q=${word}`);
      await ready(page);
      await page.waitForSelector('#count:not(:empty)');
      return page.locator('#hit-list .hit-title', { hasText: title }).count();
    }, `the search does not find « ${title} » once published`, 15_000);
    await page.locator('#hit-list .hit-title a').first().click();
    await page.waitForSelector(`h1:has-text(${JSON.stringify(title)})`);
    check(!(await page.locator('.badge-draft, .badge-submitted').count()), 'the published sheet still shows a draft badge');
    await page.locator('#conseils h2', { hasText: 'Ce que le réseau a appris pour la prochaine étape' }).waitFor();
    const adviceError = page.locator('#conseils .notice-error');
    if (await adviceError.count()) throw new Error(`the advice for the next step failed: ${await adviceError.textContent()}`);
    const advised = await page.locator('#conseils .advice-item').count();
    check(advised > 0 || (await page.locator('#conseils .advice-empty').count()) === 1, 'the advice section shows neither lessons nor that there are none');
    log(`advice for the next step (${await page.getAttribute('#conseils', 'data-phase')}): ${advised} lessons`);

    begin('reviewer: archives the sheet; anonymous visitors no longer find it');
    await review.goto(`${base}/fiches/${encodeURIComponent(slug)}`);
    await review.waitForSelector(`h1:has-text(${JSON.stringify(title)})`);
    await review.fill('#archivage-motif', `Doublon d’une autre fiche (${word}).`);
    await review.click('text=Archiver la fiche');
    await review.locator('.badge-archived').waitFor();
    check(!(await review.locator('#archivage-motif').count()), 'an archived sheet still offers to archive it');
    await page.goto(`${base}/?q=${word}`);
    await ready(page);
    await until(async () => /Aucun résultat/.test(await countText(page)), 'an anonymous search still finds the archived sheet');

    begin('administrator: a password reset link for the contributor, then their account disabled; their session ends');
    await adminPage.goto(`${base}/comptes`);
    await ready(adminPage);
    const row = adminPage.locator('#people-table tbody tr', { hasText: people.contributor.email });
    await row.locator('button', { hasText: 'Lien de réinitialisation' }).click();
    await adminPage.locator('#people-result .issued-link[data-purpose="PASSWORD_RESET"]').waitFor();
    const resetLink = await adminPage.inputValue('#reinitialisation-lien');
    check(resetLink.startsWith(`${serverOrigin}/invitation#retex_`), `the reset link is not an absolute address on this server: ${resetLink}`);
    const resetPage = await newPage();
    await resetPage.goto(resetLink);
    await ready(resetPage);
    await resetPage.waitForSelector('#invitation-form');
    check((await resetPage.locator('#lien-objet').textContent()).trim() === `Nouveau mot de passe pour ${people.contributor.email}.`,
      `the reset link says « ${await resetPage.locator('#lien-objet').textContent()} »`);
    check(!(await resetPage.locator('#i-name').count()), 'a reset link asks for a name');
    await row.locator('button', { hasText: 'Désactiver' }).click();
    const confirm = row.locator('.confirm');
    check((await confirm.textContent()).includes(`Désactiver le compte de ${people.contributor.name} ?`), 'disabling asks for no confirmation');
    check(await adminPage.evaluate(() => document.activeElement?.textContent === 'Annuler'), 'the focus is not on « Annuler »');
    await confirm.locator('button', { hasText: 'Annuler' }).click();
    check(!(await row.locator('.confirm').count()) && (await row.locator('text=Actif').count()) === 1, '« Annuler » did not keep the account');
    await row.locator('button', { hasText: 'Désactiver' }).click();
    await row.locator('.confirm button', { hasText: 'Oui, désactiver' }).click();
    await adminPage.locator('#people-table tbody tr', { hasText: people.contributor.email }).locator('.badge', { hasText: 'Désactivé' }).waitFor();
    await author.goto(`${base}/contribuer`);
    await ready(author);
    const ended = author.locator('#banner .session-ended');
    await ended.waitFor();
    check(/Votre session a pris fin : reconnectez-vous/.test(await ended.textContent()), `the banner says « ${await ended.textContent()} »`);
    check((await ended.locator('a').getAttribute('href')) === '/connexion?retour=%2Fcontribuer', `the banner's link: ${await ended.locator('a').getAttribute('href')}`);
    await author.locator('#account a', { hasText: 'Se connecter' }).waitFor();
    check(!(await author.locator('#sheet-form').count()), 'the form is still offered once the session has ended');
    await author.screenshot({ path: join(shots, 'session-ended.png'), fullPage: true });

    check(elsewhere.length === 0, `requests left the server's origin:\n${elsewhere.join('\n')}`);
    check(anonymousSaved.length === 0, `the anonymous page asked for saved searches: ${anonymousSaved[0]}`);
    check(errors.length === 0, `errors in the page:\n${errors.join('\n')}`);
    log(`passed; screenshots in ${shots}`);
  } catch (error) {
    // The state of each page at the failure, for whoever reads the log.
    for (const [i, page] of pages.entries()) await page.screenshot({ path: join(shots, `failure-${i + 1}.png`), fullPage: true }).catch(() => {});
    if (errors.length) console.error(`errors in the page:\n${errors.join('\n')}`);
    throw error;
  } finally {
    await browser.close();
  }
}

async function programmeIndex(page, name) {
  const labels = await page.locator('[data-field="programmes"] label').allTextContents();
  const index = labels.findIndex((text) => text.trim() === name);
  check(index >= 0, `the programme « ${name} » is not in the form: ${labels.join(', ')}`);
  return index;
}

main().catch((error) => {
  console.error(`[e2e] FAILED at « ${step} »: ${error.message}`);
  process.exit(1);
});
