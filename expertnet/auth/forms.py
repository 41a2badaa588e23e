"""Forms of logging in (labels are lazy: they are translated when rendered)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from expertnet.i18n import _l


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    # No length rule here: a wrong password must get the same answer whatever its length.
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])
    remember = BooleanField(_l("Remember me on this computer for two weeks"))


class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])
