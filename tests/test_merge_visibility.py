"""Merging two copies of a person: the page states who will see the
kept profile, the kept profile takes the wider visibility of the two unless the person
withdrew that consent, narrowing a published profile takes a confirmed choice, and
names and lists merge as an import's ``update`` does."""
import pytest
from conftest import csrf_token

from expertnet.accounts import consent
from expertnet.curation import merging
from expertnet.directory.models import Expert


@pytest.fixture
def copies(add):
    # Profile #77 of the issue: public; its thin copy from a ward sheet: curators only.
    public = add(full_name="Hoàng Minh Huy", birth_year="1979", visibility="public",
                 languages="vi;ja;en", email_visibility="public", email="huy@example.jp")
    thin = add(full_name="Hoang Minh Huy", birth_year="1979", visibility="curators",
               languages="ja;ko", phone="+84 912 000 111")
    return public, thin


def _merge(keep, drop, choices=None, **kwargs):
    keep, drop = Expert.get_by_id(keep.id), Expert.get_by_id(drop.id)
    return merging.merge(keep, drop, choices or {}, keep.version, drop.version, **kwargs)


def test_the_defaults_keep_the_wider_visibility_the_diacritics_and_every_list_item(copies):
    public, thin = copies
    # The curator keeps the thin copy's id: the values still come out right.
    kept = Expert.get_by_id(_merge(thin, public).id)
    assert kept.id == thin.id and kept.visibility == "public"
    assert kept.email_visibility == "public"
    assert kept.full_name == "Hoàng Minh Huy" and kept.other_names == ["Hoang Minh Huy"]
    assert kept.languages == ["ja", "ko", "vi", "en"]
    assert (kept.phone, kept.email) == ("+84 912 000 111", "huy@example.jp")


def test_narrowing_a_published_profile_needs_a_confirmed_choice(copies):
    public, thin = copies
    with pytest.raises(merging.NarrowingNotConfirmed):
        _merge(public, thin, {"visibility": "b"})
    assert Expert.get_by_id(public.id).visibility == "public"  # nothing merged
    assert Expert.get_or_none(Expert.id == thin.id) is not None
    kept = _merge(public, thin, {"visibility": "b"}, narrow_confirmed=True)
    assert Expert.get_by_id(kept.id).visibility == "curators"


def test_a_withdrawal_on_either_record_keeps_the_merged_profile_for_curators(copies,
                                                                            make_user):
    public, thin = copies
    owner = make_user("expert", expert=thin)
    consent.decide(Expert.get_by_id(thin.id), owner, "publish", False, consent.NOTICE_VERSION)
    assert merging.visibility_outcome(Expert.get_by_id(public.id),
                                      Expert.get_by_id(thin.id)) == ("curators", "withdrawn")
    # No confirmation needed: the person decided, not the curator.
    kept = _merge(public, thin)
    assert Expert.get_by_id(kept.id).visibility == "curators"


def test_the_page_states_the_outcome_and_asks_to_confirm_a_narrowing(app, client, make_user,
                                                                    login, copies):
    public, thin = copies
    login(make_user("curator"))
    path = f"/curate/duplicates/{public.id}/{thin.id}"
    html = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "After the merge the profile is visible to: Public." in html
    assert "The wider visibility of the two profiles is kept" in html
    assert 'name="choice-visibility" value="a" checked' in html
    data = {"csrf_token": csrf_token(client, path), "keep": "a",
            "version_a": str(public.version), "version_b": str(thin.version),
            "choice-visibility": "b"}
    refused = client.post(f"{path}/merge", data=data, headers={"Accept-Language": "en"})
    assert refused.status_code == 409
    assert 'name="narrow"' in refused.get_data(as_text=True)
    assert Expert.get_or_none(Expert.id == thin.id) is not None
    data["csrf_token"] = csrf_token(client, path)
    done = client.post(f"{path}/merge", data={**data, "narrow": "1"})
    assert done.status_code == 302
    assert Expert.get_by_id(public.id).visibility == "curators"


def test_the_page_says_when_consent_was_withdrawn(app, client, make_user, login, copies):
    public, thin = copies
    owner = make_user("expert", expert=public)
    consent.decide(Expert.get_by_id(public.id), owner, "publish", False, consent.NOTICE_VERSION)
    login(make_user("curator"))
    html = client.get(f"/curate/duplicates/{public.id}/{thin.id}",
                      headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert "Sau khi hợp nhất, hồ sơ hiển thị cho: Chỉ cán bộ quản lý." in html
