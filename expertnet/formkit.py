"""Small helpers shared by the forms of several blueprints."""
import datetime

from expertnet.i18n import _
from expertnet.text import clean

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def choice_list(pairs):
    """``[(value, label), ...]`` as choices that every supported WTForms accepts."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]


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
