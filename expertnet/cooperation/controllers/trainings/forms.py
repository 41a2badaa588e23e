"""The course form: values only; the checks are ``trainings.normalize``'s, and their
messages are put on the fields."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from expertnet.cooperation import common
from expertnet.core.i18n import _l
from expertnet.web.forms import choice_list


class TrainingForm(FlaskForm):
    topic = StringField(_l("Topic"))
    starts_on = StringField(_l("From (date)"))
    ends_on = StringField(_l("Until (date)"))
    organiser = SelectField(_l("Organiser (organisation record)"), validate_choice=False)
    organiser_name = StringField(_l("Organiser, if it has no record"))
    department = StringField(_l("Department recording the course"))
    location = StringField(_l("Venue"))
    trainees_officials = StringField(_l("Trainees: officials"))
    trainees_enterprises = StringField(_l("Trainees: enterprises"))
    trainees_community = StringField(_l("Trainees: community digital teams"))
    trainees_students = StringField(_l("Trainees: students"))
    description = TextAreaField(_l("Description"))

    COLUMNS = ("topic", "starts_on", "ends_on", "organiser", "organiser_name", "department",
               "location", "trainees_officials", "trainees_enterprises", "trainees_community",
               "trainees_students", "description")
    NUMBERS = ("trainees_officials", "trainees_enterprises", "trainees_community", "trainees_students")

    def __init__(self, viewer, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organiser.choices = choice_list([("", _l("None: type the name below")),
                                              *[(str(key), name) for key, name
                                                in common.organisations_for(viewer)]])

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}
