"""Screenshots of every page in both languages at desktop and phone widths.

    .venv/bin/python -m scripts.screenshots [--out docs/screenshots]

Starts ``run.py`` on a temporary instance with the demo data and drives Debian's
Chromium (``apt-get install -y chromium``) with Playwright.
"""
import argparse
import json
import tempfile
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.live_server import ROOT, launch_chromium, serve_demo

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"vi": "vi-VN", "en": "en-US"}


def pages(base):
    with urllib.request.urlopen(base + "/api/v1/experts?q=logistics&per_page=1") as response:
        profile = json.load(response)["results"][0]["id"]
    return {"home": "/", "search": "/search?q=cong+nghe+bien", "profile": f"/experts/{profile}",
            "fields": "/fields"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, serve_demo(Path(folder) / "instance") as base, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for language, locale in LOCALES.items():
            for size, viewport in SIZES.items():
                context = browser.new_context(locale=locale, viewport=viewport,
                                              is_mobile=size == "phone")
                page = context.new_page()
                for name, path in pages(base).items():
                    page.goto(base + path)
                    target = out / f"{name}-{language}-{size}.png"
                    page.screenshot(path=str(target), full_page=name == "profile")
                    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
