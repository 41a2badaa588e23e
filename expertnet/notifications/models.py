"""The in-site notifications."""
import json

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, TextField

from expertnet.accounts.models import User
from expertnet.core.db import utcnow
from expertnet.core.models import BaseModel


class Notification(BaseModel):
    """Something a person should know, shown on their notifications page
    (notifications.py). ``params`` (JSON) are the values the text of ``kind`` is made
    from in the reader's language when the page is shown: no rendered text is kept.
    ``link`` is a path on this site."""

    id = AutoField()
    user = ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    kind = CharField(max_length=40)
    params = TextField(default="{}")
    link = CharField(max_length=500, default="")
    read_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("user", "read_at"), False), (("user", "created_at"), False))

    @property
    def values(self):
        return json.loads(self.params or "{}")


NOTIFICATION_MODELS = (Notification,)
