"""Users, sessions, tokens, passwords, registrations, invitations, resets, profile delegates,
reviews, trust, consent and data rights; the auth, account and admin pages."""
