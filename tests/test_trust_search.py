"""Search filters on the trust signals: the ``trust`` facet and filter
in the API and on the search page, counted per role, and a change of trust state
(confirmation, claim, ORCID iD) re-indexed in the same request."""
import pytest
from conftest import PASSWORD, log_in, post_form
from test_profile_edit import save

from expertnet import search
from expertnet.accounts import invitations
from expertnet.directory import writes
from expertnet.directory.models import Expert
from expertnet.search import index as search_index

ORCID = "0000-0002-1825-0097"


def trust_total(client, *values, **params):
    query = [("trust", value) for value in values] + list(params.items())
    return client.get("/api/v1/experts", query_string=query).json["total"]


@pytest.fixture
def mixed(app, add, make_user):
    experts = {
        "public": add(full_name="Công Khai Tín Nhiệm", visibility="public", orcid=ORCID),
        "public_plain": add(full_name="Công Khai Tự Khai", visibility="public"),
        "officials": add(full_name="Cán Bộ Tín Nhiệm", visibility="officials"),
        "curators": add(full_name="Nội Bộ Tín Nhiệm", visibility="curators", orcid=ORCID),
    }
    curator = make_user("curator")
    for name in ("public", "officials", "curators"):
        writes.confirm_profile(Expert.get_by_id(experts[name].id), actor=curator.id)
    make_user("expert", expert=experts["officials"])
    return experts, curator


EXPECTED = {
    # role: facet counts of "trust" over everything the role may see
    "anonymous": {"confirmed": 1, "self_declared": 1, "orcid": 1},
    "official": {"confirmed": 2, "self_declared": 1, "orcid": 1, "claimed": 1},
    "curator": {"confirmed": 3, "self_declared": 1, "orcid": 2, "claimed": 1},
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_facet_counts_and_filters_per_role(app, mixed, make_user, role):
    client = app.test_client()
    if role != "anonymous":
        assert log_in(client, make_user(role).email, PASSWORD).status_code == 302
    body = client.get("/api/v1/experts").json
    assert body["facets"]["trust"] == EXPECTED[role]
    for value, count in EXPECTED[role].items():
        assert trust_total(client, value) == count, value
    # Values of one parameter are OR-ed, different parameters AND-ed.
    either = trust_total(client, "claimed", "orcid")
    assert either == {"anonymous": 1, "official": 2, "curator": 3}[role]
    both = trust_total(client, "confirmed", q="tu khai")
    assert both == 0
    filtered = client.get("/api/v1/experts", query_string={"trust": "confirmed"}).json
    assert filtered["facets"]["trust"].get("self_declared", 0) == 0


def test_an_unknown_trust_value_is_a_400_naming_the_parameter(client):
    response = client.get("/api/v1/experts?trust=verified-ish",
                          headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.json["error"]["parameter"] == "trust"
    assert "is not a trust signal" in response.json["error"]["message"]


def test_the_search_page_offers_the_facet_in_both_languages(app, mixed, client):
    english = client.get("/search", headers={"Accept-Language": "en"}).text
    assert "<h2>Verification</h2>" in english and "Confirmed by a curator" in english
    assert "/search?trust=confirmed" in english
    vietnamese = client.get("/search", headers={"Accept-Language": "vi"}).text
    assert "Đã được cán bộ quản lý dữ liệu xác nhận" in vietnamese
    page = client.get("/search?trust=self_declared", headers={"Accept-Language": "en"}).text
    assert "Công Khai Tự Khai" in page and "Công Khai Tín Nhiệm" not in page
    assert 'name="trust" value="self_declared"' in page  # kept by the search box


def test_a_confirmation_is_searchable_at_once(app, add, make_user, login, client):
    expert = add(full_name="Chờ Xác Nhận", visibility="public")
    assert trust_total(client, "confirmed") == 0
    login(make_user("curator"))
    post_form(client, f"/experts/{expert.id}/confirm", {}, form_path=f"/experts/{expert.id}")
    anonymous = app.test_client()
    assert trust_total(anonymous, "confirmed") == 1 and trust_total(anonymous, "self_declared") == 0


def test_a_claim_through_an_invitation_is_searchable_at_once(app, add, make_user):
    expert = add(full_name="Chờ Nhận Hồ Sơ", visibility="public")
    anonymous = app.test_client()
    assert trust_total(anonymous, "claimed") == 0
    _row, token = invitations.create(expert, "nhan@example.org", actor=make_user("curator").id)
    invitations.claim(invitations.find(token), PASSWORD)
    assert trust_total(anonymous, "claimed") == 1
    assert search.get_store().stored_versions()[expert.id] == Expert.get_by_id(expert.id).version


def test_a_claim_from_the_command_line_is_searchable_at_once(app, add, runner):
    expert = add(full_name="Tạo Tài Khoản", visibility="public")
    result = runner.invoke(args=["create-user", "tao@example.org", "--role", "expert",
                                 "--expert-id", str(expert.id)])
    assert result.exit_code == 0, result.output
    assert trust_total(app.test_client(), "claimed") == 1


def test_an_orcid_given_by_the_owner_is_searchable_at_once(app, add, make_user, login, client):
    expert = add(full_name="Thêm ORCID", visibility="public")
    login(make_user("expert", expert=expert))
    assert save(client, expert, orcid=ORCID).status_code == 302
    assert trust_total(app.test_client(), "orcid") == 1
    assert save(client, expert, orcid="").status_code == 302
    assert trust_total(app.test_client(), "orcid") == 0


def test_an_index_of_the_previous_schema_is_rebuilt_with_the_trust_field(
        app, mixed, app_factory, store, monkeypatch):
    """SCHEMA_VERSION 4 added ``trust``: an index written by version 3 is outdated, and
    the next start rebuilds it from the database (create_app → reconcile)."""
    store.close()
    live = store.live_path.resolve()
    (live / search_index.VERSION_FILE).write_text("3\n")
    assert store.status() == "outdated"
    again = app_factory()
    with again.app_context():
        assert again.extensions["expertnet.search"].status() == "ok"
        assert trust_total(again.test_client(), "orcid") == 1
