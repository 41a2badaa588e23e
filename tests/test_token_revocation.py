"""API tokens and the end of an account's sessions: a logout leaves scripts running, a
password change and a deactivation revoke every token (README, accounts section)."""
from conftest import PASSWORD, post_form

from expertnet.accounts import users as accounts
from expertnet.accounts.models import ApiToken
from expertnet.core.models import Audit

NEW_PASSWORD = "a brand new harbour lighthouse"


def _status(client, token):
    return client.get("/api/v1/experts", headers={"Authorization": f"Bearer {token}"}).status_code


def test_a_logout_everywhere_leaves_the_tokens_working(app, client, make_user, login):
    user = make_user("official")
    _row, token = accounts.create_token(user)
    login(user)
    assert post_form(client, "/auth/logout", {}, form_path="/account").status_code == 302
    assert client.get("/account").status_code == 302  # the session ended
    assert _status(app.test_client(), token) == 200


def test_a_password_change_revokes_every_token(app, client, make_user, login):
    user = make_user("official")
    tokens = [accounts.create_token(user, name)[1] for name in ("nightly", "report")]
    other_user = make_user("official")
    _row, unrelated = accounts.create_token(other_user)
    login(user)
    response = post_form(client, "/account/password", {
        "current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    scripts = app.test_client()
    assert [_status(scripts, token) for token in tokens] == [401, 401]
    assert _status(scripts, unrelated) == 200
    page = client.get("/account/tokens", headers={"Accept-Language": "en"}).text
    assert page.count("revoked") == 2
    entry = Audit.get(Audit.action == "user.password")
    assert (entry.actor_id, entry.changed) == (user.id, {"user": user.id, "tokens_revoked": 2})
    # A token made after the change works.
    _row, fresh = accounts.create_token(user)
    assert _status(scripts, fresh) == 200


def test_a_deactivation_revokes_the_tokens_for_good(app, client, make_user, login):
    user = make_user("expert")
    _row, token = accounts.create_token(user)
    admin = make_user("admin")
    login(admin)
    response = post_form(client, f"/admin/users/{user.id}/deactivate", {},
                         form_path="/admin/users")
    assert response.status_code == 302
    scripts = app.test_client()
    assert _status(scripts, token) == 401
    assert ApiToken.get(ApiToken.user == user.id).revoked_at is not None
    post_form(client, f"/admin/users/{user.id}/reactivate", {}, form_path="/admin/users")
    assert _status(scripts, token) == 401  # reactivating brings no token back
    entry = Audit.get(Audit.action == "user.deactivate")
    assert entry.changed["tokens_revoked"] == 1 and entry.actor_id == admin.id
