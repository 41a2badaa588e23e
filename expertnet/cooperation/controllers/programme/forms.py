"""The forms of events, delegations and agreements: values only; the checks are the
``cooperation`` modules' (``normalize``), and their messages are put on the fields."""
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField

from expertnet.cooperation import common
from expertnet.core import vocab
from expertnet.core.i18n import _l, _lp, current_language
from expertnet.taxonomy import store as catalog
from expertnet.web.forms import choice_list, country_choices


def _field_choices():
    language = current_language()
    taxonomy = catalog.load()
    return choice_list([(code, "— " * len(taxonomy.ancestors(code)) + field.name(language))
                        for code, field in taxonomy.fields.items()])


class _Form(FlaskForm):
    COLUMNS = ()

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}


class EventForm(_Form):
    kind = SelectField(_l("Kind of event"), validate_choice=False)
    title = StringField(_lp("event", "Title"))
    starts_on = StringField(_l("From (date)"))
    ends_on = StringField(_l("Until (date)"))
    location = StringField(_l("Venue"))
    online = BooleanField(_l("Online"))
    department = StringField(_l("Organising department"))
    organisers = SelectMultipleField(_l("Organising organisations (records of the register, optional)"),
                                     validate_choice=False)
    partners = SelectMultipleField(_l("Partner organisations (records of the register, optional)"),
                                   validate_choice=False)
    fields = SelectMultipleField(_l("Fields"), validate_choice=False)
    description = TextAreaField(_l("Description"))

    COLUMNS = ("kind", "title", "starts_on", "ends_on", "location", "online", "department",
               "organisers", "partners", "fields", "description")
    ORGANISATION_COLUMNS = ("organisers", "partners")

    def __init__(self, viewer, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choice_list([("", _l("Choose…")), *vocab.EVENT_KINDS.items()])
        self.fields.choices = _field_choices()
        organisations = [(str(key), name) for key, name in common.organisations_for(viewer)]
        self.organisers.choices = organisations
        self.partners.choices = organisations


class MissionForm(_Form):
    direction = SelectField(_l("Direction"), validate_choice=False)
    title = StringField(_lp("delegation", "Title"))
    country = SelectField(_l("Country"), validate_choice=False)
    city = StringField(_l("City"))
    starts_on = StringField(_l("From (date)"))
    ends_on = StringField(_l("Until (date)"))
    department = StringField(_l("Department"))
    purpose = TextAreaField(_l("Purpose"))
    officials = TextAreaField(_l("Officials in the delegation (one per line)"))
    organisations = TextAreaField(_l("Organisations met (one per line)"))

    COLUMNS = ("direction", "title", "country", "city", "starts_on", "ends_on", "department",
               "purpose", "officials", "organisations")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.direction.choices = choice_list([("", _l("Choose…")),
                                              *vocab.MISSION_DIRECTIONS.items()])
        self.country.choices = country_choices(current_language(), empty=("", _l("Choose…")))


class AgreementForm(_Form):
    title = StringField(_lp("agreement", "Title"))
    partner = StringField(_l("Partner organisation"))
    partner_country = SelectField(_l("Country of the partner"), validate_choice=False)
    partner_scope = SelectField(_l("Domestic or foreign partner"), validate_choice=False)
    status = SelectField(_l("Status"), validate_choice=False)
    signed_on = StringField(_l("Signed on (date)"))
    ends_on = StringField(_l("Ends on (date)"))
    department = StringField(_l("Department"))
    fields = SelectMultipleField(_l("Fields"), validate_choice=False)
    description = TextAreaField(_l("Description"))

    COLUMNS = ("title", "partner", "partner_country", "partner_scope", "status", "signed_on",
               "ends_on", "department", "fields", "description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner_country.choices = country_choices(current_language(),
                                                       empty=("", _l("Not given")))
        self.partner_scope.choices = choice_list([("", _l("From the country")),
                                                  *vocab.PARTNER_SCOPES.items()])
        self.status.choices = choice_list(vocab.AGREEMENT_STATUSES.items())
        self.fields.choices = _field_choices()
