// End-to-end test of the retex web page: headless Chromium, driven by playwright-core, against a
// server started on the demo data. Usage:
//   RETEX_URL=http://127.0.0.1:18080 RETEX_ADMIN_TOKEN=retex_… node e2e/run.mjs
// CHROMIUM overrides the browser (default /usr/bin/chromium). Screenshots go to target/e2e/.
// Seven pages are checked with axe-core (no serious or critical violation) on a desktop screen and on a
// phone's (390 × 844), where nothing may be wider than the screen.
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

async function graphql(query, variables = {}, token = admin) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors)}`);
  return body.data;
}

async function main() {
  check(admin, 'RETEX_ADMIN_TOKEN is missing');

  begin('setup: a contributor token and a reviewer token, through the API');
  const setup = await graphql(`{
    organisations(filter: {kinds: [SUPPORT_STRUCTURE]}, first: 1) { nodes { id name } }
    programmes(first: 1, sort: {field: TITLE, direction: ASC}) { nodes { id name } }
  }`);
  const organisation = setup.organisations.nodes[0];
  const programme = setup.programmes.nodes[0];
  check(organisation && programme, 'the demo has no support structure or no programme');
  const token = async (role, input) =>
    (await graphql('mutation($input: ApiTokenInput!) { createApiToken(input: $input) { secret } }', { input: { role, name: `${role} e2e`, ...input } }))
      .createApiToken.secret;
  const contributor = await token('CONTRIBUTOR', { organisation: organisation.id });
  const reviewer = await token('REVIEWER', { programme: programme.id });
  log(`contributor for « ${organisation.name} », reviewer of « ${programme.name} »`);

  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] });
  const errors = [];
  const pages = [];
  const newPage = async (options = {}) => {
    const context = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
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

    begin('overview: charts');
    await page.goto(`${base}/apercu`);
    await ready(page);
    check((await page.locator('figure svg').count()) >= 3, 'the overview shows fewer than 3 charts');

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
      { name: 'lesson', path: new URL(lessonUrl).pathname, shown: '#programmes li' },
      { name: 'checklist', path: `${prepared.pathname}${prepared.search}`, shown: '.checklist-phase' },
      { name: 'guide', path: '/guide?theme=MOBILITY', shown: '.guide-indicators' },
      { name: 'recurrence', path: '/recurrence', shown: '#recurrence-chart svg .bar' },
      { name: 'overview', path: '/apercu', shown: '#chart-phases svg .bar' },
    ];
    const problems = [];
    const phone = await newPage({ viewport: PHONE, isMobile: true, hasTouch: true });
    for (const [screen, tab] of [['desktop', await newPage()], ['phone', phone]]) {
      for (const checked of checkedPages) {
        const where = `${screen} ${checked.path}`;
        await tab.goto(`${base}${checked.path}`);
        await ready(tab);
        await tab.waitForSelector(checked.shown);
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

    begin('GraphiQL at /graphql: served by retex alone, with the page\'s token, and the schema\'s documentation');
    const graphiql = await newPage();
    const origin = new URL(base).origin;
    const graphiqlRequests = [];
    graphiql.on('request', (request) => graphiqlRequests.push(request));
    // A member who saved their token on « Contribuer »: GraphiQL sends it too (same localStorage key).
    await graphiql.context().addInitScript((secret) => localStorage.setItem('retex.jeton', secret), contributor);
    await graphiql.goto(`${base}/graphql`); // Chromium asks for text/html, as any browser does
    check((await graphiql.title()) === 'retex — GraphiQL', `GraphiQL's title is « ${await graphiql.title()} »`);
    check((await graphiql.getAttribute('html', 'lang')) === 'fr', 'GraphiQL\'s page is not in French (lang="fr")');
    await graphiql.waitForSelector('.graphiql-container .graphiql-query-editor .CodeMirror');
    const graphiqlQuery = '{ programmes(first: 2) { nodes { name } } }';
    await graphiql.evaluate((query) => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query), graphiqlQuery);
    await graphiql.click('.graphiql-execute-button');
    const graphiqlResult = await until(async () => {
      const text = await graphiql.locator('.graphiql-response').textContent();
      return text.includes('"programmes"') && text;
    }, 'GraphiQL shows no result with « "programmes" »');
    check(!graphiqlResult.includes('"errors"'), `GraphiQL's query failed: ${graphiqlResult.slice(0, 300)}`);
    await graphiql.click('[aria-label="Show Documentation Explorer"]');
    const docs = graphiql.locator('.graphiql-doc-explorer');
    await docs.locator('a', { hasText: /^Query$/ }).first().click();
    await docs.locator('.graphiql-doc-explorer-title', { hasText: /^Query$/ }).waitFor();
    // The documentation shows the schema's own descriptions (introspection): the Query type's, as the API gives it.
    const queryType = (await graphql('{ __type(name: "Query") { description } }', {}, contributor)).__type;
    const plain = (text) => (text || '').replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
    const described = plain(queryType.description).slice(0, 40);
    check(described.length > 0, 'the Query type has no description');
    await until(async () => plain(await docs.textContent()).includes(described), `the documentation does not show Query's description « ${described} »`);
    await graphiql.screenshot({ path: join(shots, 'graphiql.png') });
    const elsewhere = graphiqlRequests.map((request) => request.url()).filter((url) => !url.startsWith(`${origin}/`));
    check(elsewhere.length === 0, `GraphiQL loaded something from elsewhere: ${elsewhere.join(', ')}`);
    const posts = graphiqlRequests.filter((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/graphql');
    check(posts.length >= 2, `GraphiQL sent ${posts.length} queries (introspection, then the query)`);
    for (const post of posts) {
      const headers = post.headers();
      check(headers.authorization === `Bearer ${contributor}`, `a query of GraphiQL went without the page's token: ${headers.authorization || 'none'}`);
      check(/application\/graphql-response\+json/.test(headers.accept || ''), `a query of GraphiQL accepts ${headers.accept}`);
    }
    log(`${graphiqlRequests.length} requests, all to ${origin}: ${[...new Set(graphiqlRequests.map((request) => new URL(request.url()).pathname))].join(', ')}`);

    begin('contributor: the API\'s validation messages, then a draft, submitted');
    const word = `quokka${Math.random().toString(36).replace(/[^a-z]/g, '').slice(0, 6)}`;
    const title = `Recyclerie ${word} du bocage`;
    const author = await newPage();
    await author.goto(`${base}/contribuer`);
    await ready(author);
    await author.fill('#jeton', contributor);
    await author.click('text=Enregistrer le jeton');
    await author.waitForSelector('text=Vous êtes');
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
    const savedNow = async () => (await graphql('{ savedSearches { id name feed newSinceLastVisit } }', {}, contributor)).savedSearches;
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

    begin('reviewer: publishes the draft');
    const review = await newPage();
    await review.goto(`${base}/contribuer`);
    await ready(review);
    await review.fill('#jeton', reviewer);
    await review.click('text=Enregistrer le jeton');
    await review.waitForSelector('text=Vous êtes');
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
