"""What the accounts' e-mails say: invitations, password resets, registrations and the
outcome of a proposed change. Every text comes from the catalogues and is composed in the
recipient's language (``mail.send`` calls ``compose`` under it); each function returns the
``MailMessage`` row, or None when mail is not configured.

Links are made by the callers (they know whether a request's host can be trusted,
links.py); the texts never hold more personal data than the recipient gave or owns.
"""

from expertnet.core import outbox as mail
from expertnet.core.i18n import _, _n, format_day
from expertnet.core.outbox import letter


def invitation(to, full_name, link, days, language):
    """``days``: how long the link stays valid (``INVITATION_DAYS``)."""
    def compose():
        return _("Invitation to keep your profile in the Hai Phong expert network"), letter(
            _("Hello,"),
            _("The curators of the Hai Phong expert network invite you to claim the profile "
              "“%(name)s” and keep it up to date yourself: you decide what it says and who "
              "sees it.", name=full_name),
            _n("Open this link to choose your password. It works once and expires in %(num)s "
               "day:", "Open this link to choose your password. It works once and expires in "
               "%(num)s days:", days) + "\n" + link,
            _("If you did not expect this message, ignore it: nothing happens without you."))
    return mail.send(to, "invitation", compose, language)


def password_reset(to, link, hours, language):
    def compose():
        return _("Setting a new password"), letter(
            _("Hello,"),
            _("Someone (probably you) asked to set a new password for the account %(email)s "
              "in the Hai Phong expert network.", email=to),
            _("Open this link to choose a new password. It works once and expires in "
              "%(hours)s hours; setting the password ends every other session of the "
              "account:", hours=hours) + "\n" + link,
            _("If you did not ask for this, ignore this message: your password stays as it "
              "is."))
    return mail.send(to, "password_reset", compose, language)


def registration_link(to, link, hours, language):
    def compose():
        return _("Confirm your registration"), letter(
            _("Hello,"),
            _("You registered in the Hai Phong expert network with this e-mail address. "
              "Open this link to confirm it and create your account (it works once and "
              "expires in %(hours)s hours):", hours=hours) + "\n" + link,
            _("Your profile is then checked by a curator before anyone else can see it."),
            _("If you did not register, ignore this message: nothing is kept."))
    return mail.send(to, "registration", compose, language)


def already_registered(to, login_link, reset_link, language):
    def compose():
        return _("You already have an account"), letter(
            _("Hello,"),
            _("Someone (probably you) tried to register in the Hai Phong expert network with "
              "this e-mail address, but an account with it exists already. No new account "
              "was created."),
            _("Log in here:") + "\n" + login_link,
            _("If you forgot your password, set a new one here:") + "\n" + reset_link)
    return mail.send(to, "already_registered", compose, language)


def registration_decision(to, approved, reason, link, language):
    def compose():
        if approved:
            return _("Your profile was approved"), letter(
                _("Hello,"),
                _("A curator approved your registration in the Hai Phong expert network. "
                  "Your profile is now shown as you chose, within the consent you gave."),
                _("See and edit your profile here:") + "\n" + link)
        paragraphs = [_("Hello,"),
                      _("A curator did not approve your registration in the Hai Phong expert "
                        "network. Your profile stays visible to the curators only.")]
        if reason:
            paragraphs.append(_("Reason given:") + "\n" + reason)
        paragraphs.append(_("Your account page says the same and lets you ask for your "
                            "profile to be deleted:") + "\n" + link)
        return _("Your registration was not approved"), letter(*paragraphs)
    return mail.send(to, "registration_decision", compose, language)


def review_outcome(to, accepted, proposed_on, reason, link, language):
    def compose():
        date = format_day(proposed_on)
        if accepted:
            return _("Your proposed changes were accepted"), letter(
                _("Hello,"),
                _("A curator accepted the changes to your profile that you proposed on "
                  "%(date)s; they are now published.", date=date),
                _("See your profile here:") + "\n" + link)
        paragraphs = [_("Hello,"),
                      _("A curator rejected the changes to your profile that you proposed on "
                        "%(date)s; the published values stay as they were.", date=date)]
        if reason:
            paragraphs.append(_("Reason given:") + "\n" + reason)
        paragraphs.append(_("See your profile here:") + "\n" + link)
        return _("Your proposed changes were rejected"), letter(*paragraphs)
    return mail.send(to, "review_outcome", compose, language)
