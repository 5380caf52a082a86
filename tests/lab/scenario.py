"""Scenario files: one TOML file per lab domain says everything about it.

A new case needs a new file in tests/lab/scenarios/, not new code. The common parts (zone,
signing, hosts, certificates, accounts) are read here into frozen dataclasses; the `web` and
`hostile` tables of a host are read by the component that serves them (web.py, hostile.py),
which owns their knobs.

    domain = "healthy.test"
    description = "what this domain is for"
    dnssec = "signed"            # signed | unsigned | bogus (signed, then signatures broken)
    republish = false            # true: a test may replace the zone's published records and
                                 # web documents while the lab runs (publish.py)

    [[records]]                  # names are relative to the domain ("@" is the apex)
    name = "_imaps._tcp"         # or absolute with a trailing dot
    type = "SRV"
    value = "0 1 993 mail.healthy.test."
    ttl = 300                    # optional

    [hosts."mail.healthy.test"]  # each host gets an A record (and AAAA if address6 is given)
    address = "127.0.1.10"
    cert = "good"                # good | expired | wrong-name | unknown-ca | no-intermediate
                                 # | self-signed (certs.py)
    mail = ["imaps", "imap", "pop3s", "pop3", "submissions", "submission", "smtp"]
    blackhole = false            # true: every packet to this address is dropped
    oauth_server = "accounts.healthy.test"   # the mail services take OAuth2 tokens (and no
                                 # passwords), checked by that host's authorization server
                                 # (its `oauth` table, read by oauth.py) by introspection

    [[accounts]]
    address = "alice@healthy.test"
    password = "..."

Values may carry placeholders that only exist once the lab is built, such as
`{spki-sha256:mail.healthy.test}` in a TLSA record; `expand()` fills them in. The lab's
placeholders (lab.py, LabContext.placeholders; dns.py adds the web document digests):

    {spki-sha256:HOST} {spki-sha512:HOST}    the host's key (TLSA x 1 1, x 1 2)
    {cert-sha256:HOST} {cert-sha512:HOST}    the host's certificate (TLSA x 0 1, x 0 2)
    {ca-spki-sha256:CA} {ca-cert-sha256:CA}  a lab CA, root or intermediate (TLSA 2 x 1)
    {key-spki-sha256:KEY}                    a spare key no server uses, "other" (certs.py)
    {web-sha256-b64:HOST/PATH} {web-sha256-hex:HOST/PATH}   a web document's body
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCENARIO_DIR = Path(__file__).parent / "scenarios"

DNSSEC_MODES = ("signed", "unsigned", "bogus")
CERT_KINDS = ("good", "expired", "wrong-name", "unknown-ca", "no-intermediate", "self-signed")
MAIL_SERVICES = ("imaps", "imap", "pop3s", "pop3", "submissions", "submission", "smtp")
MAIL_PORTS = {
    "imaps": 993,
    "imap": 143,
    "pop3s": 995,
    "pop3": 110,
    "submissions": 465,
    "submission": 587,
    "smtp": 25,
}


class ScenarioError(ValueError):
    """A scenario file is malformed; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class Record:
    name: str  # absolute, lower case, with the trailing dot
    type: str
    value: str  # zone-file presentation, may hold placeholders
    ttl: int = 300


@dataclass(frozen=True, slots=True)
class Host:
    name: str  # absolute, lower case, without the trailing dot
    address: str
    address6: str | None = None
    cert: str = "good"
    mail: tuple[str, ...] = ()
    blackhole: bool = False
    web: Mapping[str, Any] = field(default_factory=dict)  # read by web.py
    hostile: Mapping[str, Any] = field(default_factory=dict)  # read by hostile.py
    oauth: Mapping[str, Any] = field(default_factory=dict)  # read by oauth.py
    oauth_server: str | None = None  # mail.py: tokens from this host's server, not passwords


@dataclass(frozen=True, slots=True)
class Account:
    address: str
    password: str


@dataclass(frozen=True, slots=True)
class Scenario:
    domain: str  # lower case, without the trailing dot
    description: str
    dnssec: str
    records: tuple[Record, ...]
    hosts: tuple[Host, ...]
    accounts: tuple[Account, ...]
    source: Path
    republish: bool = False

    def host(self, name: str) -> Host:
        for host in self.hosts:
            if host.name == name:
                return host
        raise KeyError(name)


def load_all(directory: Path = SCENARIO_DIR) -> tuple[Scenario, ...]:
    """Every scenario in the folder, checked together (no address or domain used twice)."""
    scenarios = tuple(load(path) for path in sorted(directory.glob("*.toml")))
    _check_unique(scenarios)
    return scenarios


def load(path: Path) -> Scenario:
    try:
        raw = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"{path.name}: {exc}") from exc
    where = path.name
    domain = _name(raw.get("domain"), f"{where}: domain").rstrip(".")
    dnssec = raw.get("dnssec", "signed")
    if dnssec not in DNSSEC_MODES:
        raise ScenarioError(f"{where}: dnssec must be one of {DNSSEC_MODES}, not {dnssec!r}")
    records = tuple(
        _record(item, domain, f"{where}: records[{i}]")
        for i, item in enumerate(raw.get("records", []))
    )
    hosts = tuple(
        _host(name, item, f"{where}: hosts.{name}") for name, item in raw.get("hosts", {}).items()
    )
    accounts = tuple(
        Account(address=str(item["address"]), password=str(item["password"]))
        for item in raw.get("accounts", [])
    )
    return Scenario(
        domain=domain,
        description=str(raw.get("description", "")),
        dnssec=dnssec,
        records=records,
        hosts=hosts,
        accounts=accounts,
        source=path,
        republish=bool(raw.get("republish", False)),
    )


def _name(value: object, where: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_.*-]+\.?|@", value):
        raise ScenarioError(f"{where}: {value!r} is not a DNS name")
    return value.lower()


def _record(item: Mapping[str, Any], domain: str, where: str) -> Record:
    name = _name(item.get("name", "@"), f"{where}.name")
    if name == "@":
        absolute = f"{domain}."
    elif name.endswith("."):
        absolute = name
    else:
        absolute = f"{name}.{domain}."
    rtype = str(item.get("type", "")).upper()
    if not rtype.isalnum():
        raise ScenarioError(f"{where}.type: {rtype!r}")
    return Record(
        name=absolute, type=rtype, value=str(item["value"]), ttl=int(item.get("ttl", 300))
    )


def _host(name: str, item: Mapping[str, Any], where: str) -> Host:
    name = _name(name, where).rstrip(".")
    address = str(item.get("address", ""))
    try:
        if not ipaddress.IPv4Address(address).is_loopback:
            raise ScenarioError(f"{where}.address: {address} is outside 127.0.0.0/8")
    except ipaddress.AddressValueError as exc:
        raise ScenarioError(f"{where}.address: {exc}") from exc
    cert = item.get("cert", "good")
    if cert not in CERT_KINDS:
        raise ScenarioError(f"{where}.cert: {cert!r} is not one of {CERT_KINDS}")
    mail = tuple(item.get("mail", ()))
    for service in mail:
        if service not in MAIL_SERVICES:
            raise ScenarioError(f"{where}.mail: {service!r} is not one of {MAIL_SERVICES}")
    return Host(
        name=name,
        address=address,
        address6=item.get("address6"),
        cert=cert,
        mail=mail,
        blackhole=bool(item.get("blackhole", False)),
        web=dict(item.get("web", {})),
        hostile=dict(item.get("hostile", {})),
        oauth=dict(item.get("oauth", {})),
        oauth_server=None if item.get("oauth_server") is None else str(item["oauth_server"]),
    )


def _check_unique(scenarios: tuple[Scenario, ...]) -> None:
    seen_domains: set[str] = set()
    seen_addresses: dict[str, str] = {}
    for scenario in scenarios:
        if scenario.domain in seen_domains:
            raise ScenarioError(f"{scenario.source.name}: domain {scenario.domain} defined twice")
        seen_domains.add(scenario.domain)
        for host in scenario.hosts:
            other = seen_addresses.setdefault(host.address, host.name)
            if other != host.name:
                raise ScenarioError(
                    f"{scenario.source.name}: {host.name} and {other} share {host.address}"
                )


PLACEHOLDER = re.compile(r"\{([a-z0-9-]+):([^{}]+)\}")


def expand(text: str, resolvers: Mapping[str, Callable[[str], str]]) -> str:
    """Fill in `{kind:argument}` placeholders; an unknown kind is an error, not left as is."""

    def replace(match: re.Match[str]) -> str:
        kind, argument = match.groups()
        if kind not in resolvers:
            raise ScenarioError(f"unknown placeholder {{{kind}:...}} in {text!r}")
        return resolvers[kind](argument)

    return PLACEHOLDER.sub(replace, text)
