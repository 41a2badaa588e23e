"""The council form: values only; the checks are ``operations.normalize``'s, and their
messages are put on the fields."""
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField

from expertnet.core.i18n import _l, current_language
from expertnet.councils import operations
from expertnet.taxonomy import store as catalog
from expertnet.web.forms import choice_list


class CouncilForm(FlaskForm):
    kind = SelectField(_l("Kind of council"), validate_choice=False)
    title = StringField(_l("Title"))
    department = StringField(_l("Requesting department"))
    subject = TextAreaField(_l("Subject: the question or dossier the council advises on or reviews"))
    subject_organisation = StringField(_l("Organisation whose work is reviewed, if any"))
    fields = SelectMultipleField(_l("Fields the council must cover"), validate_choice=False)
    size = StringField(_l("Number of members"))
    need = StringField(_l("Number of the need, if the council answers one"))

    COLUMNS = ("kind", "title", "department", "subject", "subject_organisation", "fields", "size", "need")
    NUMBERS = ("size", "need")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choice_list([("", _l("Choose…")), *operations.KINDS.items()])
        language = current_language()
        taxonomy = catalog.load()
        self.fields.choices = choice_list([(code, "— " * len(taxonomy.ancestors(code)) + field.name(language))
                                           for code, field in taxonomy.fields.items()])

    def raw(self):
        return {name: self[name].data for name in self.COLUMNS}
