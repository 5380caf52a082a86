"""This computer's causes, each in its own words and advice, in every language."""

from __future__ import annotations

import pytest

from mailhop.core.common.i18n import LANGUAGES, set_language
from mailhop.core.dns.dnssec import Clock
from mailhop.core.verdict.could_not_check import ADVICE, SUMMARY, Cause, CouldNotCheck


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_cause_has_its_own_words_and_advice_in_every_language(language: str) -> None:
    set_language(language)
    try:
        summaries = {str(CouldNotCheck(cause, "").summary()) for cause in Cause}
        advice = {str(CouldNotCheck(cause, "").advice()) for cause in Cause}
        assert set(SUMMARY) == set(ADVICE) == set(Cause)
        assert len(summaries) == len(Cause)  # no two causes said alike
        assert len(advice) >= len(Cause) - 1  # two resolver failures may share advice
        if language != "en":  # translated, not the English msgid
            english = {SUMMARY.english(cause) for cause in Cause}
            assert not summaries & english
    finally:
        set_language("en")


def test_the_clock_says_by_how_much_and_which_way() -> None:
    set_language("en")
    ahead = CouldNotCheck(Cause.CLOCK, "", Clock.AHEAD, 9600.4)
    assert str(ahead.summary()) == "This computer's clock is at least 9600 hours ahead."
    behind = CouldNotCheck(Cause.CLOCK, "", Clock.BEHIND, -1.2)
    assert str(behind.summary()) == "This computer's clock is about an hour behind."
    vague = CouldNotCheck(Cause.CLOCK, "", Clock.AHEAD, None)
    assert str(vague.summary()) == "This computer's clock is wrong."
    assert ahead.summary().english() == str(ahead.summary())
