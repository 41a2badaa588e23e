"""CSRF on every unsafe request; API tokens authenticate scripts instead."""
import re

from conftest import post_form

from expertnet.accounts import users as accounts
from expertnet.accounts.models import ApiToken


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_create_token_prints_it_once_and_stores_only_a_hash(app, runner, make_user):
    user = make_user("curator")
    result = runner.invoke(args=["create-token", user.email, "--name", "nightly export"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("exn_") and len(token) > 40
    row = ApiToken.get(ApiToken.user == user)
    assert token not in (row.token_hash, row.prefix) and token.startswith(row.prefix)
    assert runner.invoke(args=["create-token", "nobody@example.org"]).exit_code == 1


def test_a_token_calls_the_api_with_its_owners_rights(client, make_user, add):
    hidden = add(full_name="Hồ Sơ Nội Bộ", visibility="curators")
    _row, token = accounts.create_token(make_user("curator"))
    assert client.get(f"/api/v1/experts/{hidden.id}").status_code == 404
    assert client.get(f"/api/v1/experts/{hidden.id}", headers=_bearer(token)).status_code == 200
    assert ApiToken.get().last_used_at is not None
    # A token request does not leave the account logged in on the client.
    assert client.get(f"/api/v1/experts/{hidden.id}").status_code == 404


def test_a_wrong_or_revoked_token_is_refused_not_anonymous(client, make_user):
    user = make_user("official")
    row, token = accounts.create_token(user)
    assert client.get("/api/v1/experts", headers=_bearer("exn_nonsense")).status_code == 401
    assert client.get("/api/v1/experts", headers=_bearer(token)).status_code == 200
    assert accounts.revoke_token(user, row.id)
    response = client.get("/api/v1/experts", headers=_bearer(token))
    assert response.status_code == 401 and response.is_json
    _row, other = accounts.create_token(user)
    accounts.deactivate(user)
    assert client.get("/api/v1/experts", headers=_bearer(other)).status_code == 401


def test_tokens_are_listed_created_and_revoked_on_the_account_page(client, make_user, login):
    user = make_user("official")
    login(user)
    page = post_form(client, "/account/tokens", {"name": "báo cáo"}).get_data(as_text=True)
    token = re.search(r"<code>(exn_[^<]+)</code>", page).group(1)
    assert client.get("/api/v1/experts", headers=_bearer(token)).status_code == 200
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert token not in listing and "báo cáo" in listing
    row = ApiToken.get()
    response = post_form(client, f"/account/tokens/{row.id}/revoke", {}, form_path="/account/tokens")
    assert response.status_code == 302
    assert client.get("/api/v1/experts", headers=_bearer(token)).status_code == 401


def test_nobody_revokes_another_accounts_token(client, make_user, login):
    row, token = accounts.create_token(make_user("curator"))
    login(make_user("expert"))
    response = post_form(client, f"/account/tokens/{row.id}/revoke", {}, form_path="/account/tokens")
    assert response.status_code == 404
    assert client.get("/api/v1/experts", headers=_bearer(token)).status_code == 200


def test_unsafe_requests_without_a_csrf_token_get_400(client, make_user, login):
    user = make_user("official")
    assert client.post("/auth/login", data={"email": user.email, "password": "x"}).status_code == 400
    login(user)
    for path in ("/auth/logout", "/account/language", "/account/tokens", "/account/password"):
        response = client.post(path, data={"language": "en", "name": "x"})
        assert response.status_code == 400, path
    # The session-authenticated JSON API too (answered in JSON).
    response = client.post("/api/v1/experts", json={})
    assert response.status_code in (400, 405)
    response = client.delete("/api/v1/experts/1")
    assert response.status_code in (400, 405)
    assert ApiToken.select().count() == 0
    assert client.get("/account").status_code == 200  # still logged in: logout was refused


def test_a_session_api_call_that_changes_state_needs_the_csrf_header(app, client, make_user, login):
    """Routes that exist and change state refuse a session call without the token;
    the X-CSRFToken header a script would send is accepted."""
    login(make_user("official"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get("/account/tokens").get_data(as_text=True)).group(1)
    assert client.post("/account/tokens", data={"name": "x"}).status_code == 400
    assert client.post("/account/tokens", data={"name": "x"},
                       headers={"X-CSRFToken": token}).status_code == 200


def test_a_bearer_request_needs_no_csrf_token(client, make_user):
    _row, token = accounts.create_token(make_user("curator"))
    # Not refused for CSRF: the route simply does not accept POST.
    assert client.post("/api/v1/experts", headers=_bearer(token)).status_code == 405
    assert client.post("/api/v1/experts").status_code == 405
    # A page ignores the token: without a session and a CSRF token, a form is refused.
    assert client.post("/account/language", data={"language": "en"},
                       headers=_bearer(token)).status_code == 400


def test_pages_ignore_a_token_even_a_wrong_one(client, make_user):
    """A token opens the API only: the account page answers a token as it answers
    anyone without a session (to the login page), a wrong token too (not 401)."""
    user = make_user("official")
    _row, token = accounts.create_token(user)
    for header in (_bearer(token), _bearer("exn_nonsense")):
        response = client.get("/account", headers=header)
        assert response.status_code == 302 and response.location.startswith("/auth/login")
    assert ApiToken.get().last_used_at is None
    assert client.get("/api/v1/experts", headers=_bearer(token)).status_code == 200
