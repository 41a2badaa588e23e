"""Every view of contact details by someone signed in is logged (SECURITY.md), curators'
and admins' included, on pages and through the API; the person sees who, by role."""
import pytest
from conftest import PASSWORD, log_in

from expertnet.accounts import users as accounts
from expertnet.core.models import Audit


@pytest.fixture
def expert(app, add):
    return add(full_name="Tạ Thị Liên Lạc", visibility="officials", email="lien.lac@example.org",
               phone="+84 912 111 222", email_visibility="officials", phone_visibility="curators")


def views():
    return [(row.actor_id, row.source, row.changed["fields"]) for row in
            Audit.select().where(Audit.action == "contact.view").order_by(Audit.id)]


def client_for(app, user):
    client = app.test_client()
    assert log_in(client, user.email, PASSWORD).status_code == 302
    return client


@pytest.mark.parametrize("role", ["curator", "admin"])
def test_staff_views_are_logged_on_the_page_the_edit_form_and_the_api(app, expert, make_user,
                                                                      role):
    user = make_user(role)
    client = client_for(app, user)
    assert "lien.lac@example.org" in client.get(f"/experts/{expert.id}").text
    assert client.get(f"/api/v1/experts/{expert.id}").json["phone"] == "+84 912 111 222"
    assert client.get(f"/experts/{expert.id}/edit").status_code == 200
    both = ["email", "phone"]
    assert views() == [(user.id, "screen", both), (user.id, "api", both),
                       (user.id, "screen", both)]


def test_a_token_call_is_logged_as_its_account(app, expert, make_user):
    user = make_user("curator")
    _row, token = accounts.create_token(user)
    response = app.test_client().get(f"/api/v1/experts/{expert.id}",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.json["email"] == "lien.lac@example.org"
    assert views() == [(user.id, "api", ["email", "phone"])]


def test_the_owner_and_anonymous_readers_are_not_logged(app, add, make_user):
    public = add(full_name="Công Khai Liên Lạc", visibility="public", email="ck@example.org",
                 email_visibility="public")
    owner = client_for(app, make_user("expert", expert=public))
    assert "ck@example.org" in owner.get(f"/experts/{public.id}").text
    owner.get(f"/experts/{public.id}/edit")
    assert "ck@example.org" in app.test_client().get(f"/experts/{public.id}").text
    assert views() == []


def test_nothing_shown_nothing_logged(app, expert, make_user):
    client = client_for(app, make_user("expert"))  # another expert: an officials' profile
    assert client.get(f"/experts/{expert.id}").status_code == 404
    assert views() == []


def test_the_person_sees_curators_by_role_and_officials_by_address(app, expert, make_user):
    owner = make_user("expert", expert=expert)
    curator, official = make_user("curator"), make_user("official")
    client_for(app, curator).get(f"/experts/{expert.id}")
    client_for(app, official).get(f"/experts/{expert.id}")
    page = client_for(app, owner).get("/account/privacy", headers={"Accept-Language": "en"}).text
    assert f"Official: {official.email}" in page
    assert ">Curator</td>" in page and curator.email not in page
    data = client_for(app, owner).get("/account/data.json").json
    assert [(view["role"], view["who"]) for view in data["contact_views"]] == \
        [("official", official.email), ("curator", "")]
