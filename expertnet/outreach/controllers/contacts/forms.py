"""The contact request form, and what a curator records after reaching a person for the
Department."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import Length

from expertnet.core import vocab
from expertnet.core.i18n import _l
from expertnet.web.forms import choice_list


class ContactRequestForm(FlaskForm):
    purpose = SelectField(_l("Purpose"), validate_choice=False)
    message = TextAreaField(_l("Message to the expert"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = choice_list(vocab.AVAILABILITY.items())


class OutcomeForm(FlaskForm):
    """The person's answer to the Department. The outcome is checked against
    ``contact_requests.OUTCOMES`` by the write function (a forged value is a 400)."""

    outcome = RadioField(_l("What the person answered"), validate_choice=False, choices=choice_list([
        ("consent", _l("Agreed to be contacted by this official for this need")),
        ("declined", _l("Declined")),
        ("no_answer", _l("No answer in the time given")),
    ]))
    share_email = BooleanField(_l("The person agrees to share their e-mail address"))
    share_phone = BooleanField(_l("The person agrees to share their phone number"))
    note = TextAreaField(_l("How the person was reached (for curators only)"),
                         validators=[Length(max=2000)])

    def shared(self):
        return tuple(name for name, field in (("email", self.share_email),
                                              ("phone", self.share_phone)) if field.data)
