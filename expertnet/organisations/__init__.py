"""Organisations as records: universities, institutes, enterprises, the Innovation Centre,
state bodies, international organisations, foreign partners, diaspora associations and
Vietnam's science and technology representative offices abroad. Profiles, agreements,
delegations, technology offers and demands point at them, so that they can be counted
and linked instead of being free text."""
