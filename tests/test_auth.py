"""Logging in and out: revocable sessions, equal answers, cookie flags, the policy."""
import datetime
import re

import pytest
from conftest import PASSWORD, csrf_token, log_in, post_form

from expertnet.accounts import passwords
from expertnet.accounts import users as accounts
from expertnet.accounts.models import User


def _without_token(html):
    return re.sub(r'value="[^"]*"(?= *>| *\n)', "", re.sub(r'name="csrf_token"[^>]*>', "", html))


def test_login_opens_the_account_and_goes_to_next(client, make_user, login):
    user = make_user("official", email="Thu.Ha@Example.org")
    assert user.email == "thu.ha@example.org"
    response = post_form(client, "/auth/login?next=/search?q=ai",
                         {"email": "THU.HA@example.org", "password": PASSWORD},
                         form_path="/auth/login")
    assert response.status_code == 302 and response.location == "/search?q=ai"
    assert client.get("/account").status_code == 200
    assert User.get_by_id(user.id).last_login_at is not None


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and response.location.startswith("/auth/login?next=")


def test_unknown_account_and_wrong_password_answer_alike(client, make_user, monkeypatch):
    make_user("expert", email="known@example.org")
    burned = []
    original = passwords.burn_verification_time
    monkeypatch.setattr(passwords, "burn_verification_time",
                        lambda password: burned.append(1) or original(password))
    wrong = log_in(client, "known@example.org", "wrong password here")
    unknown = log_in(client, "nobody@example.org", "wrong password here")
    assert wrong.status_code == unknown.status_code == 200
    assert _without_token(wrong.get_data(as_text=True)).replace("known@", "X@") == \
        _without_token(unknown.get_data(as_text=True)).replace("nobody@", "X@")
    # The unknown account was "verified" against a dummy hash: similar time.
    assert burned == [1]


def test_a_deactivated_account_cannot_log_in_and_is_anonymous_at_once(client, make_user, login):
    user = make_user("curator")
    login(user)
    assert client.get("/account").status_code == 200
    accounts.deactivate(user)
    assert client.get("/account").status_code == 302
    assert log_in(client, user.email).status_code == 200


def _cookies(client):
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}


def _replay(app, cookies):
    other = app.test_client()
    for name, value in cookies.items():
        other.set_cookie(name, value)
    return other.get("/account")


def test_logout_makes_replayed_session_and_remember_cookies_worthless(app, client, make_user, login):
    user = make_user("official")
    login(user, remember=True)
    cookies = _cookies(client)
    assert set(cookies) == {"session", "remember_token"}
    assert _replay(app, cookies).status_code == 200
    assert _replay(app, {"remember_token": cookies["remember_token"]}).status_code == 200
    token = csrf_token(client, "/account")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/account").status_code == 302
    assert _replay(app, cookies).status_code == 302
    assert _replay(app, {"remember_token": cookies["remember_token"]}).status_code == 302
    # A new login works again.
    login(user)
    assert client.get("/account").status_code == 200


def test_logout_is_a_post_with_csrf(client, make_user, login):
    login(make_user("expert"))
    assert client.get("/auth/logout").status_code == 405
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/account").status_code == 200


def test_a_password_change_needs_the_current_one_and_ends_other_sessions(app, client, make_user,
                                                                         login):
    user = make_user("expert")
    elsewhere = app.test_client()
    assert log_in(elsewhere, user.email).status_code == 302
    login(user)
    new = "a new and long enough passphrase"
    refused = post_form(client, "/account/password",
                        {"current_password": "not it", "new_password": new, "confirm": new})
    assert "The current password is wrong." in refused.get_data(as_text=True) or \
        "Mật khẩu hiện tại không đúng." in refused.get_data(as_text=True)
    changed = post_form(client, "/account/password",
                        {"current_password": PASSWORD, "new_password": new, "confirm": new})
    assert changed.status_code == 302
    assert client.get("/account").status_code == 200
    assert elsewhere.get("/account").status_code == 302
    assert log_in(app.test_client(), user.email, new).status_code == 302


@pytest.mark.parametrize("password", ["short", "password123", "12345678", "x" * 129, "haiphong123"])
def test_weak_passwords_are_refused(app, password):
    with pytest.raises(accounts.AccountError):
        accounts.create_user("someone@example.org", "expert", password=password)


@pytest.mark.parametrize("password", ["tàu ra khơi", "x" * 128, "elephant carpet"])
def test_any_long_enough_uncommon_password_is_accepted(app, password):
    password = password if len(password) >= 8 else password + " sáng"
    user = accounts.create_user("someone@example.org", "expert", password=password)
    assert user.password_hash.startswith("$argon2id$")
    assert accounts.authenticate("someone@example.org", password).id == user.id


def test_the_common_password_list_ships_with_the_package():
    assert len(passwords.common_passwords()) > 5000
    assert "password1" in passwords.common_passwords()


def test_emails_are_unique_whatever_their_case(app):
    accounts.create_user("A@example.org", "expert", password=PASSWORD)
    with pytest.raises(accounts.AccountError):
        accounts.create_user("a@EXAMPLE.org", "curator", password=PASSWORD)


def test_cookies_are_httponly_lax_and_secure_over_https(app, make_user):
    user = make_user("official")
    client = app.test_client()
    token = csrf_token(client, "/auth/login")
    plain = client.post("/auth/login", data={"email": user.email, "password": PASSWORD,
                                             "remember": "y", "csrf_token": token})
    cookies = plain.headers.getlist("Set-Cookie")
    assert cookies and all("HttpOnly" in c and "SameSite=Lax" in c for c in cookies)
    assert not any("Secure" in c for c in cookies)
    remember = next(c for c in cookies if c.startswith("remember_token="))
    expires = re.search(r"Expires=([^;]+)", remember).group(1)
    lifetime = (datetime.datetime.strptime(expires, "%a, %d %b %Y %H:%M:%S GMT")
                - datetime.datetime.now(datetime.UTC).replace(tzinfo=None))
    assert lifetime <= datetime.timedelta(days=14, minutes=1)

    secure = app.test_client()
    token = csrf_token(secure, "https://localhost/auth/login")
    # Over HTTPS Flask-WTF also checks the Referer (a browser sends it: same origin).
    response = secure.post("https://localhost/auth/login",
                           data={"email": user.email, "password": PASSWORD, "remember": "y",
                                 "csrf_token": token},
                           headers={"Referer": "https://localhost/auth/login"})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) >= 2 and all("Secure" in c and "HttpOnly" in c for c in cookies)


def test_the_viewer_is_the_logged_in_account(client, make_user, login, add):
    own = add(full_name="Hồ Sơ Riêng", visibility="curators")
    for_officials = add(full_name="Cho Cán Bộ", visibility="officials")
    assert client.get(f"/experts/{own.id}").status_code == 404
    login(make_user("expert", expert=own))
    assert client.get(f"/experts/{own.id}").status_code == 200
    assert client.get(f"/experts/{for_officials.id}").status_code == 404
    client.post("/auth/logout", data={"csrf_token": csrf_token(client, "/account")})
    login(make_user("official"))
    assert client.get(f"/experts/{for_officials.id}").status_code == 200
    assert client.get(f"/experts/{own.id}").status_code == 404


def test_the_accounts_language_comes_after_the_cookie(client, make_user, login):
    user = make_user("official")
    login(user)
    post_form(client, "/account/language", {"language": "en"}, form_path="/account")
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "vi"}).text
    client.set_cookie("lang", "vi")
    assert '<html lang="vi">' in client.get("/", headers={"Accept-Language": "en"}).text
