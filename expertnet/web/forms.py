"""Small helpers shared by the forms of several blueprints."""
import datetime

from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectMultipleField, widgets
from wtforms.validators import EqualTo, InputRequired, Length

from expertnet.core import places
from expertnet.core.i18n import _, _l
from expertnet.core.text import clean, fold

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def choice_list(pairs):
    """``[(value, label), ...]`` as choices that every supported WTForms accepts."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]


def country_choices(language, empty=None):
    """Countries as choices, named and sorted in ``language`` (``empty`` first if given)."""
    codes = sorted(places.country_codes(), key=lambda code: fold(places.country_name(code, language)))
    pairs = [(code, places.country_name(code, language)) for code in codes]
    return choice_list([empty, *pairs] if empty else pairs)


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class NewPasswordForm(FlaskForm):
    """Choosing a password (claiming a profile, a reset, an admin setting one): the
    rules are ``passwords.policy_problems``'s, checked by the account service."""

    password = PasswordField(_l("New password"), validators=[InputRequired(), Length(max=1024)])
    confirm = PasswordField(_l("New password again"), validators=[
        InputRequired(), EqualTo("password", message=_l("The two new passwords differ."))])
def form_date(value, name, errors, required=False):
    """A date typed as year-month-day (what ``<input type=date>`` sends), or None; a
    problem is appended to ``errors`` as ``(name, message)``."""
    value = clean(value)
    if not value:
        if required:
            errors.append((name, _("is required")))
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        errors.append((name, _("“%(value)s” is not a date (year-month-day)", value=value[:20])))
        return None


def text_problems(values, required, limits):
    """``[(name, message)]`` for the ``required`` values left empty and the values
    longer than their limit (``limits``: name → characters)."""
    problems = [(name, _("is required")) for name in required if not values[name]]
    problems += [(name, _("is too long (%(length)s characters; at most %(limit)s)",
                          length=len(values[name]), limit=limit))
                 for name, limit in limits.items() if len(values[name]) > limit]
    return problems


def date_range_problems(values, errors):
    """``ends_on`` before ``starts_on`` (both already parsed), added to ``errors``."""
    if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
        errors.append(("ends_on", _("ends before it starts")))


def form_country(value, name, errors, required=True):
    """An ISO country code chosen in a form ("" when none), or a problem appended to
    ``errors`` as ``(name, message)``."""
    country = clean(value).upper()
    if not country:
        if required:
            errors.append((name, _("is required")))
        return ""
    if not places.is_country(country):
        errors.append((name, _("“%(value)s” is not a country code", value=country[:20])))
        return ""
    return country


def record_form_page(form, save, url_of, fallback, **page):
    """A record's create or edit form (``_edit_record.html`` with ``page``'s heading,
    action, back link): on a valid POST, ``save(form.raw())`` and go to ``url_of(saved)``;
    the ``errors`` (``[(field, message)]``) of what ``save`` raises are put on the fields
    (on ``fallback`` when no field has the name) and the form is shown again. A POST
    without the form's CSRF token did not come from the form: 400."""
    from flask import abort, redirect, render_template, request

    if form.validate_on_submit():
        try:
            saved = save(form.raw())
        except ValueError as exc:
            if not hasattr(exc, "errors"):
                raise
            for name, message in exc.errors:
                target = form._fields.get(name, form[fallback])
                target.errors = [*target.errors, message]
        else:
            return redirect(url_of(saved))
    elif request.method == "POST":
        abort(400)
    return render_template("_edit_record.html", form=form, **page)
