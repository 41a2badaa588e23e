"""The marketplace's forms: values only; the checks are ``offers.normalize`` and
``demands.normalize``, whose messages are put on the fields."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField

from expertnet.core import vocab as core_vocab
from expertnet.core.i18n import _l, current_language
from expertnet.organisations.models import Organisation
from expertnet.taxonomy import store as catalog
from expertnet.technology import vocab
from expertnet.web.forms import CheckboxesField, choice_list


def _field_choices():
    language = current_language()
    taxonomy = catalog.load()
    return choice_list([(code, "— " * len(taxonomy.ancestors(code)) + field.name(language))
                        for code, field in taxonomy.fields.items()])


def organisation_choices(empty):
    language = current_language()
    rows = sorted(Organisation.select(), key=lambda row: row.name(language).lower())
    return choice_list([("", empty), *((str(row.id), row.name(language)) for row in rows)])


def _visibility_choices():
    return choice_list(core_vocab.VISIBILITY.items())


class _Form(FlaskForm):
    COLUMNS = ()

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}


class OfferForm(_Form):
    title_vi = StringField(_l("Title in Vietnamese"))
    title_en = StringField(_l("Title in English"))
    description_vi = TextAreaField(_l("Description in Vietnamese"))
    description_en = TextAreaField(_l("Description in English"))
    fields = SelectMultipleField(_l("Fields"), validate_choice=False)
    trl = SelectField(_l("Technology readiness level (TRL)"), validate_choice=False)
    ip_status = SelectField(_l("Intellectual property"), validate_choice=False)
    transfer_models = CheckboxesField(_l("Transfer models"), validate_choice=False)
    price = StringField(_l("Indicative price (VND)"))
    negotiable = BooleanField(_l("Price negotiable"))
    organisation = SelectField(_l("Owner organisation"), validate_choice=False)
    experts = StringField(_l("Numbers of the experts' profiles (separated by spaces)"))
    contact_name = StringField(_l("Contact person"))
    contact_email = StringField(_l("Contact e-mail"))
    contact_phone = StringField(_l("Contact telephone"))
    visibility = SelectField(_l("Who may see it once published"), validate_choice=False)

    COLUMNS = ("title_vi", "title_en", "description_vi", "description_en", "fields", "trl", "ip_status",
               "transfer_models", "price", "negotiable", "organisation", "experts", "contact_name",
               "contact_email", "contact_phone", "visibility")

    def __init__(self, *args, represented=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.choices = _field_choices()
        self.trl.choices = choice_list([("", _l("Choose…")),
                                        *((str(level), label) for level, label in vocab.TRL_LEVELS.items())])
        self.ip_status.choices = choice_list([("", _l("Choose…")), *vocab.IP_STATUSES.items()])
        self.transfer_models.choices = choice_list(vocab.TRANSFER_MODELS.items())
        self.organisation.choices = organisation_choices(_l("None"))
        self.visibility.choices = _visibility_choices()
        if represented:
            del self.organisation  # a representative's records are their organisation's
            self.COLUMNS = tuple(name for name in self.COLUMNS if name != "organisation")


class DemandForm(_Form):
    title = StringField(_l("The demand in a few words"))
    problem = TextAreaField(_l("The problem, in plain words"))
    desired_outcome = TextAreaField(_l("The outcome wanted"))
    language = SelectField(_l("Written in"), validate_choice=False)
    fields = SelectMultipleField(_l("Fields"), validate_choice=False)
    budget_min = StringField(_l("Budget from (VND)"))
    budget_max = StringField(_l("Budget up to (VND)"))
    deadline = StringField(_l("Wanted by (date)"))
    location = StringField(_l("Location"))
    organisation = SelectField(_l("Organisation that asks"), validate_choice=False)
    identity_visibility = SelectField(_l("Who may see which organisation asks"), validate_choice=False)
    contact_name = StringField(_l("Contact person"))
    contact_email = StringField(_l("Contact e-mail"))
    contact_phone = StringField(_l("Contact telephone"))
    visibility = SelectField(_l("Who may see the demand once published"), validate_choice=False)

    COLUMNS = ("title", "problem", "desired_outcome", "language", "fields", "budget_min", "budget_max",
               "deadline", "location", "organisation", "identity_visibility", "contact_name",
               "contact_email", "contact_phone", "visibility")

    def __init__(self, *args, represented=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = choice_list(vocab.DEMAND_LANGUAGES.items())
        self.fields.choices = _field_choices()
        self.organisation.choices = organisation_choices(_l("Choose…"))
        self.identity_visibility.choices = _visibility_choices()
        self.visibility.choices = _visibility_choices()
        if represented:
            del self.organisation
            self.COLUMNS = tuple(name for name in self.COLUMNS if name != "organisation")
