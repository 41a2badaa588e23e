"""In-site notifications and the texts of e-mails."""
