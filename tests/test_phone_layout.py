"""Every page fits a phone: as every role and in both languages, a
390 × 844 browser walks the pages reachable from the navigation and from one record
of each kind the demo instance holds (scripts.demo_records), and fails on a page wider
than the screen, a server error, a console error, a control too small to tap, a table
whose columns are squeezed narrower than a word instead of scrolling in its box, or a
serious or critical axe finding (every page walked, not only the four
public pages of tests/test_browser.py; axe in the Vietnamese walk, see AXE_LANGUAGE).

One server, one browser, one context per role and language; one page per kind of URL
(``/needs/7`` and ``/needs/9`` are the same template), so the walk stays bounded.
Skipped when /usr/bin/chromium is missing, unless EXPERTNET_REQUIRE_BROWSER=1."""
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from scripts.live_server import CHROMIUM, chromium, log_in, seed_demo, serve_demo

if not Path(CHROMIUM).exists():
    if os.environ.get("EXPERTNET_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is required (apt-get install -y chromium)")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)", allow_module_level=True)

pytest.importorskip("playwright.sync_api")
axe_playwright_python = pytest.importorskip("axe_playwright_python")

PHONE = {"width": 390, "height": 844}
LOCALES = {"vi": "vi-VN", "en": "en-US"}
AXE_LANGUAGE = "vi"
ROLES = ("anonymous", "expert", "official", "curator", "admin", "broker", "representative")
# Links that are not pages: downloads, language switches (the context's locale chooses
# the language), one-time tokens, and the JSON the pages' scripts read.
NOT_PAGES = re.compile(r"^/(api|static|lang)/|\.(json|csv|xlsx|docx|vcf)$|/(vcard|download|status|evidence)$"
                       r"|/(files|attachments)/\d+$|^/(invitations|profile-check)/"
                       r"|^/auth/(reset|register)/.|^/saved-searches/unsubscribe/|/export\.")
# A safety bound: the walk visits one page per kind of URL (the curator's walk, the
# longest, is about 120); a walk cut by the bound fails rather than checking less.
MAX_PAGES = 200
# Controls a finger must hit (WCAG 2.5.5's 44 px); links inside running text are exempt.
TOUCH_TARGETS = ("button, select, summary, input:not([type=hidden]):not([type=checkbox])"
                 ":not([type=radio]):not([type=file]), .site-header a, a.button")
SMALL_TARGETS = """selector => [...document.querySelectorAll(selector)].filter(element => {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility !== 'hidden'
    && (box.height < 43.5 || box.width < 43.5);
}).map(element => element.outerHTML.slice(0, 120))"""
OVERFLOWS = """width => document.documentElement.scrollWidth > window.innerWidth
  || window.innerWidth > width"""
# A table that scrolls in its box must not squeeze a column to a letter a line instead.
SQUEEZED_CELLS = """() => [...document.querySelectorAll('.data-table:not(.stacked) :is(td, th)')]
  .filter(cell => { const width = cell.getBoundingClientRect().width;
                    return width > 0 && width < 60; })
  .slice(0, 3).map(cell => cell.outerHTML.slice(0, 120))"""
# Accessibility: axe on every page walked, in the page's own world (no
# CSP bypass: a script the policy blocks must still show up as a console error).
AXE_SOURCE = Path(axe_playwright_python.__file__).with_name("axe.min.js").read_text()
AXE_SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(violation => ['serious', 'critical'].includes(violation.impact))
  .map(violation => [violation.id, violation.impact,
                     violation.nodes.slice(0, 3).map(node => node.target.join(' '))])"""
WIDER_THAN_SCREEN = """() => [...document.querySelectorAll('body *')].filter(element => {
  const box = element.getBoundingClientRect();
  return box.right > 391 && box.width > 0;
}).slice(0, 3).map(element => element.outerHTML.slice(0, 160))"""


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo instance with an account per role and a record of each kind, served by
    ``run.py``: ``(base_url, {role: [email, password]})``."""
    instance = tmp_path_factory.mktemp("phone") / "instance"
    accounts = seed_demo(instance)
    with serve_demo(instance) as url:
        yield url, accounts


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


# One template under several paths: the data-quality checks, the programme's indicators.
SAME_TEMPLATE = re.compile(r"^/curate/quality/[a-z_]+")
SAME_INDICATOR = re.compile(r"^/programme/indicators/(?!values/)[a-z_]+")
# Pages of the administrator's that a curator does not reach: the curators' pages (the
# same templates, the same header) are walked as a curator already. A broker is an
# official allowed to broker: the rest of their pages are the official's, walked as one.
ONLY = {"admin": re.compile(r"^/(admin/|account$|$)"),
        "broker": re.compile(r"^/(technology(/|$)|account$|$)")}


def kind_of(url):
    """``/needs/7/edit?page=2`` → ``/needs/N/edit?``: one visit per kind of page (a page
    with a query, e.g. a filtered search, is visited once beside the page without)."""
    parts = urlsplit(url)
    path = SAME_TEMPLATE.sub("/curate/quality/check", re.sub(r"\d+", "N", parts.path))
    path = SAME_INDICATOR.sub("/programme/indicators/code", path)
    return path + ("?" if parts.query else "")


def check_layout(page, path, problems):
    if page.evaluate(OVERFLOWS, PHONE["width"]):
        problems.append((path, "overflow", page.evaluate(WIDER_THAN_SCREEN)))
    squeezed = page.evaluate(SQUEEZED_CELLS)
    if squeezed:
        problems.append((path, "squeezed columns", squeezed[:3]))
    small = page.evaluate(SMALL_TARGETS, TOUCH_TARGETS)
    if small:
        problems.append((path, "small targets", small[:3]))


def check_accessibility(page, path, problems):
    """Serious or critical axe findings of the page as it stands (menus open or not)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    found = page.evaluate(AXE_SERIOUS)
    if found:
        problems.append((path, "axe", found))


def walk(page, base, only=None, accessibility=True):
    """Visit every kind of page reachable by links from ``/`` and the account page
    (those matching ``only`` when given); ``(visited paths, problems)``. ``accessibility``
    runs axe on each page too."""
    problems, visited, errors = [], [], []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    queue, seen = ["/", "/account"], {kind_of("/"), kind_of("/account")}
    while queue and len(visited) < MAX_PAGES:
        path = queue.pop(0)
        response = page.goto(base + path)
        visited.append(path)
        if errors:
            problems.append((path, "console", errors[:]))
            errors.clear()
        if response is None or response.status >= 500:
            problems.append((path, "status", response and response.status))
            continue
        if urlsplit(page.url).path != urlsplit(base + path).path:
            continue  # redirected (e.g. a page this role may not open): seen where it leads
        # A phone browser zooms out to show a page wider than the screen, which widens
        # innerWidth itself: both must stay at the phone's width.
        check_layout(page, path, problems)
        if accessibility:
            check_accessibility(page, path, problems)
        if len(visited) == 1 and page.locator("details.menu").count():
            # The navigation's menus, all unfolded at once: still within the screen.
            page.evaluate("() => document.querySelectorAll('details.menu')"
                          ".forEach(menu => { menu.open = true; })")
            check_layout(page, path + " (menus open)", problems)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if not href.startswith(base + "/"):
                continue
            target = href[len(base):].split("#")[0]
            target_path = urlsplit(target).path
            if NOT_PAGES.search(target_path) or kind_of(target) in seen:
                continue
            if only is not None and not only.search(target_path):
                continue
            seen.add(kind_of(target))
            queue.append(target)
    if queue:
        problems.append(("walk", f"stopped at {MAX_PAGES} pages", queue[:5]))
    return visited, problems


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone(browser, demo, role, language):
    base, accounts = demo
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale=LOCALES[language])
    page = context.new_page()
    if role != "anonymous":
        log_in(page, base, *accounts[role])
    # axe reads the page's structure, names and colours, which the templates and styles
    # give alike in both languages; it is two thirds of the walk's time, so it runs in the
    # Vietnamese walk only. Layout (the longer Vietnamese words, the English ones) is
    # checked in both.
    visited, problems = walk(page, base, ONLY.get(role), accessibility=language == AXE_LANGUAGE)
    assert page.locator("html").get_attribute("lang") == language
    context.close()
    assert problems == [], "\n".join(map(repr, problems))
    # The walk reached the records of the demo, not only the navigation.
    expected = {"anonymous": {"/fields", "/experts/N", "/organisations", "/organisations/N",
                              "/technology/offers/N", "/technology/demands/N"},
                "expert": {"/account/requests", "/account/privacy", "/experts/N/edit",
                           "/account/data.html"},
                "official": {"/needs/N", "/events/N", "/delegations/N", "/agreements/N",
                             "/jobs/N", "/engagements/N", "/programme/indicators",
                             "/programme/indicators/code", "/programme/reports/N", "/councils/N",
                             "/trainings/N", "/officials-abroad/N"},
                "curator": {"/curate/imports/N", "/curate/duplicates/N/N", "/experts/N/history",
                            "/organisations/reconcile", "/organisations/N/edit", "/organisations/import"},
                "admin": {"/admin/users", "/admin/audit", "/admin/mail", "/admin/deletions"},
                "broker": {"/technology/moderation", "/technology/connections/N", "/technology/people",
                           "/technology/demands/N/proposals", "/technology/sessions/N",
                           "/technology/offers/N/edit"},
                "representative": {"/technology/mine", "/technology/demands/N/edit",
                                   "/technology/demands/new", "/technology/connections/N"}}[role]

    assert expected <= {kind_of(path).split("?")[0] for path in visited}, sorted(visited)


@pytest.mark.parametrize("language, group, item, title", [
    ("vi", "Hợp tác", "Sự kiện", "Sự kiện"),
    ("en", "Reports", "Statistics", "Statistics"),
])
def test_the_grouped_navigation_works_without_javascript_on_a_phone(browser, demo, language,
                                                                    group, item, title):
    base, accounts = demo
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  java_script_enabled=False, locale=LOCALES[language])
    page = context.new_page()
    log_in(page, base, *accounts["official"])
    menu = page.locator("details.menu", has=page.locator("summary", has_text=group))
    link = menu.get_by_role("link", name=item, exact=True)
    assert not link.is_visible()
    menu.locator("summary").tap()
    assert link.is_visible()
    box = link.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and box["height"] >= 44
    link.tap()
    page.wait_for_load_state()
    assert page.locator("h1").first.inner_text().startswith(title)
    # Nothing of a curator's is offered to an official.
    assert page.locator("summary", has_text="Quản lý dữ liệu" if language == "vi"
                        else "Data management").count() == 0
    context.close()


@pytest.mark.parametrize("language, buttons", [("vi", ("Đồng ý", "Từ chối")),
                                               ("en", ("Accept", "Decline"))])
def test_an_expert_answers_a_contact_request_on_a_phone(browser, demo, language, buttons):
    """The issue's first report: Accept and Decline sat off-screen at x≈560."""
    base, accounts = demo
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale=LOCALES[language])
    page = context.new_page()
    log_in(page, base, *accounts["expert"])
    page.goto(base + "/account/requests")
    for name in buttons:
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        assert box["height"] >= 44 and box["width"] >= 44
    # Each value is introduced by its column's name, the table's head being hidden.
    label = "Người đề nghị" if language == "vi" else "Who asks"
    assert page.locator(f'td[data-label="{label}"]').first.is_visible()
    context.close()


DESK = {"width": 1280, "height": 800}
# The header's parts (brand, tools, account, language) and the top of each.
HEADER_ROWS = """() => [...document.querySelectorAll('.header-row > *')]
  .map(element => Math.round(element.getBoundingClientRect().top))"""
# The widest header a count can make: two-digit counts on the notifications and on the group
# holding a curator's queue of requests through the Department, whether or not any wait.
WITH_COUNTS = """() => {
  const count = () => Object.assign(document.createElement('strong'),
                                    {className: 'badge', textContent: '12'});
  document.querySelector('.notifications-link:not(:has(.badge))')?.append(' ', count());
  const tasks = document.querySelector('details.menu:has(a[href="/curate/department-contacts"]) > summary');
  if (tasks && !tasks.querySelector('.badge')) tasks.append(' ', count());
}"""


@pytest.mark.parametrize("language", LOCALES)
@pytest.mark.parametrize("role", ROLES)
def test_the_header_is_one_row_at_a_desk(browser, demo, role, language):
    """At 1280 px a curator's or an administrator's header took two or three rows; every
    role's now holds one row (its groups open below it), with counts on its badges too."""
    base, accounts = demo
    context = browser.new_context(viewport=DESK, locale=LOCALES[language])
    page = context.new_page()
    if role != "anonymous":
        log_in(page, base, *accounts[role])
    page.goto(base + "/")
    page.evaluate(WITH_COUNTS)
    assert len(set(page.evaluate(HEADER_ROWS))) == 1, page.evaluate(HEADER_ROWS)
    assert page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height") < 72
    # Each group opens within the screen, the account's at the right edge included.
    for summary in page.locator("details.menu > summary").all():
        summary.click()
        menu = summary.locator("xpath=..").locator("ul")
        box = menu.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= DESK["width"]
        summary.click()
    assert not page.evaluate(OVERFLOWS, DESK["width"])
    context.close()
