"""Screenshots of every kind of page of every role, in both languages, at desktop and phone
sizes, with an index.

    .venv/bin/python -m scripts.screenshots [--out docs/screenshots]

Seeds a temporary instance with an account per role and one record of each kind
(scripts.demo_records), starts ``run.py`` on it, drives Debian's Chromium
(``apt-get install -y chromium``) with Playwright, and writes viewport-sized PNGs to
``<out>/<role>/<language>-<size>-<page>.png`` and the index ``<out>/README.md``.
The images are committed, so each is reduced to a 256-colour palette (Pillow) and
the whole set stays within TOTAL_LIMIT.
"""
import argparse
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

from PIL import Image

from scripts.live_server import ROOT, chromium, log_in, seed_demo, serve_demo

ROLES = ("anonymous", "expert", "official", "curator", "admin")
LANGUAGES = {"vi": "vi-VN", "en": "en-US"}
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# A search every demo answers with harbour experts, typed as a Vietnamese reader would.
SEARCH = "/search?q=" + quote("cảng biển")

# Per role, every kind of page it reaches (those tests/test_phone_layout.py walks: the
# navigation's pages and one record of each kind): (name, path opened, then the links
# followed in turn, each the first whose path matches the pattern). A record's page is
# reached through its list, as a person would, since the demo's ids are not known in
# advance. A curator's pages are not shown again for the administrator, who sees the same.
PAGES = {
    "anonymous": [
        ("home", "/"),
        ("search", SEARCH),
        ("profile", SEARCH, r"^/experts/\d+$"),
        ("fields", "/fields"),
        ("login", "/auth/login"),
        ("register", "/auth/register"),
        ("password-reset", "/auth/reset"),
    ],
    "expert": [
        ("account", "/account"),
        ("profile-edit", "/account/profile"),
        ("requests", "/account/requests"),
        ("events", "/account/events"),
        ("privacy", "/account/privacy"),
        ("data", "/account/data.html"),
        ("tokens", "/account/tokens"),
        ("password", "/account/password"),
        ("notifications", "/notifications"),
    ],
    "official": [
        ("home", "/"),
        ("profile", SEARCH, r"^/experts/\d+$"),
        ("needs", "/needs"),
        ("need", "/needs", r"^/needs/\d+$"),
        ("need-new", "/needs/new"),
        ("shortlist-print", "/needs", r"^/needs/\d+$", r"^/needs/\d+/shortlist/print$"),
        ("contact-requests", "/needs/requests"),
        ("events", "/events"),
        ("event", "/events", r"^/events/\d+$"),
        ("delegations", "/delegations"),
        ("delegation", "/delegations", r"^/delegations/\d+$"),
        ("agreements", "/agreements"),
        ("agreement", "/agreements", r"^/agreements/\d+$"),
        ("engagements", "/engagements"),
        ("engagement", "/engagements", r"^/engagements/\d+$"),
        ("engagement-report", "/engagements/report"),
        ("jobs", "/jobs"),
        ("job", "/jobs", r"^/jobs/\d+$"),
        ("statistics", "/statistics"),
        ("saved-searches", "/saved-searches"),
        ("notifications", "/notifications"),
    ],
    "curator": [
        ("profile", SEARCH, r"^/experts/\d+$"),
        ("profile-edit", SEARCH, r"^/experts/\d+$", r"^/experts/\d+/edit$"),
        ("profile-history", SEARCH, r"^/experts/\d+$", r"^/experts/\d+/history$"),
        ("imports", "/curate/imports"),
        ("import", "/curate/imports", r"^/curate/imports/\d+$"),
        ("duplicates", "/curate/duplicates"),
        ("duplicate-pair", "/curate/duplicates", r"^/curate/duplicates/\d+/\d+$"),
        ("reviews", "/curate/reviews"),
        ("registrations", "/curate/registrations"),
        ("quality", "/curate/quality"),
        ("stale", "/curate/stale"),
        ("department-contacts", "/curate/department-contacts"),
    ],
    "admin": [
        ("users", "/admin/users"),
        ("audit", "/admin/audit"),
        ("mail", "/admin/mail"),
        ("deletions", "/admin/deletions"),
    ],
}
# Pages that redirect by design: where each may land. An expert's "my profile" opens
# the edit page of their own record.
REDIRECTS = {"/account/profile": r"^/experts/\d+/edit$"}
# Each committed image stays in the repository's history for good: 256 colours bring a
# screenshot to about 25 kB, so every kind of page (4 images each) fits within TOTAL_LIMIT.
MAX_PAGES_PER_ROLE = 24
TOTAL_LIMIT = 6 * 1024 * 1024
NAME = re.compile(r"^(?P<language>[a-z]{2})-(?P<size>desktop|phone)-(?P<page>[a-z0-9-]+)\.png$")


def shot_path(out, role, language, size, page):
    return Path(out) / role / f"{language}-{size}-{page}.png"


def follow(hrefs, pattern, base=""):
    """The first of ``hrefs`` (absolute or site-relative) on this site whose path matches
    ``pattern``, as a site-relative path; None when there is none."""
    for href in hrefs:
        if base and href.startswith(base + "/"):
            href = href[len(base):]
        if not href.startswith("/") or href.startswith("//"):
            continue
        path = href.split("#")[0]
        if re.search(pattern, urlsplit(path).path):
            return path
    return None


def images(out):
    """The screenshots in ``out``: ``{role: {page: {(language, size): path}}}``."""
    found = {}
    for role in ROLES:
        for image in sorted((Path(out) / role).glob("*.png")):
            match = NAME.match(image.name)
            if match:
                pages = found.setdefault(role, {})
                pages.setdefault(match["page"], {})[match["language"], match["size"]] = image
    return found


def total_size(out):
    return sum(path.stat().st_size for pages in images(out).values()
               for shots in pages.values() for path in shots.values())


def write_index(out):
    """Write ``<out>/README.md``: one table row per role and page, one column per
    language and size, each cell a link to the image (from the files in ``out``, so the
    index says what is there). Returns the index's path."""
    out = Path(out)
    columns = [(language, size) for language in LANGUAGES for size in SIZES]
    lines = ["# Screenshots", "",
             "Every kind of page of every role, in Vietnamese and English, on a desktop "
             f"({SIZES['desktop']['width']} × {SIZES['desktop']['height']}) and a phone "
             f"({SIZES['phone']['width']} × {SIZES['phone']['height']}), taken from the demo "
             "data of `scripts/demo_records.py`. Generated by "
             "`python -m scripts.screenshots`, which rewrites this file: do not edit it.", "",
             "| role | page | " + " | ".join(f"{lang} {size}" for lang, size in columns) + " |",
             "| --- | --- | " + " | ".join("---" for _ in columns) + " |"]
    found = images(out)
    count = 0
    for role in ROLES:
        pages = found.get(role, {})
        listed = [name for name, *_ in PAGES[role]]
        # The listed pages in their order, then any other image left in the folder.
        for page in [name for name in listed if name in pages] + sorted(set(pages) - set(listed)):
            shots = pages[page]
            count += len(shots)
            cells = [f"[{lang} {size}]({role}/{shots[lang, size].name})"
                     if (lang, size) in shots else "—" for lang, size in columns]
            lines.append(f"| {role} | {page} | " + " | ".join(cells) + " |")
    lines += ["", f"{count} images, {total_size(out) / 1024 / 1024:.1f} MB in all.", ""]
    index = out / "README.md"
    index.write_text("\n".join(lines), encoding="utf-8")
    return index


def compress(path):
    """Reduce a screenshot to a 256-colour palette: text and the pages' flat colours
    survive it well, and the image is about a third of Chromium's, which is what lets
    every kind of page be committed."""
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    reduced.save(path, optimize=True)


def open_page(page, base, start, *patterns):
    """Open ``start`` then follow each link pattern in turn; the response of the last
    page opened, or an error message."""
    target = start
    response = page.goto(base + start)
    for pattern in patterns:
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        target = follow(hrefs, pattern, base)
        if target is None:
            return f"no link matching {pattern} on {start}"
        response = page.goto(base + target)
    if response is None or response.status >= 400:
        return f"{page.url} answered {response and response.status}"
    return redirected(target, page.url)


def redirected(target, url):
    """A message when opening ``target`` landed on ``url`` elsewhere than by design: a
    page the role may not open redirects (to the login or home page), which would
    otherwise be shown under the page's name. None when it landed where it should."""
    landed, asked = urlsplit(url).path, urlsplit(target).path
    if landed != asked and not re.search(REDIRECTS.get(asked, "^$"), landed):
        return f"{target} redirected to {url}"
    return None


def take(browser, base, accounts, out):
    """Every role's pages in every language and size; the problems met (empty if none)."""
    problems = []
    for role in ROLES:
        for old in (out / role).glob("*.png"):
            old.unlink()
        (out / role).mkdir(parents=True, exist_ok=True)
        for language, locale in LANGUAGES.items():
            for size, viewport in SIZES.items():
                phone = size == "phone"
                context = browser.new_context(locale=locale, viewport=viewport,
                                              is_mobile=phone, has_touch=phone)
                page = context.new_page()
                if role != "anonymous":
                    log_in(page, base, *accounts[role])
                for name, start, *patterns in PAGES[role]:
                    problem = open_page(page, base, start, *patterns)
                    if problem:
                        problems.append(f"{role} {language} {size} {name}: {problem}")
                        continue
                    target = shot_path(out, role, language, size, name)
                    page.screenshot(path=str(target), full_page=False)
                    compress(target)
                    print(target)
                context.close()
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    with tempfile.TemporaryDirectory() as folder:
        instance = Path(folder) / "instance"
        accounts = seed_demo(instance)
        with serve_demo(instance) as base, chromium() as browser:
            problems = take(browser, base, accounts, out)
    print(write_index(out))
    if total_size(out) > TOTAL_LIMIT:
        problems.append(f"the images weigh {total_size(out)} bytes, more than {TOTAL_LIMIT}: "
                        "show fewer pages in PAGES")
    if problems:
        sys.exit("Not as it should be:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
