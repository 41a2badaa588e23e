"""The pages: they render, keep filters in links, switch language, escape input."""
import re

import pytest


@pytest.fixture
def sample(add):
    return [
        add(full_name="Nguyễn Văn Đức", kind="diaspora", country="JP", fields="ai;logistics",
            bio_vi="Chuyên gia trí tuệ nhân tạo cho cảng biển.", bio_en="AI for seaports.",
            email="duc@example.org", languages="vi;ja", available_for="consulting",
            title="PGS", degree="TS", website="https://example.org/duc",
            organization="University of Tokyo"),
        add(full_name="Anna Berg", kind="foreign", country="SE", fields="marine",
            bio_en="Oceanography."),
        add(full_name="Ẩn Danh", visibility="officials"),
    ]


def test_home_page_shows_counts_and_priority_fields(client, sample):
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Seaports" in page or "seaports" in page.lower()
    assert 'href="/search?field=ai"' in page


def test_search_page_lists_results_facets_and_keeps_filters_in_links(client, sample):
    page = client.get("/search?q=duc&kind=diaspora").get_data(as_text=True)
    assert "Nguyễn Văn Đức" in page and "Anna Berg" not in page
    # Links that add a filter keep the query and the filters already chosen.
    assert re.search(r'href="/search\?q=duc&amp;kind=diaspora&amp;country=JP"', page)
    # The active filter can be removed on its own.
    assert 'href="/search?q=duc"' in page


def test_search_page_counts_in_the_readers_locale(client, add):
    for number in range(3):
        add(full_name=f"Người {number}")
    vietnamese = client.get("/search", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    english = client.get("/search", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "3 chuyên gia" in vietnamese
    assert "3 experts" in english


def test_empty_results_suggest_what_to_try(client, sample):
    page = client.get("/search?q=zzzzzz", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No experts match this search." in page


def test_bad_parameters_render_a_400_page(client):
    response = client.get("/search?kind=alien&page=x")
    assert response.status_code == 400
    assert b"kind" in response.data


def test_profile_page_shows_what_anonymous_may_see(client, sample):
    duc = sample[0]
    page = client.get(f"/experts/{duc.id}", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Nguyễn Văn Đức" in page and "Nhật Bản" in page and "tiếng nhật" in page.lower()
    assert "duc@example.org" not in page
    assert "Chuyên gia trí tuệ nhân tạo cho cảng biển." in page
    assert client.get(f"/experts/{sample[2].id}").status_code == 404


def test_language_switch_persists_in_a_cookie_and_stays_on_site(client, sample):
    response = client.get("/lang/en?next=/search%3Fq%3Dduc")
    assert response.status_code == 302 and response.headers["Location"] == "/search?q=duc"
    page = client.get("/search?q=duc").get_data(as_text=True)
    assert '<html lang="en">' in page
    client.get("/lang/vi")
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)
    for target in ["https://evil.example", "//evil.example", "////evil.example", "/\\evil.example"]:
        location = client.get("/lang/vi", query_string={"next": target}).headers["Location"]
        assert "evil" not in location
    assert client.get("/lang/xx").status_code == 302
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_names_and_links_are_rendered_inert(client, add):
    expert = add(full_name="<script>alert(1)</script>", bio_vi="<b>đậm</b>")
    page = client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "<b>đậm</b>" not in page


def test_security_headers_on_every_page(client, sample):
    for path in ["/", "/search", f"/experts/{sample[0].id}", "/api/v1/experts", "/nowhere"]:
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]
        assert headers["Cache-Control"] == "no-store"


def test_unknown_pages_are_404_pages_not_tracebacks(client):
    response = client.get("/nowhere")
    assert response.status_code == 404 and b"Traceback" not in response.data


def test_pages_use_no_external_resources(client, sample):
    for path in ["/", "/search?q=duc", f"/experts/{sample[0].id}"]:
        page = client.get(path).get_data(as_text=True)
        for url in re.findall(r'(?:src|href)="([^"]+)"', page):
            assert not url.startswith(("http://", "https://", "//")) or "example.org" in url, url


def test_numbers_follow_the_readers_locale(app):
    from flask import render_template_string
    for language, expected in (("vi", "1.234.567"), ("en", "1,234,567")):
        with app.test_request_context(headers={"Accept-Language": language}):
            from flask_babel import refresh
            refresh()
            assert render_template_string("{{ 1234567|number }}") == expected


def test_profile_carries_person_linked_data_without_hidden_contacts(client, sample):
    import json
    page = client.get(f"/experts/{sample[0].id}", headers={"Accept-Language": "en"}).text
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    data = json.loads(block.group(1))
    assert data["@type"] == "Person" and data["name"] == "Nguyễn Văn Đức"
    assert data["affiliation"] == {"@type": "Organization", "name": "University of Tokyo"}
    assert "Artificial intelligence" in data["knowsAbout"]
    assert data["homeLocation"]["address"]["addressCountry"] == "JP"
    assert data["honorificPrefix"] == "Assoc. Prof. Dr."
    assert "email" not in data and "telephone" not in data


def test_linked_data_cannot_break_out_of_its_script(client, add):
    expert = add(full_name="</script><script>alert(1)</script>")
    page = client.get(f"/experts/{expert.id}").text
    assert "</script><script>alert(1)" not in page


def test_browse_by_field_counts_visible_experts_per_kind(client, sample):
    page = client.get("/fields", headers={"Accept-Language": "en"}).text
    assert "Artificial intelligence" in page and "Browse by field" in page
    assert 'href="/search?field=ai&amp;kind=diaspora">1</a>' in page
    assert 'href="/search?field=marine&amp;kind=foreign">1</a>' in page


WEIRD_PARAMETERS = [
    "page=99999999999999999999", "page=0", "per_page=-5", "per_page=0", "page=1e3",
    "country=jp", "country=", "kind=", "field=" + "&field=".join(["ai"] * 200), "q=%00%01",
    "q=" + "x" * 20_000, "unknown=1", "sort=", "language=VI", "q=%ZZ", "kind=diaspora&kind=diaspora",
    "q=<script>", "page=-1&per_page=1000", "available_for=consulting&available_for=",
]


@pytest.mark.parametrize("query", WEIRD_PARAMETERS)
def test_any_url_parameters_render_a_page_or_a_400(client, sample, query):
    for path in ("/search", "/api/v1/experts"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 400), (path, query, response.status_code)
