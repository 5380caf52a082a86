"""Settings as typed -> DiscoveryOptions, with one wording for each mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailhop.core.dns.resolver import Upstream
from mailhop.core.run.discovery import DEFAULT_HARD_DEADLINE, DEFAULT_SOFT_DEADLINE
from mailhop.core.run.settings import Settings, options_from_settings


def test_defaults_and_values() -> None:
    default = options_from_settings(Settings())
    assert default.upstream is None and default.anchor is None
    assert (default.soft_deadline, default.hard_deadline) == (
        DEFAULT_SOFT_DEADLINE,
        DEFAULT_HARD_DEADLINE,
    )
    chosen = options_from_settings(Settings(resolver=" 192.0.2.1:5353 ", deadline=2.0))
    assert chosen.upstream == Upstream("192.0.2.1", 5353)
    assert (chosen.soft_deadline, chosen.hard_deadline) == (2.0, 2.0)


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (Settings(resolver="resolver.example"), "must be an IP address"),
        (Settings(trust_anchor=Path("/nonexistent/anchor")), "cannot read the trust anchor"),
        (Settings(ca_file=Path("/nonexistent/ca.pem")), "cannot read the CA file"),
        (Settings(ispdb_url="http://ispdb.example/"), "must be https://"),
        (Settings(deadline=0), "between 0 and 120"),
        (Settings(deadline=121), "between 0 and 120"),
    ],
)
def test_each_mistake_is_named(settings: Settings, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        options_from_settings(settings)


def test_an_anchor_that_is_not_dns_records(tmp_path: Path) -> None:
    bad = tmp_path / "anchor.txt"
    bad.write_text("this is not a DS record\n")
    with pytest.raises(ValueError, match="trust anchor"):
        options_from_settings(Settings(trust_anchor=bad))
