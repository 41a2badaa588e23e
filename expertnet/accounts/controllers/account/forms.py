"""Forms of the account pages."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from expertnet.core.i18n import LANGUAGE_NAMES, _l
from expertnet.web.forms import choice_list


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[InputRequired()])
    new_password = PasswordField(_l("New password"), validators=[InputRequired(), Length(max=1024)])
    confirm = PasswordField(_l("New password again"), validators=[
        InputRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))])


class LanguageForm(FlaskForm):
    language = SelectField(_l("Language of the interface"),
                           choices=choice_list([("", _l("As chosen in the browser")),
                                                *LANGUAGE_NAMES.items()]))


class TokenForm(FlaskForm):
    name = StringField(_l("What the token is for"), validators=[Length(max=100)])
