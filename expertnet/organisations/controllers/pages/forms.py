"""The organisations' forms: values only; the checks are ``organisations.validation``'s
and ``writes``'s, and their messages are put on the fields."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField

from expertnet.core import vocab
from expertnet.core.i18n import _l, current_language
from expertnet.organisations.importer import MODE_LABELS
from expertnet.organisations.vocab import TYPES
from expertnet.taxonomy import store as catalog
from expertnet.web.forms import choice_list, country_choices


def _field_choices():
    language = current_language()
    taxonomy = catalog.load()
    return choice_list([(code, "— " * len(taxonomy.ancestors(code)) + field.name(language))
                        for code, field in taxonomy.fields.items()])


class OrganisationForm(FlaskForm):
    name_vi = StringField(_l("Name in Vietnamese"))
    name_en = StringField(_l("Name in English"))
    acronym = StringField(_l("Acronym"))
    other_names = StringField(_l("Other names (separated by ;)"))
    type = SelectField(_l("Type of organisation"), validate_choice=False)
    country = SelectField(_l("Country"), validate_choice=False)
    city = StringField(_l("City"))
    parent = StringField(_l("Parent organisation (number or name)"))
    website = StringField(_l("Website"))
    fields = SelectMultipleField(_l("Fields"), validate_choice=False)
    strategic_partner = BooleanField(_l("Strategic partner"))
    description_vi = TextAreaField(_l("Description in Vietnamese"))
    description_en = TextAreaField(_l("Description in English"))
    visibility = SelectField(_l("Who may see it"), validate_choice=False)
    external_id = StringField(_l("Import id"))

    COLUMNS = ("name_vi", "name_en", "acronym", "other_names", "type", "country", "city", "parent",
               "website", "fields", "strategic_partner", "description_vi", "description_en",
               "visibility", "external_id")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.type.choices = choice_list([("", _l("Choose…")), *TYPES.items()])
        self.country.choices = country_choices(current_language(), empty=("", _l("Not given")))
        self.fields.choices = _field_choices()
        self.visibility.choices = choice_list(vocab.VISIBILITY.items())

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}


class ContactForm(FlaskForm):
    expert_id = StringField(_l("Profile number (if the person has a profile)"))
    name = StringField(_l("Name"))
    role = StringField(_l("Role or position"))
    email = StringField(_l("E-mail"))
    phone = StringField(_l("Phone"))
    visibility = SelectField(_l("Who may see this contact"), validate_choice=False)
    email_visibility = SelectField(_l("Who may see the e-mail"), validate_choice=False)
    phone_visibility = SelectField(_l("Who may see the phone"), validate_choice=False)
    consented = BooleanField(_l("The person agreed to be listed as a contact"))

    COLUMNS = ("expert_id", "name", "role", "email", "phone", "visibility", "email_visibility",
               "phone_visibility", "consented")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("visibility", "email_visibility", "phone_visibility"):
            self[name].choices = choice_list(vocab.VISIBILITY.items())
        if not self.visibility.data:
            self.visibility.data = "curators"
        for name in ("email_visibility", "phone_visibility"):
            if not self[name].data:
                self[name].data = "officials"

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}


class AffiliationForm(FlaskForm):
    expert_id = StringField(_l("Profile number"))
    role = StringField(_l("Role or position"))
    start_year = StringField(_l("From (year)"))
    end_year = StringField(_l("Until (year; empty if current)"))

    COLUMNS = ("expert_id", "role", "start_year", "end_year")

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV UTF-8 or XLSX)"))
    mode = SelectField(_l("Mode"), validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = choice_list(MODE_LABELS.items())
