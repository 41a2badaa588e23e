"""The screenshot script's page list and index, without a browser: the
screenshots themselves are taken by ``python -m scripts.screenshots``."""
import re

from PIL import Image, ImageChops, ImageStat

from scripts import screenshots


def test_every_role_has_a_short_list_of_distinct_pages():
    assert set(screenshots.PAGES) == set(screenshots.ROLES)
    for role, pages in screenshots.PAGES.items():
        names = [name for name, *_ in pages]
        assert 0 < len(names) <= screenshots.MAX_PAGES_PER_ROLE, role
        assert len(set(names)) == len(names), role
        for name, start, *links in pages:
            # The name is part of the file name the index reads back.
            assert screenshots.NAME.match(f"vi-phone-{name}.png"), name
            assert start.startswith("/") and not start.startswith("//")
            for pattern in links:
                re.compile(pattern)


def test_a_record_is_reached_through_the_first_link_of_its_kind():
    base = "http://127.0.0.1:5000"
    hrefs = [base + "/needs/new", "https://example.org/needs/1", base + "/needs/12#shortlist",
             "/needs/7", base + "/needs/12/edit"]
    assert screenshots.follow(hrefs, r"^/needs/\d+$", base) == "/needs/12"
    assert screenshots.follow(hrefs, r"^/needs/\d+/edit$", base) == "/needs/12/edit"
    assert screenshots.follow(["//evil.example/experts/3"], r"^/experts/\d+$") is None
    assert screenshots.follow([], r"^/experts/\d+$") is None


def test_a_page_that_redirects_elsewhere_than_by_design_is_a_problem():
    base = "http://127.0.0.1:5000"
    assert screenshots.redirected("/needs/12", base + "/needs/12") is None
    assert screenshots.redirected(screenshots.SEARCH, base + screenshots.SEARCH) is None
    assert screenshots.redirected("/account/profile", base + "/experts/321/edit") is None
    assert screenshots.redirected("/admin/users", base + "/auth/login?next=%2Fadmin%2Fusers") \
        == f"/admin/users redirected to {base}/auth/login?next=%2Fadmin%2Fusers"
    assert screenshots.redirected("/account/profile", base + "/") is not None


def test_the_index_links_the_images_that_exist(tmp_path):
    for role, language, size, page in [("official", "vi", "desktop", "need"),
                                       ("official", "en", "phone", "need"),
                                       ("curator", "vi", "phone", "duplicate-pair"),
                                       ("expert", "en", "desktop", "requests")]:
        path = screenshots.shot_path(tmp_path, role, language, size, page)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x89PNG" + bytes(1020))
    # Not a screenshot of the script's: not indexed.
    (tmp_path / "curator" / "notes.png").write_bytes(b"x")

    index = screenshots.write_index(tmp_path)

    text = index.read_text(encoding="utf-8")
    assert index == tmp_path / "README.md"
    rows = [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == "| role | page | vi desktop | vi phone | en desktop | en phone |"
    assert rows[1:] == [
        "| expert | requests | — | — | [en desktop](expert/en-desktop-requests.png) | — |",
        "| official | need | [vi desktop](official/vi-desktop-need.png) | — | — "
        "| [en phone](official/en-phone-need.png) |",
        "| curator | duplicate-pair | — | [vi phone](curator/vi-phone-duplicate-pair.png) "
        "| — | — |",
    ]
    assert "4 images, 0.0 MB in all." in text
    assert "notes.png" not in text
    assert screenshots.total_size(tmp_path) == 4 * 1024


def test_the_committed_index_lists_every_page_of_every_role():
    """docs/screenshots/ is regenerated and committed with the script: each listed page
    has its four images, and the set stays within the size limit."""
    out = screenshots.ROOT / "docs" / "screenshots"
    found = screenshots.images(out)
    for role, pages in screenshots.PAGES.items():
        for name, *_ in pages:
            assert len(found[role][name]) == len(screenshots.LANGUAGES) * len(screenshots.SIZES)
    assert screenshots.total_size(out) <= screenshots.TOTAL_LIMIT
    index = (out / "README.md").read_text(encoding="utf-8")
    assert "(official/vi-phone-need.png)" in index


def test_a_screenshot_is_reduced_to_a_palette(tmp_path):
    # A real page as Chromium writes it: the committed (already reduced) image put back in
    # full colour, then a smooth gradient drawn over its top, which no 256 colours match
    # exactly.
    committed = screenshots.ROOT / "docs" / "screenshots" / "anonymous" / "vi-phone-home.png"
    with Image.open(committed) as image:
        before = image.convert("RGB")
    for x in range(before.width):
        for y in range(40):
            before.putpixel((x, y), (x * 255 // before.width, 90 + y, 200 - y))
    path = tmp_path / committed.name
    before.save(path)
    full_colour = path.stat().st_size

    screenshots.compress(path)

    assert path.stat().st_size < full_colour * 0.7
    with Image.open(path) as reduced:
        assert reduced.mode == "P" and reduced.size == before.size
        assert len(reduced.getcolors(256)) <= 256
        # Still the same picture: on average a pixel moves by less than 2 of 255.
        difference = ImageChops.difference(reduced.convert("RGB"), before)
        assert max(ImageStat.Stat(difference).mean) < 2
