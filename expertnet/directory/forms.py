"""The profile form: every column of the data model, labelled in the reader's language.

WTForms only carries the values: the checks are ``validation.normalize``'s, the same
as for an import, and its messages are put on the fields. Choices are built per request
because their labels (taxonomy, countries, languages) depend on the reader's language.
"""
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length

from expertnet.core import places, vocab
from expertnet.core.i18n import LANGUAGE_NAMES, _l, current_language
from expertnet.core.text import fold
from expertnet.directory import validation
from expertnet.taxonomy import store as catalog
from expertnet.web.forms import CheckboxesField, NewPasswordForm, choice_list, country_choices

# Text fields holding a list: items separated by ";" (as in an import).
LIST_TEXT_FIELDS = ("other_names", "keywords")
# Multiple choices: a list of codes.
MULTI_FIELDS = ("fields", "languages", "available_for")
# What an owner may not change: a curator's classification and the import key.
CURATOR_ONLY = ("kind", "external_id")
VISIBILITY_FIELDS = ("visibility", "email_visibility", "phone_visibility")


def _select(label, **kwargs):
    # validate_choice=False: validation.normalize checks the value and says why in the
    # reader's language; WTForms' own message would be a second, different one.
    return SelectField(label, validate_choice=False, **kwargs)


def _multi(label, field_class=SelectMultipleField):
    return field_class(label, validate_choice=False)


class ProfileForm(FlaskForm):
    version = HiddenField()
    external_id = StringField(_l("Reference in the source file"))
    kind = _select(_l("Kind of expert"))
    full_name = StringField(_l("Full name"))
    other_names = StringField(_l("Other names (separated by ;)"))
    title = _select(_l("Academic title"))
    degree = _select(_l("Degree"))
    gender = _select(_l("Gender"))
    birth_year = StringField(_l("Year of birth"))
    hometown = StringField(_l("Hometown"))
    country = _select(_l("Country of residence"))
    city = StringField(_l("City"))
    organization = StringField(_l("Organisation"))
    position = StringField(_l("Position"))
    sector = _select(_l("Sector"))
    fields = _multi(_l("Fields of expertise"))
    keywords = StringField(_l("Keywords (separated by ;)"))
    languages = _multi(_l("Languages"))
    available_for = _multi(_l("Available for"), CheckboxesField)
    bio_vi = TextAreaField(_l("Biography in Vietnamese"))
    bio_en = TextAreaField(_l("Biography in English"))
    email = StringField(_l("E-mail address"))
    email_visibility = _select(_l("Who sees the e-mail address"))
    phone = StringField(_l("Phone"))
    phone_visibility = _select(_l("Who sees the phone number"))
    website = StringField(_l("Website"))
    orcid = StringField(_l("ORCID iD"))
    visibility = _select(_l("Who sees the profile"))

    def __init__(self, *args, curator=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not curator:
            # Removed, not hidden: a posted kind or external_id is never read.
            for name in CURATOR_ONLY:
                delattr(self, name)
        self._fill_choices()

    def _fill_choices(self):
        language = current_language()
        empty = ("", _l("Not given"))
        if "kind" in self:
            self.kind.choices = choice_list(vocab.KINDS.items())
        self.title.choices = choice_list([empty, *vocab.TITLES.items()])
        self.degree.choices = choice_list([empty, *vocab.DEGREES.items()])
        self.gender.choices = choice_list([empty, *vocab.GENDERS.items()])
        self.sector.choices = choice_list([empty, *vocab.SECTORS.items()])
        for name in VISIBILITY_FIELDS:
            self[name].choices = choice_list(vocab.VISIBILITY.items())
        self.country.choices = country_choices(language, empty)
        codes = sorted(places.language_codes(),
                       key=lambda code: fold(places.language_name(code, language)))
        self.languages.choices = choice_list(
            [(code, places.language_name(code, language)) for code in codes])
        self.available_for.choices = choice_list(vocab.AVAILABILITY.items())
        taxonomy = catalog.load()
        self.fields.choices = choice_list(
            [(code, "— " * len(taxonomy.ancestors(code)) + field.name(language))
             for code, field in taxonomy.fields.items()])

    def columns(self):
        """The profile columns this form edits (without ``version``)."""
        return [field.name for field in self if field.name not in ("version", "csrf_token")]

    def profile_values(self):
        """Raw values for ``writes.save_profile``: text as typed, lists as code lists."""
        raw = {}
        for name in self.columns():
            value = self[name].data
            if name in MULTI_FIELDS:
                raw[name] = [item for item in (value or []) if item]
            else:
                raw[name] = value if value is not None else ""
        return raw


def initial_values(expert, field_codes):
    """What the form shows for a stored profile."""
    data = {}
    for name in validation.COLUMNS:
        value = field_codes if name == "fields" else getattr(expert, name)
        if name in LIST_TEXT_FIELDS:
            value = "; ".join(value)
        elif name == "birth_year":
            value = "" if value is None else str(value)
        elif value is None:
            value = ""
        data[name] = value
    data["version"] = str(expert.version)
    return data


class ConsentForm(FlaskForm):
    """One decision about one purpose. ``agree`` is never ticked in advance: silence or
    a pre-ticked box is not consent."""

    purpose = HiddenField()
    decision = HiddenField()  # "grant" or "withdraw"
    notice_version = HiddenField()
    agree = BooleanField(_l("I have read the notice above and I agree to this purpose."),
                         default=False)


class InvitationForm(FlaskForm):
    email = EmailField(_l("E-mail address of the expert"),
                       validators=[InputRequired(), Length(max=254)])
    # The e-mail goes out in the language the curator picks for the expert.
    language = SelectField(_l("Language of the e-mail"), default="vi",
                           choices=choice_list(LANGUAGE_NAMES.items()))


# Claiming a profile is choosing a password.
ClaimForm = NewPasswordForm


class DelegateForm(FlaskForm):
    email = EmailField(_l("E-mail address of the delegate's account"),
                       validators=[InputRequired(), Length(max=254)])


class AcceptReviewForm(FlaskForm):
    """Accept a proposal as the curator saw it: ``version`` is the profile's version on
    the page, so a profile changed since is refused and shown again."""

    version = HiddenField(validators=[InputRequired()])


class RejectReviewForm(FlaskForm):
    reason = TextAreaField(_l("Reason (optional, shown to the expert)"),
                           validators=[Length(max=1000)])


class RestoreForm(FlaskForm):
    version = HiddenField(validators=[InputRequired()])


class RejectRegistrationForm(FlaskForm):
    # Required: the person is told why (by e-mail and on their account page).
    reason = TextAreaField(_l("Reason (shown to the expert)"),
                           filters=[lambda value: value.strip() if value else value],
                           validators=[DataRequired(message=_l("Give the reason: the expert is told it.")),
                                       Length(max=1000)])


class OrcidForm(FlaskForm):
    """Attach an ORCID iD and read its public record (an uploaded file, or fetched
    when the server may). The iD's check digit is tested by the view (``orcid``)."""

    orcid = StringField(_l("ORCID iD"), validators=[
        DataRequired(message=_l("Type the ORCID iD.")), Length(max=60)])
    file = FileField(_l("The ORCID record (JSON file)"))


class OrcidApplyForm(FlaskForm):
    """The ticked fields (``apply``) are read by the view; the version is the profile's
    when the preview was shown."""

    version = HiddenField(validators=[InputRequired()])


def column_labels():
    """The profile's columns named as the form labels them, in the reader's language."""
    form = ProfileForm(curator=True, formdata=None, meta={"csrf": False})
    return {name: form[name].label.text for name in form.columns()}
