"""Look-alike host names: UTS #39 mixed script, whole-script confusables, confusable letters."""

from __future__ import annotations

import json

import pytest

from mailhop.core.account.account import choose
from mailhop.core.cli import main as cli
from mailhop.core.common.lookalike import Problem, classify_host, shown_host
from mailhop.core.policy.plan import ApprovalReason, Tier
from mailhop.core.probe.probe_report import VerifiedBy
from mailhop.core.run.check import CheckReport
from mailhop.core.verdict.verdict import Level
from tests.core.run.test_check import run_check
from tests.lab.lab import LabInfo
from tests.test_cli import lab_options
from tests.test_cli import run as run_cli


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


# -- end to end in the lab: tests/lab/scenarios/lookalike.test.toml ----------------------------

OUTSIDE = "imap.xn--prvider-bjg.test"  # "imap.provider.test" with a Cyrillic o (U+043E)
OUTSIDE_SHOWN = f"imap.pr\u043evider.test ({OUTSIDE})"
INSIDE = "xn--mil-6cd.lookalike.test"  # "mail" with a Cyrillic a (U+0430)
INSIDE_SHOWN = f"m\u0430il.lookalike.test ({INSIDE})"


@pytest.fixture(scope="module")
def lookalike_check(lab: LabInfo) -> CheckReport:
    return run_check(lab, "jo@lookalike.test")


def test_lab_signed_srv_to_a_look_alike_host_outside_needs_approval(
    lookalike_check: CheckReport,
) -> None:
    imap = lookalike_check.verdict.imap
    assert imap.chosen is not None
    entry = imap.chosen.entry
    assert (entry.hostname, entry.tier, entry.inside_domain) == (OUTSIDE, Tier.A, False)
    assert imap.chosen.authenticated_by is VerifiedBy.PKIX  # the lab CA issued it for the A-label
    assert entry.approval_reasons == (ApprovalReason.LOOKALIKE,)
    assert imap.level is Level.WARN
    (asked,) = [f for f in imap.findings if f.code == "lookalike-needs-approval"]
    assert OUTSIDE_SHOWN in asked.summary
    (request,) = choose(lookalike_check).approvals
    assert (request.registrable, request.hosts) == ("xn--prvider-bjg.test", (OUTSIDE,))
    assert OUTSIDE_SHOWN in request.question() and "Cyrillic" in request.question()


def test_lab_signed_srv_to_a_look_alike_host_inside_only_warns(
    lookalike_check: CheckReport,
) -> None:
    submission = lookalike_check.verdict.submission
    assert submission.chosen is not None
    entry = submission.chosen.entry
    assert (entry.hostname, entry.tier, entry.inside_domain) == (INSIDE, Tier.A, True)
    assert not entry.needs_approval and submission.level is Level.OK
    shown = {f.summary for f in lookalike_check.discovery.plan.findings}
    warned = [s for s in shown if "could pass for another name" in s]
    assert sorted(warned) == sorted(
        f"The server name {host} could pass for another name: it mixes Cyrillic and Latin letters."
        for host in (OUTSIDE_SHOWN, INSIDE_SHOWN)
    )


def test_lab_check_json_and_text_show_the_finding_and_the_approval(lab: LabInfo) -> None:
    done = run_cli("check", "jo@lookalike.test", "--json", *lab_options(lab))
    assert done.returncode == cli.EXIT_NEEDS_APPROVAL, done.stderr
    report = json.loads(done.stdout)
    (imap,) = report["services"]["imap"]
    assert imap["host"] == OUTSIDE and imap["host_unicode"] == "imap.pr\u043evider.test"
    assert imap["tier"] == "A" and imap["needs_approval"]
    assert imap["approval_reasons"] == ["lookalike"]
    (label,) = imap["lookalike"]
    assert label["scripts"] == ["Cyrillic", "Latin"] and "mixed-script" in label["problems"]
    assert report["verdict"]["access"]["chosen"]["needs_approval"]
    (submission,) = [e for e in report["services"]["submission"] if e["port"] == 465]
    assert not submission["needs_approval"] and submission["lookalike"]
    codes = [f["code"] for f in report["findings"]]
    assert codes.count("lookalike-host") == 2
    text = run_cli("check", "jo@lookalike.test", *lab_options(lab)).stdout
    assert f"  {OUTSIDE_SHOWN}:993  TLS" in text and "[lookalike-needs-approval]" in text
