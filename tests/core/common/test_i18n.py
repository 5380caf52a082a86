"""The core's words in German and French: complete catalogs, one mechanism, the CLI in the
person's language and JSON in none."""

from __future__ import annotations

import json
import os
import re
import shutil
import string
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from mailhop.core.common import i18n
from mailhop.core.common.findings import finding, lookalike_words
from mailhop.core.common.lookalike import classify_host
from mailhop.core.discover.report import Source
from mailhop.core.verdict.labels import LEVEL_WORDS, SOURCE
from mailhop.core.verdict.verdict import Level
from tests.core.i18n_catalog import catalogs, messages
from tests.lab.lab import LabInfo

LANGS = ("de", "fr")


@pytest.fixture(autouse=True)
def english_after() -> Iterator[None]:
    yield
    i18n.set_language("en")  # the other tests read English


def po_file(lang: str) -> polib.POFile:
    return polib.pofile(str(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "mailhop.po"))


# -- the catalogs ------------------------------------------------------------------------


def test_every_marker_call_has_a_literal_that_extraction_sees() -> None:
    found, bad = messages()
    assert not bad, f"_(), N_() or ngettext() with a non-literal argument at {bad}"
    assert len(found) > 250  # findings, labels, renderers, setup, approval, CLI


def test_each_language_ships_a_catalog() -> None:
    assert sorted(path.parents[1].name for path in catalogs()) == sorted(LANGS)
    assert set(i18n.LANGUAGES) == {"en", *LANGS}


@pytest.mark.parametrize("lang", LANGS)
def test_catalog_holds_exactly_the_code_messages(lang: str) -> None:
    found, _ = messages()
    po = po_file(lang)
    live = {entry.msgid: entry for entry in po if not entry.obsolete}
    assert not set(found) - set(live), f"{lang}: not in the catalog: {set(found) - set(live)}"
    assert not set(live) - set(found), f"{lang}: no longer in the code: {set(live) - set(found)}"
    for msgid, message in found.items():
        assert (live[msgid].msgid_plural or None) == message.plural, msgid


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_and_none_is_fuzzy(lang: str) -> None:
    po = po_file(lang)
    assert not [e.msgid for e in po.untranslated_entries()]
    assert not [e.msgid for e in po.fuzzy_entries()]
    assert po.metadata["Language"] == lang and "nplurals=2" in po.metadata["Plural-Forms"]


_PERCENT = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")


def placeholders(text: str) -> Counter[str]:
    """Every ``{name:spec!conv}`` and %-style field of a text, as a multiset."""
    fields = Counter(
        f"{{{name}!{conversion}:{spec}}}"
        for _, name, spec, conversion in string.Formatter().parse(text)
        if name is not None
    )
    return fields + Counter(_PERCENT.findall(text))


@pytest.mark.parametrize("lang", LANGS)
def test_translations_keep_every_placeholder(lang: str) -> None:
    wrong = []
    for entry in po_file(lang):
        if entry.obsolete:
            continue
        wanted = placeholders(entry.msgid)
        said = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        wrong += [(entry.msgid, text) for text in said if placeholders(text) != wanted]
    assert not wrong


def test_placeholder_check_sees_a_dropped_or_renamed_field() -> None:
    assert placeholders("{a} and {b:.2f}") != placeholders("{a} und {b}")
    assert placeholders("{a}") != placeholders("{A}")
    assert placeholders("%(n)s x") != placeholders("x")


# -- the mechanism -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de"),
        ({"LANG": "fr_CA.UTF-8"}, "fr"),
        ({"LANG": "de_DE.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LANG": "C.UTF-8", "LC_MESSAGES": "fr_FR"}, "fr"),
        ({"LANGUAGE": "es:fr:de", "LANG": "de_DE.UTF-8"}, "fr"),
        ({"LANG": "ja_JP.UTF-8"}, "en"),
        ({}, "en"),
    ],
)
def test_system_language_reads_the_locale_as_gettext_does(
    environ: dict[str, str], lang: str
) -> None:
    assert i18n.system_language(environ) == lang


def test_tables_made_at_import_read_out_in_the_language_of_the_moment() -> None:
    found = finding("relay-dane", domain="example.com", host="mx.example.com", detail="3 1 1")
    i18n.set_language("de")
    assert LEVEL_WORDS[Level.BLOCK] == "GESPERRT" and SOURCE[Source.SRV] == "DNS-SRV-Eintrag"
    assert found.shown_summary.startswith("Mailserver, die an example.com senden")
    i18n.set_language("fr")
    assert LEVEL_WORDS[Level.BLOCK] == "BLOQUÉ"
    assert found.shown_summary.startswith("Les serveurs qui envoient du courrier à example.com")
    i18n.set_language("en")
    assert LEVEL_WORDS[Level.BLOCK] == "BLOCKED"
    assert found.shown_summary == found.summary


def test_a_finding_keeps_english_for_json_whatever_the_language() -> None:
    i18n.set_language("de")
    found = finding("probe-timeout", endpoint="mail.example.com:993", detail="no answer")
    assert found.summary == "mail.example.com:993 did not answer in time."
    assert found.shown_summary == "mail.example.com:993 hat nicht rechtzeitig geantwortet."


def test_words_inside_a_finding_are_translated_with_it() -> None:
    short, details = lookalike_words(classify_host("p\u0430ypal.com"))  # a Cyrillic a
    found = finding("lookalike-address", domain="p\u0430ypal.com", short=short, details=details)
    assert found.summary.endswith("it mixes Cyrillic and Latin letters.")
    i18n.set_language("de")
    assert found.shown_summary.endswith("er mischt Buchstaben der Schriften Cyrillic und Latin.")
    assert "U+0430" in found.shown_helpdesk and "sieht aus wie" in found.shown_helpdesk


def test_mo_is_used_unless_the_po_is_newer(tmp_path: Path) -> None:
    folder = tmp_path / "de" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "mailhop.po"
    shutil.copy(i18n.LOCALE_DIR / "de" / "LC_MESSAGES" / "mailhop.po", po)
    assert i18n.compile_catalogs(tmp_path) == [folder / "mailhop.mo"]
    assert i18n._load("de", tmp_path).gettext("Findings") == "Befunde"
    edited = po_file("de")
    next(e for e in edited if e.msgid == "Findings").msgstr = "Befunde (neu)"
    edited.save(str(po))
    os.utime(po, (1e10, 1e10))  # edited after the build step
    assert i18n._load("de", tmp_path).gettext("Findings") == "Befunde (neu)"


# -- the command line, in the lab --------------------------------------------------------


def run_check(lab: LabInfo, *args: str, lang_env: str = "") -> subprocess.CompletedProcess[str]:
    from tests.test_cli import lab_options

    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang_env or "C.UTF-8"
    return subprocess.run(
        [sys.executable, "-m", "mailhop.gui.launcher", "check", *args, *lab_options(lab)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )


def test_check_follows_the_system_locale(lab: LabInfo) -> None:
    done = run_check(lab, "alice@healthy.test", lang_env="de_DE.UTF-8")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Ergebnis: OK" in out and "Befunde" in out
    assert "Mailserver, die an healthy.test senden, können mail.healthy.test mit DANE" in out
    assert "Verdict" not in out and "Findings" not in out
    # one finding for one host on several ports names them in the same language (verdict.py)
    assert "mail.healthy.test (Ports 465 und 993) ist durch den Schlüssel beglaubigt" in out
    assert (
        "geprüfter Name: mail.healthy.test, von der Domain veröffentlicht (srv, dnssec-secure)"
        in out
    )


def test_lang_option_overrides_the_system_locale(lab: LabInfo) -> None:
    done = run_check(lab, "alice@healthy.test", "--lang", "fr", lang_env="de_DE.UTF-8")
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "Verdict : OK" in out and "Constats" in out
    assert "Les serveurs qui envoient du courrier à healthy.test peuvent vérifier" in out
    assert "Ergebnis" not in out and "mail.healthy.test (ports 465 et 993)" in out


@pytest.mark.parametrize(
    ("args", "lang_env", "said"),
    [
        (["check", "--help"], "de_DE.UTF-8", "Rückgabewerte:"),
        (["check", "--help", "--lang", "fr"], "de_DE.UTF-8", "codes de sortie :"),
        (["--lang=fr", "--help"], "", "Configurer un compte de messagerie"),
    ],
)
def test_help_is_in_the_language_asked(args: list[str], lang_env: str, said: str) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env["LANG"] = lang_env or "C.UTF-8"
    done = subprocess.run(
        [sys.executable, "-m", "mailhop.gui.launcher", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 0 and said in done.stdout, done.stdout + done.stderr


def _steady(value: object) -> object:
    """JSON with the timings zeroed and lists in one order (sources finish in any order): two
    runs differ only there."""
    if isinstance(value, dict):
        return {k: _steady(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_steady(v) for v in value), key=json.dumps)
    return 0 if isinstance(value, float) else value


def test_json_does_not_change_with_the_language(lab: LabInfo) -> None:
    runs = [
        run_check(lab, "alice@healthy.test", "--json"),
        run_check(lab, "alice@healthy.test", "--json", lang_env="de_DE.UTF-8"),
        run_check(lab, "alice@healthy.test", "--json", "--lang", "fr"),
    ]
    english, german, french = (_steady(json.loads(done.stdout)) for done in runs)
    assert german == english and french == english
