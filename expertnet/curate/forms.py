"""Forms of the duplicate pages. The per-item choices of a merge are radio buttons
named ``choice-<column>`` read by the view (their set depends on the two profiles);
each value is checked there against "a", "b" and "both"."""
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import InputRequired

from expertnet.formkit import choice_list
from expertnet.i18n import _l


class MergeForm(FlaskForm):
    keep = RadioField(_l("Profile to keep"), choices=choice_list([("a", "a"), ("b", "b")]), default="a",
                      validators=[InputRequired()])
    # The versions the curator compared: a profile changed since is not merged.
    version_a = HiddenField(validators=[InputRequired()])
    version_b = HiddenField(validators=[InputRequired()])


class PostForm(FlaskForm):
    """A button that changes something (dismiss a pair, search again): CSRF only."""
