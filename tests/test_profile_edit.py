"""Self-service editing: the owner and curators edit, nobody else reaches a profile's
form, the owner cannot change what curators vouch for, concurrent saves are refused
with both versions shown, and the index follows in the same request."""
import re

import pytest
from conftest import csrf_token, log_in, post_form

from expertnet.accounts import consent
from expertnet.accounts.models import PendingChange, User
from expertnet.core.models import Audit
from expertnet.directory import writes
from expertnet.directory.models import Expert


def form_data(expert, /, **changes):
    """What a browser posts for the edit form of ``expert``, with ``changes``."""
    data = {
        "version": str(expert.version), "external_id": expert.external_id or "",
        "kind": expert.kind, "full_name": expert.full_name,
        "other_names": "; ".join(expert.other_names), "title": expert.title,
        "degree": expert.degree, "gender": expert.gender,
        "birth_year": "" if expert.birth_year is None else str(expert.birth_year),
        "hometown": expert.hometown, "country": expert.country, "city": expert.city,
        "organization": expert.organization, "position": expert.position,
        "sector": expert.sector, "fields": expert.field_codes,
        "keywords": "; ".join(expert.keywords), "languages": expert.languages,
        "available_for": expert.available_for, "bio_vi": expert.bio_vi,
        "bio_en": expert.bio_en, "email": expert.email, "phone": expert.phone,
        "website": expert.website, "orcid": expert.orcid, "visibility": expert.visibility,
        "email_visibility": expert.email_visibility, "phone_visibility": expert.phone_visibility,
    }
    data.update(changes)
    return data


def save(client, target, /, **changes):
    path = f"/experts/{target.id}/edit"
    return post_form(client, path, form_data(Expert.get_by_id(target.id), **changes))


@pytest.fixture
def owned(app, add, make_user, login):
    expert = add(full_name="Lê Thị Mai", kind="diaspora", visibility="public", country="JP",
                 organization="Đại học Tokyo", fields="ai", external_id="X-1")
    user = make_user("expert", expert=expert)
    login(user)
    return expert, user


def test_the_owner_edits_every_kind_of_field_and_the_index_follows(client, owned):
    expert, user = owned
    # Sharing the e-mail address more widely needs the person's consent.
    consent.decide(expert, user, "contact", True, consent.NOTICE_VERSION)
    response = save(client, expert, full_name="Lê Thị Mai Anh", other_names="Mai Le; Anh Le",
                    title="assoc_prof", degree="phd", gender="female", birth_year="1980",
                    hometown="Thủy Nguyên", country="DE", city="Berlin",
                    organization="Fraunhofer", position="Nhà nghiên cứu", sector="academia",
                    fields=["ai", "logistics"], keywords="cảng thông minh; học máy",
                    languages=["vi", "de"], available_for=["consulting", "reviewing"],
                    bio_vi="Tiểu sử.", bio_en="Biography.", email="mai@example.org",
                    phone="+49 30 123456", website="mai.example.org",
                    orcid="0000-0002-1825-0097", email_visibility="public")
    assert response.status_code == 302
    assert response.location.endswith(f"/experts/{expert.id}/edit?saved=1&review=1")
    stored = Expert.get_by_id(expert.id)
    # What a curator vouches for (name, title, degree, organisation) waits for review
    # (tests/test_reviews.py); everything else is published at once.
    assert (stored.full_name, stored.other_names, stored.title, stored.degree, stored.birth_year,
            stored.organization, stored.country, stored.field_codes, stored.languages,
            stored.available_for, stored.website, stored.email_visibility, stored.version) == (
        "Lê Thị Mai", ["Mai Le", "Anh Le"], "", "", 1980, "Đại học Tokyo", "DE",
        ["ai", "logistics"], ["vi", "de"], ["consulting", "reviewing"],
        "https://mai.example.org", "public", 3)  # 2: claimed by its owner (a trust signal)
    assert PendingChange.get(PendingChange.expert == expert.id).proposed_values == {
        "full_name": "Lê Thị Mai Anh", "title": "assoc_prof", "degree": "phd",
        "organization": "Fraunhofer"}
    # The index was updated in the same request: an anonymous search finds the new place.
    anonymous = client.application.test_client()
    assert anonymous.get("/api/v1/experts", query_string={"q": "Berlin"}).json["total"] == 1
    assert anonymous.get("/api/v1/experts", query_string={"q": "Fraunhofer"}).json["total"] == 0
    entry = (Audit.select().where((Audit.expert_id == expert.id)
                                  & (Audit.action == "profile.update"))
             .order_by(Audit.id.desc()).first())
    assert (entry.action, entry.actor_id, entry.source) == ("profile.update", user.id, "screen")
    assert entry.changed["city"] == ["", "Berlin"]
    assert "organization" not in entry.changed


def test_the_form_shows_every_column_translated_and_the_completeness(client, owned):
    expert, _user = owned
    page = client.get(f"/experts/{expert.id}/edit", headers={"Accept-Language": "vi"}).text
    for name in ("full_name", "other_names", "title", "degree", "gender", "birth_year",
                 "hometown", "country", "city", "organization", "position", "sector", "fields",
                 "keywords", "languages", "available_for", "bio_vi", "bio_en", "email",
                 "email_visibility", "phone", "phone_visibility", "website", "orcid",
                 "visibility", "version"):
        assert f'name="{name}"' in page, name
    # An owner sees neither the kind nor the import key.
    assert 'name="kind"' not in page and 'name="external_id"' not in page
    assert "Họ và tên" in page and "Trí thức người Hải Phòng ở nước ngoài" not in page
    assert "Công khai" in page and "Trí tuệ nhân tạo" in page
    assert re.search(r'<meter id="completeness"[^>]*value="(\d+)"', page).group(1) == "36"
    english = client.get(f"/experts/{expert.id}/edit", headers={"Accept-Language": "en"})
    assert "Full name" in english.text and "Artificial intelligence" in english.text


def test_errors_are_shown_per_field_in_the_readers_language(client, owned):
    expert, _user = owned
    before = Expert.get_by_id(expert.id).version
    client.set_cookie("lang", "vi")
    response = save(client, expert, birth_year="năm", website="javascript:alert(1)",
                    full_name="", email="not-an-email")
    assert response.status_code == 200
    page = response.text
    assert "không phải là năm" in page or "không phải năm" in page
    assert page.count('class="field-error"') == 4
    assert Expert.get_by_id(expert.id).version == before  # nothing saved
    client.set_cookie("lang", "en")
    response = save(client, expert, birth_year="year")
    assert "“year” is not a year" in response.text


def test_the_owner_cannot_change_kind_external_id_or_anything_extra(client, owned):
    expert, user = owned
    response = save(client, expert, kind="domestic", external_id="HACKED", role="admin",
                    owner="1", verified="y", expert_id="999", city="Osaka")
    assert response.status_code == 302
    stored = Expert.get_by_id(expert.id)
    assert (stored.kind, stored.external_id, stored.city) == ("diaspora", "X-1", "Osaka")
    assert User.get_by_id(user.id).role == "expert"


def test_an_expert_never_reaches_another_profile(client, owned, add, make_user):
    expert, _user = owned
    hidden = add(full_name="Người Khác", visibility="curators")
    public = add(full_name="Công Khai", visibility="public")
    assert client.get(f"/experts/{hidden.id}/edit").status_code == 404
    assert client.get(f"/experts/{public.id}/edit").status_code == 403
    token = csrf_token(client, f"/experts/{expert.id}/edit")
    for target in (hidden, public):
        response = client.post(f"/experts/{target.id}/edit",
                               data={**form_data(target, full_name="Bị Sửa"), "csrf_token": token})
        assert response.status_code in (403, 404)
        assert Expert.get_by_id(target.id).full_name != "Bị Sửa"
    # A hidden id in the form changes nothing either: the URL's profile is the one saved.
    save(client, expert, id=str(public.id), expert=str(public.id), city="Kyoto")
    assert Expert.get_by_id(public.id).city == ""
    assert Expert.get_by_id(expert.id).city == "Kyoto"
    assert client.get("/experts/999999/edit").status_code == 404


def test_account_profile_leads_an_expert_to_their_own_form(client, owned):
    expert, _user = owned
    response = client.get("/account/profile")
    assert response.status_code == 302 and response.location == f"/experts/{expert.id}/edit"


def test_a_curator_edits_kind_and_external_id(app, add, make_user, login, client):
    expert = add(full_name="Phạm Văn Bình", external_id="A-1")
    login(make_user("curator"))
    assert save(client, expert, kind="foreign", external_id="A-2").status_code == 302
    stored = Expert.get_by_id(expert.id)
    assert (stored.kind, stored.external_id) == ("foreign", "A-2")


def test_an_official_may_not_edit(app, add, make_user, login, client):
    expert = add(full_name="Phạm Văn Bình", visibility="officials")
    login(make_user("official"))
    assert client.get(f"/experts/{expert.id}/edit").status_code == 403


def test_a_concurrent_save_is_refused_and_both_versions_are_shown(client, owned, app, make_user):
    expert, _user = owned
    path = f"/experts/{expert.id}/edit"
    token = csrf_token(client, path)
    read = form_data(Expert.get_by_id(expert.id))  # the owner opens the form (version v)
    version = int(read["version"])
    # Meanwhile a curator saves another position (a field the owner publishes directly:
    # vouched fields go to the review queue, tests/test_reviews.py).
    writes.save_profile({"position": "Viện trưởng"}, expert=Expert.get_by_id(expert.id),
                          expected_version=version, actor=make_user("curator").id, via="screen")
    response = client.post(path, data={**read, "position": "Giáo sư thỉnh giảng",
                                       "csrf_token": token}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = response.text
    assert "Someone else saved this profile" in page
    row = re.search(r"<tr><th scope=\"row\">Position</th><td>(.*?)</td><td>(.*?)</td></tr>",
                    page)
    assert row.groups() == ("Viện trưởng", "Giáo sư thỉnh giảng")
    assert Expert.get_by_id(expert.id).position == "Viện trưởng"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert f'name="version" type="hidden" value="{version + 1}"' in page
    again = client.post(path, data={**read, "version": str(version + 1),
                                    "position": "Giáo sư thỉnh giảng",
                                    "csrf_token": token})
    assert again.status_code == 302
    assert Expert.get_by_id(expert.id).position == "Giáo sư thỉnh giảng"


def test_changing_visibility_needs_a_fresh_login(app, owned):
    expert, user = owned
    first = app.test_client()
    log_in(first, user.email, remember=True)
    # Only the remember-me cookie is replayed: that session is not fresh.
    client = app.test_client()
    client.set_cookie("remember_token", first.get_cookie("remember_token").value)
    assert client.get(f"/experts/{expert.id}/edit").status_code == 200
    response = save(client, expert, visibility="curators")
    assert response.status_code == 200 and 'class="field-error"' in response.text
    assert Expert.get_by_id(expert.id).visibility == "public"
    # Other fields can still be changed from a remembered session.
    assert save(client, expert, city="Nagoya").status_code == 302
