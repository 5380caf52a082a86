"""Look-alike host names: UTS #39 mixed script, whole-script confusables, confusable letters."""

from __future__ import annotations

import pytest

from mailhop.core.lookalike import Problem, classify_host, shown_host


def test_ascii_names_are_fine_and_shown_as_they_are() -> None:
    for name in ("mail.example.com", "mail-2.example.com", "0day.example", "MAIL.Example.COM."):
        host = classify_host(name)
        assert not host.lookalike and not host.is_idn
        assert host.shown == name.lower().rstrip(".")


def test_a_latin_idn_is_fine_and_shown_in_both_forms() -> None:
    for name in ("bücher.example", "xn--bcher-kva.example"):
        host = classify_host(name)
        assert (host.ulabel, host.alabel) == ("bücher.example", "xn--bcher-kva.example")
        assert not host.lookalike
        assert host.shown == "bücher.example (xn--bcher-kva.example)"
    assert shown_host("faß.de") == "faß.de (xn--fa-hia.de)"


def test_a_cyrillic_letter_among_latin_ones_is_mixed_and_named() -> None:
    host = classify_host("imap.p\u0430ypal.com")  # U+0430 CYRILLIC SMALL LETTER A
    assert host.alabel == "imap.xn--pypal-4ve.com"
    assert host.lookalike and host.scripts == ("Cyrillic", "Latin")
    (label,) = host.suspects
    assert (label.ulabel, label.alabel) == ("p\u0430ypal", "xn--pypal-4ve")
    assert label.problems == (Problem.MIXED_SCRIPT, Problem.CONFUSABLE)
    (char,) = label.confusables
    assert (char.char, char.looks_like, char.script) == ("\u0430", "a", "Cyrillic")
    assert char.codepoint == "U+0430 CYRILLIC SMALL LETTER A"


def test_an_all_cyrillic_label_that_reads_as_latin_is_whole_script_confusable() -> None:
    host = classify_host("xn--80ak6aa92e.com")  # "apple" in Cyrillic letters
    assert host.ulabel == "\u0430\u0440\u0440\u04cf\u0435.com"
    (label,) = host.suspects
    assert label.scripts == ("Cyrillic",)
    assert Problem.WHOLE_SCRIPT in label.problems and Problem.MIXED_SCRIPT not in label.problems
    assert [c.looks_like for c in label.confusables] == ["a", "p", "i", "e"]


@pytest.mark.parametrize(
    "name",
    [
        "пример.рф",  # Cyrillic with some Latin-looking letters: reads as Cyrillic
        "ελληνικά.gr",
        "日本語テスト.jp",  # Han + Katakana: Japanese
        "mailテスト.jp",  # Latin + Katakana: allowed with Japanese
        "ひらがなカタカナ漢字.jp",
        "中文注音ㄅ.tw",  # Han + Bopomofo
        "한국어abc.kr",  # Hangul + Latin
        "テスト-1.jp",  # digits and hyphens are Common: no script of their own
    ],
)
def test_single_scripts_and_the_allowed_combinations_are_fine(name: str) -> None:
    host = classify_host(name)
    assert host.is_idn and not host.lookalike, host.suspects


@pytest.mark.parametrize(
    ("name", "problem", "scripts"),
    [
        ("abcπ.com", Problem.MIXED_SCRIPT, ("Greek", "Latin")),  # no combination allows it
        ("テスト한국.jp", Problem.MIXED_SCRIPT, ("Hangul", "Katakana")),
        ("\u0440\u0443.com", Problem.WHOLE_SCRIPT, ("Cyrillic",)),
        ("p\u0251ypal.com", Problem.CONFUSABLE, ("Latin",)),  # U+0251 LATIN SMALL LETTER ALPHA
        ("mail-1.p\u0430ypal.com", Problem.MIXED_SCRIPT, ("Cyrillic", "Latin")),
    ],
)
def test_look_alikes_name_the_problem_and_the_scripts(
    name: str, problem: Problem, scripts: tuple[str, ...]
) -> None:
    host = classify_host(name)
    assert host.lookalike and problem in host.problems and host.scripts == scripts


def test_only_the_suspect_label_is_reported() -> None:
    host = classify_host("bücher.p\u0430ypal.example")
    assert [label.ulabel for label in host.suspects] == ["p\u0430ypal"]
