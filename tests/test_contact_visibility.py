"""Per-field contact visibility: every role × profile visibility × e-mail visibility ×
phone visibility, on the profile page and in the API, plus the import columns."""
import itertools

import pytest
from conftest import add_profile, log_in, module_snapshot, new_user

from expertnet.core import access
from expertnet.core.models import Audit
from expertnet.directory import validation
from expertnet.taxonomy import store as catalog

LEVELS = ("public", "officials", "curators")
ROLES = ("anonymous", "other_expert", "official", "owner", "curator", "admin")


def expected_fields(role, owned, profile_level, email_level, phone_level):
    """The rule, written out independently of access.py."""
    if role in ("curator", "admin") or owned:
        return {"email", "phone"}
    shared = ("public", "officials") if role == "official" else ("public",)
    if profile_level not in shared:
        return set()
    return {name for name, level in (("email", email_level), ("phone", phone_level))
            if level in shared}


def expected_page(role, owned, profile_level):
    if role in ("curator", "admin") or owned:
        return True
    return profile_level in (("public", "officials") if role == "official" else ("public",))


@pytest.fixture
def grid(app, grid_state):
    return grid_state.value()


def _build_grid(_app):
    add, make_user = add_profile, new_user
    experts = {}
    for number, (level, email_level, phone_level) in enumerate(
            itertools.product(LEVELS, LEVELS, LEVELS)):
        experts[(level, email_level, phone_level)] = add(
            full_name=f"Chuyên Gia {number}", visibility=level,
            email=f"lien.he.{number}@example.org",
            phone=f"+84 912 000 {number:03d}", email_visibility=email_level,
            phone_visibility=phone_level)
    owned = experts[("curators", "curators", "curators")]
    users = {"owner": make_user("expert", expert=owned), "other_expert": make_user("expert"),
             "official": make_user("official"), "curator": make_user("curator"),
             "admin": make_user("admin")}
    return experts, owned, users


# The grid, built once for the module (27 profiles and five accounts).
grid_state, snapshot = module_snapshot("grid", _build_grid)


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_exactly_the_contact_fields_it_may(app, grid, role):
    experts, owned, users = grid
    client = app.test_client()
    if role != "anonymous":
        assert log_in(client, users[role].email).status_code == 302
    problems = []
    for (level, email_level, phone_level), expert in experts.items():
        is_owned = role == "owner" and expert.id == owned.id
        want = expected_fields(role, is_owned, level, email_level, phone_level)
        page = client.get(f"/experts/{expert.id}")
        api = client.get(f"/api/v1/experts/{expert.id}")
        if not expected_page(role, is_owned, level):
            if (page.status_code, api.status_code) != (404, 404):
                problems.append(("visible", expert.id, page.status_code, api.status_code))
            continue
        text = page.get_data(as_text=True)
        # Matched in their markup: the account's own address in the header could
        # otherwise contain a profile's address ("…e7@example.org").
        on_page = {name for name, marker in (("email", f'href="mailto:{expert.email}"'),
                                             ("phone", f">{expert.phone}<")) if marker in text}
        assert (expert.email in text) == ("email" in on_page)  # nowhere else either
        in_api = {name for name in ("email", "phone") if name in api.json}
        if on_page != want or in_api != want:
            problems.append(((level, email_level, phone_level), want, on_page, in_api))
    assert problems == []


def test_the_rule_in_access_matches_for_every_combination(app, grid):
    experts, owned, users = grid
    viewers = {"anonymous": access.ANONYMOUS,
               "other_expert": access.viewer_for(users["other_expert"]),
               "official": access.viewer_for(users["official"]),
               "owner": access.viewer_for(users["owner"]),
               "curator": access.viewer_for(users["curator"]),
               "admin": access.viewer_for(users["admin"])}
    for role, viewer in viewers.items():
        for key, expert in experts.items():
            want = expected_fields(role, role == "owner" and expert.id == owned.id, *key)
            assert set(access.visible_contact_fields(viewer, expert)) == want, (role, key)


def test_only_the_shown_contact_fields_of_an_official_view_are_logged(app, grid):
    experts, _owned, users = grid
    client = app.test_client()
    log_in(client, users["official"].email)
    expert = experts[("officials", "officials", "curators")]
    client.get(f"/experts/{expert.id}")
    views = list(Audit.select().where((Audit.action == "contact.view")
                                      & (Audit.expert_id == expert.id)))
    assert [view.changed for view in views] == [{"fields": ["email"]}]


def test_hidden_contact_details_are_not_searchable_except_by_curators(app, grid):
    experts, _owned, users = grid
    public = experts[("public", "public", "public")]
    for role, expected in (("anonymous", 0), ("official", 0), ("curator", 1)):
        client = app.test_client()
        if role != "anonymous":
            log_in(client, users[role].email)
        found = client.get("/api/v1/experts", query_string={"q": public.email}).json
        assert found["total"] == expected, role


def test_owner_and_curators_read_the_contact_visibilities_in_the_api(app, grid):
    experts, owned, users = grid
    client = app.test_client()
    log_in(client, users["owner"].email)
    mine = client.get(f"/api/v1/experts/{owned.id}").json
    assert (mine["email_visibility"], mine["phone_visibility"]) == ("curators", "curators")
    public = client.get(f"/api/v1/experts/{experts[('public',) * 3].id}").json
    assert "email_visibility" not in public


def test_the_import_columns_take_the_visibility_vocabulary(app):
    taxonomy = catalog.load()
    values, errors = validation.normalize(
        {"kind": "domestic", "full_name": "A", "email_visibility": "Công khai",
         "phone_visibility": "chỉ cán bộ quản lý"}, taxonomy)
    assert errors == []
    assert (values["email_visibility"], values["phone_visibility"]) == ("public", "curators")
    values, errors = validation.normalize(
        {"kind": "domestic", "full_name": "A", "email_visibility": "", "phone_visibility": "x"},
        taxonomy)
    assert values["email_visibility"] == "officials"  # an empty cell: the default
    assert [column for column, _message in errors] == ["phone_visibility"]


def test_a_profile_without_the_columns_shares_contacts_with_officials(app, add):
    expert = add(full_name="Mặc Định", email="md@example.org")
    assert (expert.email_visibility, expert.phone_visibility) == ("officials", "officials")
