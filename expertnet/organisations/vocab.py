"""The organisation types' names (codes in ``models.ORGANISATION_TYPES``) and the words
an import or a form may use for them, compared folded."""
from expertnet.core.i18n import _l

TYPES = {
    "university": _l("University"),
    "research_institute": _l("Research institute"),
    "enterprise": _l("Enterprise"),
    "innovation_centre": _l("Innovation or start-up centre"),
    "state_body": _l("State body"),
    "international_organisation": _l("International organisation"),
    "foreign_partner": _l("Foreign partner"),
    "diaspora_association": _l("Diaspora association"),
    "representative_office": _l("S&T representative office abroad"),
}

TYPE_ALIASES = {
    "university": ("truong dai hoc", "dai hoc", "hoc vien", "truong", "university", "college"),
    "research_institute": ("vien nghien cuu", "vien", "institute", "research institute"),
    "enterprise": ("doanh nghiep", "cong ty", "company", "firm", "business"),
    "innovation_centre": ("trung tam doi moi sang tao", "doi moi sang tao", "trung tam khoi nghiep",
                          "innovation centre", "innovation center", "start up centre",
                          "startup centre", "start up center", "startup center"),
    "state_body": ("co quan nha nuoc", "co quan quan ly nha nuoc", "state body",
                   "government agency", "government"),
    "international_organisation": ("to chuc quoc te", "international organisation",
                                   "international organization"),
    "foreign_partner": ("doi tac nuoc ngoai", "foreign partner"),
    "diaspora_association": ("hoi nguoi viet nam o nuoc ngoai", "hoi tri thuc o nuoc ngoai",
                             "hoi nguoi viet", "hoi kieu bao", "diaspora association",
                             "diaspora"),
    "representative_office": ("co quan dai dien khoa hoc va cong nghe o nuoc ngoai",
                              "co quan dai dien", "representative office",
                              "representative office abroad", "s&t representative office abroad"),
}

# Fields of the contact form and the API's facets.
FACETS = ("type", "country", "field")
