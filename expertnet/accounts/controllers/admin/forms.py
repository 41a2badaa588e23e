"""Forms of the account administration."""
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from expertnet.core import vocab
from expertnet.core.i18n import _l
from expertnet.web.forms import choice_list


def _role_choices():
    return choice_list(vocab.ROLES.items())


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=_role_choices())
    password = PasswordField(_l("Initial password"), validators=[InputRequired(), Length(max=1024)])
    # Read by accounts (text.parse_id), like every id typed into a form.
    expert_id = StringField(_l("Number of the profile this account owns (experts)"),
                            validators=[Optional()],
                            render_kw={"inputmode": "numeric"})
    department = StringField(_l("Department or organisation (officials)"),
                             validators=[Length(max=200)])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_role_choices())


class DepartmentForm(FlaskForm):
    department = StringField(_l("Department"), validators=[Length(max=200)])
