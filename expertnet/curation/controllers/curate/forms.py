"""Forms of the curators' tools. Fields that depend on the file (one select per
header, one text box per mapped column) are read from the request by the views and
checked against the allowed values; these forms carry the CSRF token and the fixed
fields. Likewise the per-item choices of a merge are radio buttons named
``choice-<column>`` read by the view (their set depends on the two profiles); each value
is checked there against "a", "b" and "both"."""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, InputRequired, Optional

from expertnet.core.i18n import _l
from expertnet.web.forms import choice_list

# import_modes.MODES and VISIBILITIES, each with the plain sentence the curator reads.
MODE_CHOICES = [
    ("update", _l("Update: a filled cell replaces the stored value, an empty cell keeps it, "
                  "list cells add their values.")),
    ("fill", _l("Fill in: only values that are empty today are filled; nothing stored is "
                "changed.")),
    ("replace", _l("Replace: the row is the whole truth; empty cells erase stored values "
                   "(you confirm what is erased before the import).")),
]
CONSENTED_VISIBILITY_CHOICES = [
    ("public", _l("Everyone (public)")),
    ("officials", _l("Officials only")),
    ("curators", _l("Curators only")),
]


class ImportOptionsForm(FlaskForm):
    """How a batch writes its rows: the mode, and who sees a row that consents to
    publication and has no visibility cell (not posted: the defaults, ``update`` and
    ``public``)."""

    mode = RadioField(_l("How rows change existing profiles"), choices=choice_list(MODE_CHOICES),
                      default="update", validators=[Optional()])
    consented_visibility = RadioField(
        _l("Who sees people who consented to publication (rows without a visibility cell)"),
        choices=choice_list(CONSENTED_VISIBILITY_CHOICES), default="public",
        validators=[Optional()])


class UploadForm(ImportOptionsForm):
    file = FileField(_l("CSV or XLSX file"), validators=[
        FileRequired(message=_l("Choose a file to import."))])


class ConfirmForm(FlaskForm):
    """A deliberate step: the button posts ``confirm=1``; without it nothing happens."""

    confirm = HiddenField(validators=[InputRequired(), AnyOf(["1"])])


class TokenForm(FlaskForm):
    """Only the CSRF token; the rest of the posted fields are read by the view."""


class BulkForm(FlaskForm):
    """A bulk action on selected profiles of the data quality page."""

    action = SelectField(_l("Action"), validate_choice=False)
    field = SelectField(_l("Field to add"), validate_choice=False)
    visibility = SelectField(_l("Who sees the profiles"), validate_choice=False)
    ids = SelectMultipleField(validate_choice=False)
    confirm = HiddenField()


class MergeForm(FlaskForm):
    keep = RadioField(_l("Profile to keep"), choices=choice_list([("a", "a"), ("b", "b")]), default="a",
                      validators=[InputRequired()])
    # The versions the curator compared: a profile changed since is not merged.
    version_a = HiddenField(validators=[InputRequired()])
    version_b = HiddenField(validators=[InputRequired()])


class PostForm(FlaskForm):
    """A button that changes something (dismiss a pair, search again): CSRF only."""


class TermDecisionForm(FlaskForm):
    """A curator's decision on a pair of the bilingual term list: accept (with the terms
    as edited in the two boxes), reject a suggestion, or remove an accepted pair. Each
    decision is a button named after it (``accept=1``); exactly one is posted."""

    DECISIONS = ("accept", "reject", "remove")

    pair_id = HiddenField(validators=[InputRequired()])
    accept = BooleanField()
    reject = BooleanField()
    remove = BooleanField()
    vi = StringField(_l("Vietnamese term"), validators=[Optional()])
    en = StringField(_l("English term"), validators=[Optional()])

    @property
    def decision(self):
        """The decision posted, or None when none or several were."""
        chosen = [name for name in self.DECISIONS if self[name].data]
        return chosen[0] if len(chosen) == 1 else None
