"""Forms of saved searches. The search parameters travel as hidden inputs named like the
search page's (q, kind, field …) and are checked by ``saved_searches.pairs_from``."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from expertnet.core.i18n import _l
from expertnet.outreach import saved_searches
from expertnet.web.forms import choice_list


class SaveSearchForm(FlaskForm):
    name = StringField(_l("Name of the saved search"), validators=[
        DataRequired(message=_l("Give the saved search a name.")),
        Length(max=saved_searches.MAX_NAME,
               message=_l("At most %(max)d characters.", max=saved_searches.MAX_NAME))])
    frequency = SelectField(_l("E-mail me the new experts"),
                            choices=choice_list(saved_searches.FREQUENCIES.items()), default="daily")
    need_id = HiddenField(validators=[Optional()])


class SettingsForm(FlaskForm):
    name = StringField(_l("Name of the saved search"), validators=[
        DataRequired(message=_l("Give the saved search a name.")),
        Length(max=saved_searches.MAX_NAME,
               message=_l("At most %(max)d characters.", max=saved_searches.MAX_NAME))])
    frequency = SelectField(_l("E-mail me the new experts"),
                            choices=choice_list(saved_searches.FREQUENCIES.items()))
