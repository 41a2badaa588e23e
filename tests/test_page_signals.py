"""The record a page is about, found by one guard (``web.guards.get_or_404``), and the
sections and tools higher modules add to a lower module's page through signals
(``profile_page``, ``profile_actions``, ``need_page``), answered in a stable order."""
import pytest
from blinker import Namespace
from werkzeug.exceptions import NotFound

from expertnet.core import signals
from expertnet.directory.models import Expert
from expertnet.web.actions import Action
from expertnet.web.guards import get_or_404


def test_get_or_404_finds_the_row_by_id_typed_or_posted(app, add):
    expert = add(full_name="Trần Thị Mai")
    with app.test_request_context():
        assert get_or_404(Expert, expert.id).id == expert.id
        assert get_or_404(Expert, str(expert.id)).id == expert.id
        assert get_or_404(Expert, f" #{expert.id} ").id == expert.id


@pytest.mark.parametrize("raw", [None, "", "0", "²", "１２", "+7", "7_0", "-1", "1e3", "x",
                                 10 ** 19, "9" * 19, 99_999])
def test_get_or_404_answers_404_for_odd_or_missing_ids(app, add, raw):
    add(full_name="Trần Thị Mai")
    with app.test_request_context(), pytest.raises(NotFound):
        get_or_404(Expert, raw)


def test_get_or_404_keeps_its_conditions_and_visibility_predicate(app, add):
    expert = add(full_name="Trần Thị Mai", kind="diaspora")
    with app.test_request_context():
        assert get_or_404(Expert, expert.id, Expert.kind == "diaspora").id == expert.id
        with pytest.raises(NotFound):
            get_or_404(Expert, expert.id, Expert.kind == "foreign")
        assert get_or_404(Expert, expert.id, visible=lambda row: row.kind == "diaspora")
        with pytest.raises(NotFound):
            get_or_404(Expert, expert.id, visible=lambda row: False)


def test_answers_come_in_the_order_of_their_receivers_names_and_skip_empty_ones(app):
    def b_answer(sender, **_):
        return {"curator": [Action("B", "/b")]}

    def a_answer(sender, **_):
        return {"curator": [Action("A", "/a")]}

    def silent(sender, **_):
        return {}

    signal = Namespace().signal("test-page")
    for receiver in (b_answer, silent, a_answer):
        signal.connect(receiver)
    answers = signals.answers_of(signal.send(None))
    assert [answer["curator"][0].label for answer in answers] == ["A", "B"]


def _modules(signal):
    return {receiver.__module__ for receiver in signal.receivers_for(object())}


def test_every_page_answer_is_connected_once_the_app_is_built(app):
    """The directory shows what accounts, curation and cooperation keep, and offers what
    accounts, curation, outreach and cooperation offer, only through the signals; the
    consent page (accounts') shows what outreach recorded."""
    assert _modules(signals.profile_page) == {"expertnet.accounts.controllers.page_answers",
                                              "expertnet.cooperation.controllers.page_answers",
                                              "expertnet.curation.controllers.page_answers"}
    assert _modules(signals.consent_page) == {"expertnet.outreach.controllers.page_answers"}
    assert _modules(signals.profile_actions) == {
        "expertnet.accounts.controllers.page_answers",
        "expertnet.cooperation.controllers.page_answers",
        "expertnet.curation.controllers.page_answers",
        "expertnet.outreach.controllers.page_answers"}
    assert _modules(signals.need_page) == {"expertnet.cooperation.controllers.page_answers"}
    assert _modules(signals.account_page) == {"expertnet.cooperation.controllers.page_answers",
                                              "expertnet.outreach.controllers.page_answers"}


def test_a_need_progress_and_conflicts_come_from_cooperation(app):
    assert _modules(signals.need_progress) == {"expertnet.cooperation.engagements"}
    assert _modules(signals.conflicts_of_interest) == {"expertnet.cooperation.engagements"}
