"""The form of an official abroad: values only; the checks are
``officials_abroad.normalize``'s, and their messages are put on the fields."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from expertnet.cooperation import common
from expertnet.cooperation import officials_abroad as records
from expertnet.core.i18n import _l, current_language, format_day
from expertnet.web.forms import choice_list, country_choices


class OfficialAbroadForm(FlaskForm):
    user = SelectField(_l("Official (account)"), validate_choice=False)
    name = StringField(_l("Official's name, if they have no account"))
    department = StringField(_l("Department"))
    host = SelectField(_l("Host institution (organisation record)"), validate_choice=False)
    host_name = StringField(_l("Host institution, if it has no record"))
    country = SelectField(_l("Country"), validate_choice=False)
    purpose = SelectField(_l("Purpose"), validate_choice=False)
    starts_on = StringField(_l("From (date)"))
    ends_on = StringField(_l("Until (date)"))
    mission = SelectField(_l("Part of the delegation"), validate_choice=False)
    note = TextAreaField(_l("Note"))

    COLUMNS = ("user", "name", "department", "host", "host_name", "country", "purpose",
               "starts_on", "ends_on", "mission", "note")
    NUMBERS = ()

    def __init__(self, viewer, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user.choices = choice_list([("", _l("None: type the name below")),
                                         *[(str(user.id), user.email) for user in records.accounts()]])
        self.host.choices = choice_list([("", _l("None: type the name below")),
                                         *[(str(key), name) for key, name
                                           in common.organisations_for(viewer)]])
        self.country.choices = country_choices(current_language(), empty=("", _l("Choose…")))
        self.purpose.choices = choice_list([("", _l("Choose…")), *records.PURPOSES.items()])
        self.mission.choices = choice_list([("", _l("None"))] + [
            (str(mission.id), f"{mission.title} ({format_day(mission.starts_on)})")
            for mission in records.outgoing_missions()])

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}
