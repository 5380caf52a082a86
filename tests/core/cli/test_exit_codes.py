"""The exit codes: one table, which --help prints and README.md repeats."""

from __future__ import annotations

import re
from pathlib import Path

from mailhop.core.cli import exit_codes, main
from mailhop.core.cli.parser import build_parser
from mailhop.core.common.i18n import set_language

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_exit_code_has_one_meaning_in_the_table() -> None:
    constants = {
        v for k, v in vars(exit_codes).items() if k.startswith("EXIT_") and k != "EXIT_CODES"
    }
    codes = [code for code, _meaning in exit_codes.EXIT_CODES]
    assert sorted(codes) == sorted(constants)
    assert len(set(codes)) == len(codes)


def test_the_help_lists_the_table_in_order() -> None:
    set_language("en")
    text = build_parser().format_help()
    listed = [int(n) for n in re.findall(r"^  (\d+) ", text.split("exit codes:")[1], re.M)]
    assert listed == [code for code, _meaning in exit_codes.EXIT_CODES]
    for _code, meaning in exit_codes.EXIT_CODES:
        assert " ".join(meaning.split()) in " ".join(text.split())


def test_the_shell_module_keeps_no_second_table() -> None:
    # The docstring of cli/main.py once listed the codes by hand and drifted from --help.
    assert not re.search(r"^\s+\d+\s+\S", main.__doc__ or "", re.M)


def test_the_readme_names_every_exit_code() -> None:
    paragraph = README.read_text("utf-8").split("is the one table):", 1)[1].split("\n\n", 1)[0]
    named = {int(n) for n in re.findall(r"(?<![\w.=])(\d+) ", paragraph)}
    assert named == {code for code, _meaning in exit_codes.EXIT_CODES}
