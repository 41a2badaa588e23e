"""The engagement form: values only; the checks are ``engagement_records.normalize``'s."""
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from expertnet.cooperation import common
from expertnet.core import vocab
from expertnet.core.i18n import _l, _lp
from expertnet.web.forms import choice_list


class EngagementForm(FlaskForm):
    expert_id = StringField(_l("Number of the expert's profile"))
    need_id = SelectField(_l("For the need"), validate_choice=False)
    kind = SelectField(_l("What happened"), validate_choice=False)
    title = StringField(_lp("engagement", "Title"))
    starts_on = StringField(_l("From (date)"))
    ends_on = StringField(_l("Until (date)"))
    department = StringField(_l("Department or organisation served"))
    organisation = SelectField(_l("Organisation served (record of the register, optional)"),
                               validate_choice=False)
    outcome = TextAreaField(_lp("engagement", "Outcome"))

    COLUMNS = ("kind", "title", "starts_on", "ends_on", "department", "outcome")

    def __init__(self, *args, needs=(), viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choice_list([("", _l("Choose…")), *vocab.ENGAGEMENT_KINDS.items()])
        self.need_id.choices = choice_list(
            [("", _l("No need")), *((str(need.id), need.title) for need in needs)])
        organisations = common.organisations_for(viewer) if viewer is not None else []
        self.organisation.choices = choice_list(
            [("", _l("None (the need's organisation, if it has one)")),
             *((str(key), name) for key, name in organisations)])

    def raw(self):
        return {**{name: self[name].data for name in self.COLUMNS},
                "organisation": self.organisation.data or ""}
