"""Spreadsheet cells that a spreadsheet program would run as a formula.

An exported cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
neutralised with a leading apostrophe (OWASP "CSV injection"; SECURITY.md), so that
``=HYPERLINK(...)`` typed into a profile is shown as text when a colleague opens the
export, never evaluated.

The import undoes it, so that an export re-imports losslessly (a phone number
``+84 912 345 678`` is exported as ``'+84 912 345 678``). To keep that unambiguous, the
apostrophe is added to every value made of apostrophes followed by one of those
characters, and the import removes exactly one apostrophe from such a value:

    export: ``'``*k + D + rest  →  ``'``*(k+1) + D + rest    (k ≥ 0, D one of the characters)
    import: ``'``*(k+1) + D + rest  →  ``'``*k + D + rest

Every other value passes unchanged both ways, so the pair is a bijection: any stored
value survives export then import. The one value a hand-made file can lose is a
leading apostrophe directly before ``= + - @``: a spreadsheet's own way of typing
``'+84…`` to keep it as text, which is what the person meant anyway.
"""
import re

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
_EXPORTED = re.compile(r"^'*[=+\-@\t\r]")
_IMPORTED = re.compile(r"^'+[=+\-@\t\r]")


def neutralise(value):
    """The cell text to write in an exported spreadsheet."""
    if isinstance(value, str) and _EXPORTED.match(value):
        return "'" + value
    return value


def restore(value):
    """The value an exported cell stood for (see the module's docstring)."""
    if isinstance(value, str) and _IMPORTED.match(value):
        return value[1:]
    return value
