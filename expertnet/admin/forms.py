"""Forms of the account administration."""
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, PasswordField, SelectField
from wtforms.validators import InputRequired, Length, Optional

from expertnet import vocab
from expertnet.formkit import choice_list
from expertnet.i18n import _l


def _role_choices():
    return choice_list(vocab.ROLES.items())


class NewUserForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    role = SelectField(_l("Role"), choices=_role_choices())
    password = PasswordField(_l("Initial password"), validators=[InputRequired(), Length(max=1024)])
    expert_id = IntegerField(_l("Number of the profile this account owns (experts)"),
                             validators=[Optional()])


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=_role_choices())
