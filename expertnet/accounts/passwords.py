"""Password hashing (argon2id) and the password policy (ASVS V6: at least 8 characters,
up to 128, no composition rules, the most common passwords refused)."""
from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from expertnet.core.i18n import _

MIN_LENGTH = 8
MAX_LENGTH = 128


def _hasher():
    config = current_app.config
    return PasswordHasher(time_cost=config["ARGON2_TIME_COST"],
                          memory_cost=config["ARGON2_MEMORY_COST"],
                          parallelism=config["ARGON2_PARALLELISM"])


def hash_password(password):
    return _hasher().hash(password)


def verify_password(stored_hash, password):
    """True when ``password`` matches; an empty or foreign hash never matches."""
    if not stored_hash:
        return False
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash):
    return _hasher().check_needs_rehash(stored_hash)


@lru_cache(maxsize=4)
def _dummy_hash(time_cost, memory_cost, parallelism):
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost,
                          parallelism=parallelism).hash("not a password of anyone")


def burn_verification_time(password):
    """Verify against a hash nobody has, so that an unknown account takes as long to
    refuse as a wrong password (the answer must not tell which e-mails exist)."""
    config = current_app.config
    verify_password(_dummy_hash(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"],
                                config["ARGON2_PARALLELISM"]), password)


@lru_cache(maxsize=1)
def common_passwords():
    text = resources.files("expertnet").joinpath("data/common-passwords.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def policy_problems(password, email=""):
    """What is wrong with ``password`` as a new password: a list of messages."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("A password needs at least %(count)s characters.", count=MIN_LENGTH))
    elif len(password) > MAX_LENGTH:
        problems.append(_("A password may have at most %(count)s characters.", count=MAX_LENGTH))
    elif password.lower() in common_passwords():
        problems.append(_("This password is among the most common ones; choose another."))
    elif email and password.lower() == email.lower():
        problems.append(_("The password must not be the e-mail address."))
    return problems
