"""How far a profile is verified, as shown on its page: self-declared
or confirmed by a curator (who, when), claimed by its owner, ORCID iD given, and whether
its ORCID record was imported (from an uploaded file or from ORCID's API, and when).

An ORCID record read from an uploaded file shows what the public record says; it does
not prove that the person controls the iD (anyone can save anyone's public record), so
it is shown as "imported from a file", never as "verified"."""
from expertnet.accounts import users as accounts
from expertnet.curation import orcid


def signals(expert, viewer):
    """A dict for the profile page. The confirming curator's e-mail is staff data:
    only curators see it; others read "a curator"."""
    confirmed = expert.confirmed_at is not None
    who = ""
    if confirmed and viewer.is_curator and expert.confirmed_by:
        who = accounts.emails_by_id([expert.confirmed_by]).get(expert.confirmed_by, "")
    imported = orcid.latest_applied(expert)
    return {"confirmed": confirmed, "confirmed_at": expert.confirmed_at, "confirmed_by": who,
            "claimed": expert.owners.exists(), "orcid": bool(expert.orcid),
            "orcid_record": ({"source": imported.source, "at": imported.applied_at}
                             if imported is not None else None)}
