"""Engagements: officials and curators record what happened with an expert (with
attachments), and read a profile's history and a need's progress."""
from expertnet.cooperation.blueprint import engagements as bp  # noqa: F401  (create_app registers it)
from expertnet.cooperation.controllers.engagements import routes  # noqa: F401  (registers the views)
