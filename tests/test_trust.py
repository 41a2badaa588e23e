"""Trust signals on the profile page: self-declared or confirmed by a
curator (who, when), claimed by its owner, ORCID iD given."""
from conftest import csrf_token, log_in, post_form

from expertnet.core.models import Audit
from expertnet.directory.models import Expert


def test_a_new_profile_is_self_declared_unclaimed_without_orcid(app, add, client):
    expert = add(full_name="Trần Văn Tín")
    page = client.get(f"/experts/{expert.id}", headers={"Accept-Language": "en"}).text
    assert "Self-declared: not yet confirmed by a curator" in page
    assert "Not yet claimed by the expert" in page and "No ORCID iD" in page
    assert "Confirm this profile" not in page


def test_a_curator_confirms_and_everyone_sees_it(app, add, make_user, login, client):
    expert = add(full_name="Trần Văn Tín", orcid="0000-0002-1825-0097")
    make_user("expert", expert=expert)
    curator = make_user("curator")
    login(curator)
    response = post_form(client, f"/experts/{expert.id}/confirm", {},
                         form_path=f"/experts/{expert.id}")
    assert response.status_code == 302
    stored = Expert.get_by_id(expert.id)
    assert stored.confirmed_by == curator.id and stored.confirmed_at is not None
    # Claimed (version 2), then confirmed: an editor who read an earlier version cannot
    # save over it.
    assert stored.version == 3
    entry = Audit.select().where(Audit.expert_id == expert.id).order_by(Audit.id.desc()).get()
    assert (entry.action, entry.actor_id) == ("profile.confirm", curator.id)
    page = client.get(f"/experts/{expert.id}", headers={"Accept-Language": "en"}).text
    assert f"Confirmed by a curator ({curator.email})" in page
    anonymous = app.test_client().get(f"/experts/{expert.id}",
                                      headers={"Accept-Language": "en"}).text
    assert "Confirmed by a curator on" in anonymous and curator.email not in anonymous
    assert "Claimed by the expert" in anonymous and "ORCID iD given" in anonymous


def test_only_curators_confirm_and_the_csrf_token_is_needed(app, add, make_user):
    expert = add(full_name="Trần Văn Tín")
    owner = app.test_client()
    assert log_in(owner, make_user("expert", expert=expert).email).status_code == 302
    token = csrf_token(owner, f"/experts/{expert.id}/edit")
    assert owner.post(f"/experts/{expert.id}/confirm",
                      data={"csrf_token": token}).status_code == 403
    curator = app.test_client()
    assert log_in(curator, make_user("curator").email).status_code == 302
    assert curator.post(f"/experts/{expert.id}/confirm").status_code == 400
    assert Expert.get_by_id(expert.id).confirmed_at is None
