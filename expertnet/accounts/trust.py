"""How far a profile is verified, as shown on its page: self-declared
or confirmed by a curator (who, when), claimed by its owner, ORCID iD given. Whether its
ORCID record was imported is curation's answer to the same page (``orcid_record``)."""
from expertnet.accounts import users as accounts


def signals(expert, viewer):
    """A dict for the profile page. The confirming curator's e-mail is staff data:
    only curators see it; others read "a curator"."""
    confirmed = expert.confirmed_at is not None
    who = ""
    if confirmed and viewer.is_curator and expert.confirmed_by:
        who = accounts.emails_by_id([expert.confirmed_by]).get(expert.confirmed_by, "")
    return {"confirmed": confirmed, "confirmed_at": expert.confirmed_at, "confirmed_by": who,
            "claimed": expert.owners.exists(), "orcid": bool(expert.orcid)}
