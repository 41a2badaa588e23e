"""The contact request form."""
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length

from expertnet import vocab
from expertnet.formkit import choice_list
from expertnet.i18n import _l


class ContactRequestForm(FlaskForm):
    purpose = SelectField(_l("Purpose"), validate_choice=False)
    message = TextAreaField(_l("Message to the expert"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.purpose.choices = choice_list(vocab.AVAILABILITY.items())
