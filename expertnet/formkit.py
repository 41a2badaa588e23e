"""Small helpers shared by the forms of several blueprints."""
try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice.
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def choice_list(pairs):
    """``[(value, label), ...]`` as choices that every supported WTForms accepts."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]
