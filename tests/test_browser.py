"""The interface in a real browser: Debian's Chromium driven by Playwright, against
``python run.py`` on a temporary instance with the demo data.

Skipped when /usr/bin/chromium is missing, unless EXPERTNET_REQUIRE_BROWSER=1 (CI
sets it, so there a missing browser is a failure, not a skip)."""
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from scripts.live_server import CHROMIUM, launch_chromium, serve_demo

if not Path(CHROMIUM).exists():
    if os.environ.get("EXPERTNET_REQUIRE_BROWSER") == "1":
        raise RuntimeError(f"{CHROMIUM} is required (apt-get install -y chromium)")
    pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)", allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    return tmp_path_factory.mktemp("browser") / "instance"


@pytest.fixture(scope="module")
def base_url(instance):
    with serve_demo(instance) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def csp_violations(context):
    """The Content-Security-Policy violations Chromium reports on the console of any
    page of ``context`` (an inline script, style or handler the policy blocked)."""
    found = []
    context.on("console", lambda message: found.append(message.text)
               if "Content Security Policy" in message.text else None)
    return found


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    violations = csp_violations(context)
    page = context.new_page()
    yield page
    context.close()
    assert violations == [], violations


def test_pages_run_under_the_content_security_policy(browser, base_url):
    context = browser.new_context(locale="en-US")
    violations = csp_violations(context)
    page = context.new_page()
    for path in ("/", "/search?q=logistics", "/fields", "/auth/login", "/auth/register", "/nowhere"):
        response = page.goto(base_url + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
    page.goto(base_url + "/search?q=logistics")
    page.locator(".result h2 a").first.click()
    page.wait_for_url(re.compile(r"/experts/\d+$"))
    page.wait_for_load_state("networkidle")
    # The suggestion script runs (it is the page's own file) and is not blocked.
    page.goto(base_url + "/search")
    page.locator("#q").press_sequentially("nguy", delay=40)
    page.get_by_role("listbox").wait_for(state="visible")
    context.close()
    assert violations == [], violations


def result_names(page):
    return page.locator(".result h2 a").all_inner_texts()


def test_search_facet_profile_language_and_url_round_trip(page, base_url):
    page.goto(base_url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    page.fill("#q", "cong nghe bien")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=cong"))
    assert page.locator(".result").count() > 0
    heading = page.locator("#results-title").inner_text()
    # Pick a facet: the first country offered.
    page.locator(".facet").filter(has_text="Quốc gia").locator("a").first.click()
    page.wait_for_url(re.compile(r"country="))
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["cong nghe bien"] and len(query["country"]) == 1
    filtered_heading = page.locator("#results-title").inner_text()
    assert filtered_heading != heading
    names = result_names(page)
    # The URL alone reproduces the search: open it in a fresh page.
    other = page.context.new_page()
    other.goto(page.url)
    assert result_names(other) == names
    other.close()
    # Remove the filter again with its chip.
    # The filters chosen (the chips of what the words were read as come before them).
    page.locator("#active-filters a").first.click()
    page.wait_for_url(lambda url: "country=" not in url)
    assert page.locator("#results-title").inner_text() == heading
    # Open a profile, switch language, stay on the same profile.
    page.locator(".result h2 a").first.click()
    page.wait_for_url(re.compile(r"/experts/\d+$"))
    profile_url = page.url
    assert page.locator("html").get_attribute("lang") == "vi"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url == profile_url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Fields", exact=True).count() == 1
    # The choice persists across pages.
    page.goto(base_url + "/search")
    assert page.locator("html").get_attribute("lang") == "en"


def test_suggestions_as_you_type_open_a_profile_by_keyboard(page, base_url):
    page.goto(base_url + "/search")
    page.locator("#q").press_sequentially("nguy", delay=40)
    listbox = page.get_by_role("listbox")
    listbox.wait_for(state="visible")
    assert page.locator("#q").get_attribute("aria-expanded") == "true"
    options = page.get_by_role("option")
    assert options.count() > 0
    first = options.first.inner_text()
    page.press("#q", "ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/experts/\d+$"))
    assert first.split("\n")[0] in page.locator("h1").inner_text()


def test_field_suggestions_lead_to_a_filtered_search(page, base_url):
    page.goto(base_url + "/search")
    page.locator("#q").press_sequentially("tri tue", delay=40)
    page.get_by_role("option", name=re.compile("Trí tuệ nhân tạo")).first.click()
    page.wait_for_url(re.compile(r"field=ai"))


def test_search_and_profile_work_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, locale="en-US")
    page = context.new_page()
    page.goto(base_url + "/")
    page.fill("#q", "logistics")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=logistics"))
    assert page.locator(".result").count() > 0
    page.locator(".result h2 a").first.click()
    page.wait_for_url(re.compile(r"/experts/\d+$"))
    assert page.locator("h1").count() == 1
    context.close()


@pytest.mark.parametrize("path", ["/", "/search?q=cong+nghe", "/fields"])
def test_no_horizontal_scrolling_on_a_phone(browser, base_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()


def test_the_result_count_uses_the_readers_number_format(browser, base_url):
    for locale, separator in (("vi-VN", "."), ("en-US", ",")):
        context = browser.new_context(locale=locale)
        page = context.new_page()
        page.goto(base_url + "/search?per_page=5")
        # The demo has a few hundred profiles: no thousands separator, but the locale
        # must be honoured in the heading's language.
        heading = page.locator("#results-title").inner_text()
        assert re.match(r"^\d+ (chuyên gia|experts)$", heading), heading
        assert (locale == "vi-VN") == ("chuyên gia" in heading)
        assert separator  # formatting of large numbers is covered in test_pages.py
        context.close()


PAGES = ["/", "/search?q=logistics", "/fields", "PROFILE"]


@pytest.fixture(scope="module")
def profile_path(base_url):
    import json
    import urllib.request
    with urllib.request.urlopen(base_url + "/api/v1/experts?q=logistics&per_page=1") as response:
        return f"/experts/{json.load(response)['results'][0]['id']}"


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_accessibility_no_serious_or_critical_violations(browser, base_url, profile_path,
                                                          language, path):
    import axe_playwright_python
    axe_script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    # axe is injected as a script: allow it past the page's CSP in this context only.
    context = browser.new_context(bypass_csp=True, locale="vi-VN" if language == "vi" else "en-US")
    page = context.new_page()
    page.goto(base_url + (profile_path if path == "PROFILE" else path))
    assert page.locator("html").get_attribute("lang") == language
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
               for violation in results["violations"] if violation["impact"] in ("serious", "critical")]
    assert serious == []
    context.close()


OFFICIAL_EMAIL, OFFICIAL_PASSWORD = "official@example.org", "browser test password 2026"


@pytest.fixture(scope="module")
def official_state(browser, base_url, instance):
    """The cookies of an official logged in on the demo server (the account is made with
    the command line, as an administrator would)."""
    import subprocess
    import sys

    from scripts.live_server import ROOT
    env = dict(os.environ, EXPERTNET_INSTANCE_PATH=str(instance))
    env.pop("EXPERTNET_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "flask", "--app", "expertnet", "create-user",
                    OFFICIAL_EMAIL, "--role", "official", "--password-stdin"],
                   input=OFFICIAL_PASSWORD + "\n", text=True, cwd=ROOT, env=env, check=True,
                   capture_output=True)
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    page.goto(base_url + "/auth/login")
    page.fill("input[name=email]", OFFICIAL_EMAIL)
    page.fill("input[name=password]", OFFICIAL_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("language", ["vi", "en"])
def test_statistics_charts_under_the_csp_and_accessibility(browser, base_url, official_state,
                                                           language):
    import axe_playwright_python
    locale = "vi-VN" if language == "vi" else "en-US"
    # First under the page's own CSP: every chart is drawn by the static scripts.
    context = browser.new_context(locale=locale, storage_state=official_state)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.goto(base_url + "/statistics")
    page.wait_for_load_state("load")
    assert page.locator("h1").inner_text() == ("Thống kê" if language == "vi" else "Statistics")
    boxes = page.locator(".chart-box")
    assert boxes.count() >= 7
    assert page.locator(".chart-box[hidden]").count() == 0
    assert page.locator("svg.world-map path.map-0").count() > 100
    assert errors == []
    context.close()
    axe_script = Path(axe_playwright_python.__file__).with_name("axe.min.js")
    context = browser.new_context(bypass_csp=True, locale=locale, storage_state=official_state)
    page = context.new_page()
    page.goto(base_url + "/statistics")
    assert page.locator("html").get_attribute("lang") == language
    page.add_script_tag(path=str(axe_script))
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [(violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]][:3])
               for violation in results["violations"] if violation["impact"] in ("serious", "critical")]
    assert serious == []
    context.close()
