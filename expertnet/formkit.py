"""Small helpers shared by the forms of several blueprints."""
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from expertnet import places
from expertnet.i18n import _l
from expertnet.text import fold

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def choice_list(pairs):
    """``[(value, label), ...]`` as choices that every supported WTForms accepts."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]


def country_choices(language, empty=None):
    """Countries as choices, named and sorted in ``language`` (``empty`` first if given)."""
    codes = sorted(places.country_codes(), key=lambda code: fold(places.country_name(code, language)))
    pairs = [(code, places.country_name(code, language)) for code in codes]
    return choice_list([empty, *pairs] if empty else pairs)


class NewPasswordForm(FlaskForm):
    """Choosing a password (claiming a profile, a reset, an admin setting one): the
    rules are ``passwords.policy_problems``'s, checked by the account service."""

    password = PasswordField(_l("New password"), validators=[InputRequired(), Length(max=1024)])
    confirm = PasswordField(_l("New password again"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two new passwords differ."))])
