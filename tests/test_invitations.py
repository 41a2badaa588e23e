"""Invitations to claim a profile: signed, expiring, single-use; the expert sets a
password (same rules as every account) and owns the profile from then on."""
import datetime
import re

import itsdangerous.timed
import pytest
from conftest import PASSWORD, csrf_token, log_in, post_form
from itsdangerous import URLSafeTimedSerializer

from expertnet.accounts import data_rights, invitations
from expertnet.accounts.models import Invitation, User
from expertnet.core.models import Audit


@pytest.fixture
def invited(app, add, make_user, login, client):
    expert = add(full_name="Vũ Đức Long", visibility="curators", email="long@example.org")
    curator = make_user("curator")
    login(curator)
    page = post_form(client, f"/experts/{expert.id}/invite", {"email": "long@example.org"})
    assert page.status_code == 200
    link = re.search(r'<p class="token-once">([^<]+)</p>', page.text).group(1)
    path = link.replace("http://localhost", "")
    return expert, curator, path


def claim(app, path, password=PASSWORD, confirm=None):
    guest = app.test_client()
    response = guest.get(path)
    if response.status_code != 200:
        return guest, response
    token = csrf_token(guest, path)
    return guest, guest.post(path, data={"password": password, "confirm": confirm or password,
                                         "csrf_token": token})


def test_the_invited_expert_sets_a_password_and_owns_the_profile(app, invited):
    expert, curator, path = invited
    guest, response = claim(app, path)
    assert response.status_code == 302 and response.location == f"/experts/{expert.id}/edit"
    user = User.get(User.email == "long@example.org")
    assert (user.role, user.expert_id) == ("expert", expert.id)
    assert guest.get(f"/experts/{expert.id}/edit").status_code == 200
    assert Audit.select().where(Audit.action == "invitation.claim").count() == 1
    assert Invitation.get().created_by == curator.id


def test_a_link_works_once(app, invited):
    _expert, _curator, path = invited
    claim(app, path)
    _guest, second = claim(app, path, password="another long passphrase here")
    assert second.status_code == 404
    assert User.select().where(User.email == "long@example.org").count() == 1


def test_the_password_rules_apply_and_a_refusal_leaves_the_link_usable(app, invited):
    _expert, _curator, path = invited
    _guest, response = claim(app, path, password="password")
    assert response.status_code == 200 and 'class="field-error"' in response.text
    assert User.select().where(User.email == "long@example.org").count() == 0
    _guest, response = claim(app, path)
    assert response.status_code == 302


def test_an_expired_or_forged_link_is_refused(app, invited):
    _expert, _curator, path = invited
    Invitation.update(expires_at=datetime.datetime(2000, 1, 1)).execute()
    assert claim(app, path)[1].status_code == 404
    row = Invitation.get()
    Invitation.update(expires_at=datetime.datetime(2100, 1, 1)).execute()
    # Signed with another purpose's salt, or with a wrong key: refused.
    other_salt = URLSafeTimedSerializer("test", salt="expertnet.password-reset").dumps(
        {"i": row.id, "n": row.nonce})
    assert claim(app, f"/invitations/{other_salt}")[1].status_code == 404
    wrong_key = URLSafeTimedSerializer("not-the-key", salt=invitations.SALT).dumps(
        {"i": row.id, "n": row.nonce})
    assert claim(app, f"/invitations/{wrong_key}")[1].status_code == 404
    assert claim(app, path)[1].status_code == 302


def test_the_signature_expires_after_the_configured_days(app, invited, monkeypatch):
    # The boundaries (just before, just after) are in test_invitation_lifetime.
    _expert, _curator, path = invited
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=15)
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp",
                        lambda self: int(later.timestamp()))
    assert claim(app, path)[1].status_code == 404


def test_only_curators_invite(app, add, make_user, login, client):
    expert = add(full_name="Trịnh Văn Nam", visibility="public")
    login(make_user("official"))
    assert client.get(f"/experts/{expert.id}/invite").status_code == 403
    owned = add(full_name="Đã Có Chủ", visibility="curators")
    make_user("expert", expert=owned)
    curator = app.test_client()
    log_in(curator, make_user("curator").email)
    page = curator.get(f"/experts/{owned.id}/invite")
    assert page.status_code == 200 and 'name="email"' not in page.text


def test_deleting_the_profile_deletes_its_invitations(app, invited):
    from expertnet.directory.models import Expert
    expert, _curator, path = invited
    data_rights.delete_profile(Expert.get_by_id(expert.id))
    assert Invitation.select().count() == 0
    assert claim(app, path)[1].status_code == 404
