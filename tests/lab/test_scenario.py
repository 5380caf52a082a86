"""The scenario files load, and the loader refuses what would make the lab ambiguous."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.lab import scenario
from tests.lab.scenario import ScenarioError

REQUIRED = {
    "healthy.test": "signed",
    "srvonly.test": "signed",
    "autoconfonly.test": "signed",
    "hosted.test": "signed",
    "unsigned.test": "unsigned",
    "bogus.test": "bogus",
    "blackhole.test": "signed",
    # for the discovery tests (issue 3)
    "test": "signed",  # the suffix-level traps autodiscover.test and autoconfig.test
    "ispdb.test": "signed",
    "ispdbonly.test": "signed",
    "adredirect.test": "signed",
    "attacker.test": "signed",
    "xn--fa-hia.test": "signed",
    "plainonly.test": "signed",
    "mxderived.test": "signed",
    "mxderived-unsigned.test": "unsigned",
}


def test_every_required_scenario_is_there_with_its_signing() -> None:
    loaded = {s.domain: s.dnssec for s in scenario.load_all()}
    assert {d: loaded.get(d) for d in REQUIRED} == REQUIRED


def test_blackhole_scenario_has_dropped_hosts_and_a_working_one() -> None:
    (s,) = [s for s in scenario.load_all() if s.domain == "blackhole.test"]
    dropped = sorted(h.name for h in s.hosts if h.blackhole)
    assert dropped == ["autoconfig.blackhole.test", "dead.blackhole.test"]
    assert s.host("mail.blackhole.test").mail


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_relative_and_apex_names_become_absolute(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "a.toml",
        'domain = "a.test"\n'
        '[[records]]\nname = "@"\ntype = "mx"\nvalue = "10 mx.a.test."\n'
        '[[records]]\nname = "_imaps._tcp"\ntype = "SRV"\nvalue = "0 1 993 mx.a.test."\n'
        '[[records]]\nname = "other.test."\ntype = "A"\nvalue = "127.0.0.9"\n',
    )
    records = scenario.load(path).records
    assert [(r.name, r.type) for r in records] == [
        ("a.test.", "MX"),
        ("_imaps._tcp.a.test.", "SRV"),
        ("other.test.", "A"),
    ]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ('domain = "a.test"\ndnssec = "maybe"\n', "dnssec must be one of"),
        ('domain = "a b"\n', "is not a DNS name"),
        ('domain = "a.test"\n[hosts."h.a.test"]\naddress = "10.0.0.1"\n', "outside 127.0.0.0/8"),
        ('domain = "a.test"\n[hosts."h.a.test"]\naddress = "nope"\n', "address"),
        (
            'domain = "a.test"\n[hosts."h.a.test"]\naddress = "127.0.0.9"\ncert = "fine"\n',
            "is not one of",
        ),
        (
            'domain = "a.test"\n[hosts."h.a.test"]\naddress = "127.0.0.9"\nmail = ["ftp"]\n',
            "'ftp' is not one of",
        ),
        ("domain = \n", "a.toml"),
    ],
)
def test_malformed_files_are_refused_with_the_field_named(
    tmp_path: Path, text: str, complaint: str
) -> None:
    with pytest.raises(ScenarioError, match=complaint):
        scenario.load(write(tmp_path, "a.toml", text))


def test_two_hosts_on_one_address_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'domain = "a.test"\n[hosts."h.a.test"]\naddress = "127.0.0.9"\n')
    write(tmp_path, "b.toml", 'domain = "b.test"\n[hosts."h.b.test"]\naddress = "127.0.0.9"\n')
    with pytest.raises(ScenarioError, match=r"share 127\.0\.0\.9"):
        scenario.load_all(tmp_path)


def test_a_domain_defined_twice_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'domain = "a.test"\n')
    write(tmp_path, "b.toml", 'domain = "A.test."\n')
    with pytest.raises(ScenarioError, match="defined twice"):
        scenario.load_all(tmp_path)


def test_placeholders_expand_and_unknown_kinds_fail() -> None:
    resolvers = {"spki-sha256": lambda host: f"<{host}>"}
    assert scenario.expand("3 1 1 {spki-sha256:mail.a.test}", resolvers) == "3 1 1 <mail.a.test>"
    with pytest.raises(ScenarioError, match="unknown placeholder"):
        scenario.expand("{nope:x}", resolvers)
