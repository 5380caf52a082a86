"""CI's share of the fuzzing: every seed replayed, and each harness run briefly under atheris.

The long runs are `make fuzz` (python -m tests.fuzz); this keeps the harnesses working and the
seeds crash-free on every change.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import pytest

from tests.fuzz import harnesses
from tests.fuzz.__main__ import run_target

TARGETS = harnesses.names()
SMOKE_SECONDS = int(os.environ.get("MAILHOP_FUZZ_SMOKE_SECONDS", "4"))

# Every module that reads bytes a server, a published document or a file on disk hands it
# (issue 12's list). A harness must import each, so a parser cannot lose its fuzzing unnoticed.
UNTRUSTED_PARSERS = frozenset(
    f"mailhop.core.{name}"
    for name in (
        "common.address",
        "discover.parse_autoconfig",
        "discover.parse_autodiscover",
        "discover.parse_mtasts",
        "discover.mtasts_cache",  # a cache file anything on the disk may have changed
        "discover.parse_e2e_keys",  # WKD bodies, OPENPGPKEY and SMIMEA records
        "discover.parse_pacc",
        "export.lint",
        "export.cms_signed",
        "probe.certinfo",
        "account.profile",
        "account.oauth_sasl",  # a mail server's OAUTHBEARER error challenge (issue 20)
        "account.oauth_discover",  # an issuer's RFC 8414 metadata
        "probe.proto_imap",
        "probe.proto_pop3",
        "probe.proto_smtp",
        "dns.dnssec",
        "dns.dnssec_denial",
    )
)


def _imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_every_parser_of_untrusted_bytes_has_a_harness() -> None:
    imported: set[str] = set()
    for name in TARGETS:
        imported |= _imported_modules(harnesses.FUZZ_DIR / f"{harnesses.PREFIX}{name}.py")
    missing = sorted(UNTRUSTED_PARSERS - imported)
    assert not missing, f"no fuzz harness imports {', '.join(missing)}"


@pytest.mark.parametrize("target", TARGETS)
def test_harness_states_its_contract_and_has_seeds(target: str) -> None:
    harness = harnesses.load(target)
    assert all(issubclass(e, BaseException) for e in harness.contract)
    assert harness.seeds(), f"tests/fuzz/corpus/{target}/ holds no seed input"


@pytest.mark.parametrize("target", TARGETS)
def test_every_seed_is_handled_within_the_contract(target: str) -> None:
    harness = harnesses.load(target)
    for seed in harness.seeds():
        harness.run(seed.read_bytes())  # anything outside the contract fails the test


@pytest.mark.parametrize("target", TARGETS)
def test_short_fuzz_run_finds_no_crash(target: str, tmp_path: Path) -> None:
    outcome = run_target(target, seconds=SMOKE_SECONDS, runs=0, out=tmp_path)
    log = (tmp_path / target / "log").read_text(encoding="utf-8", errors="replace")
    assert not outcome.crashed, f"{target} crashed on {outcome.crashes}:\n{log[-4000:]}"
    assert outcome.executions > 0, log[-2000:]
