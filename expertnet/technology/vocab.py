"""The marketplace's codes and their names (what is stored is the code)."""
from expertnet.core.i18n import _l

TRL_LEVELS = {
    1: _l("TRL 1 – basic principles observed"),
    2: _l("TRL 2 – technology concept formulated"),
    3: _l("TRL 3 – proof of concept"),
    4: _l("TRL 4 – validated in the laboratory"),
    5: _l("TRL 5 – validated in a relevant environment"),
    6: _l("TRL 6 – demonstrated in a relevant environment"),
    7: _l("TRL 7 – prototype demonstrated in operation"),
    8: _l("TRL 8 – system complete and qualified"),
    9: _l("TRL 9 – proven in operation"),
}
IP_STATUSES = {
    "patent": _l("Patent"),
    "utility_solution": _l("Utility solution"),
    "know_how": _l("Know-how"),
    "none": _l("No protection"),
}
TRANSFER_MODELS = {
    "licence": _l("Licence"),
    "sale": _l("Sale"),
    "joint_development": _l("Joint development"),
    "consulting": _l("Consulting"),
    "training": _l("Training"),
}
STATUSES = {
    "submitted": _l("Awaiting moderation"),
    "published": _l("Published"),
    "returned": _l("Returned for changes"),
}
# The steps of a connection, in order; the last two end it.
CONNECTION_STEPS = {
    "introduced": _l("Introduced"),
    "meeting_held": _l("Meeting held"),
    "proposal": _l("Proposal made"),
    "contract_signed": _l("Contract signed"),
    "closed": _l("Closed without agreement"),
}
ENDING_STEPS = ("contract_signed", "closed")
DEMAND_LANGUAGES = {"vi": _l("Vietnamese"), "en": _l("English")}
