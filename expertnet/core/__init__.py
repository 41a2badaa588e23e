"""The ground every module stands on: database, who sees what, ZIP archives as received, migrations,
languages, text, vocabularies, logs, rate limits, tasks, signals, audit and the e-mail outbox. No
request here."""
