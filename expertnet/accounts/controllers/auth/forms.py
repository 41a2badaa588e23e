"""Forms of logging in, resetting a password and registering (labels are lazy: they
are translated when rendered)."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from expertnet.accounts import consent
from expertnet.core import vocab
from expertnet.core.i18n import _l, current_language
from expertnet.web.forms import choice_list, country_choices


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    # No length rule here: a wrong password must get the same answer whatever its length.
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])
    remember = BooleanField(_l("Remember me on this computer for two weeks"))


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])


class RegistrationForm(FlaskForm):
    """The account, the least of a profile (the rest is edited afterwards), who should
    see it once approved, and one unticked box per consent purpose. The checks beyond
    "filled in" are the account service's and ``validation.normalize``'s."""

    email = EmailField(_l("E-mail address"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])
    confirm = PasswordField(_l("Password again"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two passwords differ."))])
    full_name = StringField(_l("Full name"), validators=[InputRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of expert"), validate_choice=False)
    country = SelectField(_l("Country of residence"), validate_choice=False)
    visibility = SelectField(_l("Who sees the profile once a curator has approved it"),
                             validate_choice=False, default="officials")
    # Never ticked in advance: silence or a pre-ticked box is not consent.
    consent_publish = BooleanField(consent.PURPOSES["publish"], default=False)
    consent_contact = BooleanField(consent.PURPOSES["contact"], default=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        empty = ("", _l("Choose…"))
        self.kind.choices = choice_list([empty, *vocab.KINDS.items()])
        self.country.choices = country_choices(current_language(), empty)
        self.visibility.choices = choice_list(vocab.VISIBILITY.items())

    def consents(self):
        return {"publish": bool(self.consent_publish.data),
                "contact": bool(self.consent_contact.data)}
class ConfirmPasswordForm(FlaskForm):
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=1024)])
