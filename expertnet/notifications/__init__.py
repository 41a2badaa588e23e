"""In-site notifications: the notices a person reads on their notifications page. (E-mails are
composed by the module that sends them, e.g. ``accounts.emails``, and queued by ``core.outbox``.)"""
