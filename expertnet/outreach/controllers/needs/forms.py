"""The need form. As for profiles, WTForms only carries the values: the checks are
``records.normalize``'s, and its messages are put on the fields."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField

from expertnet.core import places, vocab
from expertnet.core.i18n import _l, current_language
from expertnet.core.text import fold
from expertnet.taxonomy import store as catalog
from expertnet.web.forms import CheckboxesField, choice_list


class NeedForm(FlaskForm):
    title = StringField(_l("Title"))
    description = TextAreaField(_l("What is needed (in Vietnamese or English)"))
    organization = StringField(_l("Organisation or department asking"))
    fields = SelectMultipleField(_l("Fields"), validate_choice=False)
    available_for = CheckboxesField(_l("Kind of help"), validate_choice=False)
    language = SelectField(_l("Language of the work"), validate_choice=False)
    starts_on = StringField(_l("From (date)"))
    ends_on = StringField(_l("Until (date)"))
    location = StringField(_l("Venue"))
    online = BooleanField(_l("Online"))
    shared = BooleanField(_l("Share with colleagues of my department"))

    COLUMNS = ("title", "description", "organization", "fields", "available_for", "language",
               "starts_on", "ends_on", "location", "online", "shared")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        taxonomy = catalog.load()
        self.fields.choices = choice_list(
            [(code, "— " * len(taxonomy.ancestors(code)) + field.name(language))
             for code, field in taxonomy.fields.items()])
        self.available_for.choices = choice_list(vocab.AVAILABILITY.items())
        codes = sorted(places.language_codes(),
                       key=lambda code: fold(places.language_name(code, language)))
        self.language.choices = choice_list(
            [("", _l("Any")), *((code, places.language_name(code, language)) for code in codes)])

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}
