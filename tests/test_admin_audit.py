"""Account management (admins, CLI) and the audit trail."""
from conftest import PASSWORD, log_in, post_form

from expertnet.accounts.models import User
from expertnet.core.models import Audit
from expertnet.directory import writes


def test_create_user_from_the_command_line(runner, app):
    result = runner.invoke(args=["create-user", "Admin@Example.org", "--role", "admin",
                                 "--password-stdin"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    user = User.get(User.email == "admin@example.org")
    assert user.role == "admin" and user.password_hash.startswith("$argon2id$")
    assert log_in(app.test_client(), "admin@example.org").status_code == 302
    weak = runner.invoke(args=["create-user", "b@example.org", "--role", "admin", "--password-stdin"],
                         input="password\n")
    assert weak.exit_code == 1 and User.select().count() == 1
    assert runner.invoke(args=["create-user", "c@example.org", "--role", "root"]).exit_code == 2
    # Without a password the account exists but nobody can log in to it.
    assert runner.invoke(args=["create-user", "d@example.org", "--role", "curator"]).exit_code == 0
    assert log_in(app.test_client(), "d@example.org", "").status_code in (200, 400)
    assert Audit.select().where(Audit.action == "user.create", Audit.source == "cli").count() == 2


def test_there_is_no_default_account(app):
    assert User.select().count() == 0


def test_admins_create_deactivate_and_change_roles_audited(client, make_user, login):
    admin = make_user("admin")
    login(admin)
    response = post_form(client, "/admin/users", {"email": "New.Official@example.org",
                                                  "role": "official", "password": PASSWORD})
    assert response.status_code == 302
    official = User.get(User.email == "new.official@example.org")
    other = app_client_logged_in(client, official)
    assert other.get("/account").status_code == 200

    post_form(client, f"/admin/users/{official.id}/role", {"role": "curator"},
              form_path="/admin/users")
    assert User.get_by_id(official.id).role == "curator"
    # A role change ends the account's sessions.
    assert other.get("/account").status_code == 302

    other = app_client_logged_in(client, official)
    post_form(client, f"/admin/users/{official.id}/deactivate", {}, form_path="/admin/users")
    assert not User.get_by_id(official.id).active
    assert other.get("/account").status_code == 302

    actions = [(row.action, row.actor_id, row.source) for row in Audit.select().order_by(Audit.id)]
    assert actions[-3:] == [("user.create", admin.id, "screen"), ("user.role", admin.id, "screen"),
                            ("user.deactivate", admin.id, "screen")]
    assert Audit.select().order_by(Audit.id.desc()).first().changed["user"] == official.id


def app_client_logged_in(client, user):
    other = client.application.test_client()
    assert log_in(other, user.email).status_code == 302
    return other


def test_admin_forms_refuse_bad_input(client, make_user, login):
    login(make_user("admin"))
    page = post_form(client, "/admin/users", {"email": "x@example.org", "role": "official",
                                              "password": "12345678"})
    assert page.status_code == 200 and User.select().count() == 1
    target = make_user("official")
    response = post_form(client, f"/admin/users/{target.id}/role", {"role": "emperor"},
                         form_path="/admin/users")
    assert response.status_code == 400 and User.get_by_id(target.id).role == "official"


def test_only_admins_manage_accounts(client, make_user, login):
    target = make_user("official")
    login(make_user("curator"))
    assert client.get("/admin/users").status_code == 403
    response = post_form(client, f"/admin/users/{target.id}/deactivate", {}, form_path="/account")
    assert response.status_code == 403 and User.get_by_id(target.id).active


def test_every_profile_write_is_audited_with_old_and_new_values(app, make_user):
    curator = make_user("curator")
    outcome = writes.save_profile({"kind": "domestic", "full_name": "Lê Thị Hoa",
                                     "visibility": "public"}, actor=curator.id, via="screen")
    expert = outcome.expert
    writes.save_profile({"organization": "Đại học Hàng hải", "fields": "ai"}, expert=expert,
                          actor=curator.id, via="screen")
    rows = list(Audit.select().where(Audit.expert_id == expert.id).order_by(Audit.id))
    assert [row.action for row in rows] == ["profile.create", "profile.update"]
    assert rows[0].changed["full_name"] == [None, "Lê Thị Hoa"] or \
        rows[0].changed["full_name"][1] == "Lê Thị Hoa"
    assert rows[1].changed == {"organization": ["", "Đại học Hàng hải"], "fields": [[], ["ai"]]}
    assert rows[1].actor_id == curator.id and rows[1].source == "screen"
    # An unchanged save writes nothing.
    writes.save_profile({"organization": "Đại học Hàng hải"}, expert=expert)
    assert Audit.select().where(Audit.expert_id == expert.id).count() == 2


def test_imports_are_audited_as_imports(app, tmp_path, runner):
    path = tmp_path / "p.csv"
    path.write_text("external_id,kind,full_name\nX-1,domestic,Trần Văn Nam\n", encoding="utf-8")
    assert runner.invoke(args=["import-profiles", str(path)]).exit_code == 0
    row = Audit.get(Audit.action == "profile.create")
    assert row.source == "import" and row.actor_id is None


def test_officials_views_of_contact_details_are_logged(client, make_user, login, add):
    expert = add(full_name="Phạm Minh", email="minh@example.org", visibility="officials")
    official = make_user("official")
    login(official)
    assert "minh@example.org" in client.get(f"/experts/{expert.id}").get_data(as_text=True)
    assert client.get(f"/api/v1/experts/{expert.id}").json["email"] == "minh@example.org"
    views = list(Audit.select().where(Audit.action == "contact.view"))
    assert [(row.actor_id, row.expert_id, row.source) for row in views] == [
        (official.id, expert.id, "screen"), (official.id, expert.id, "api")]


def test_the_audit_log_is_read_only_and_for_curators_and_admins(client, make_user, login, add):
    add(full_name="Đỗ Văn Hải")
    login(make_user("official"))
    assert client.get("/admin/audit").status_code == 403
    login(make_user("curator"))
    page = client.get("/admin/audit")
    assert page.status_code == 200 and "profile.create" in page.get_data(as_text=True)
    # No route edits or deletes it: every audit route answers GET only.
    for rule in client.application.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule


def test_the_profile_number_of_a_new_account_is_read_as_typed(client, make_user, login, add):
    """The admin's "number of the profile" field: blank means none, "#12" or " 12 " (copied
    from a page) means profile 12, and anything else is no profile (never a 500)."""
    login(make_user("admin"))
    owned = add(full_name="Phạm Thị Hương", visibility="curators")
    cases = [("   ", None), (f" #{owned.id} ", owned.id), ("１２", "error"), ("9" * 40, "error")]
    for number, (typed, expected) in enumerate(cases):
        email = f"chuyen.gia.{number}@example.org"
        response = post_form(client, "/admin/users", {"email": email, "role": "expert",
                                                      "password": PASSWORD, "expert_id": typed},
                             form_path="/admin/users", headers={"Accept-Language": "en"})
        user = User.get_or_none(User.email == email)
        if expected == "error":
            assert response.status_code == 200 and "No such expert." in response.text
            assert user is None
        else:
            assert response.status_code == 302 and user.expert_id == expected, typed
