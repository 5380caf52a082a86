"""The files a domain serves so that every client can set itself up, each linted before use.

    mta-sts.txt          RFC 8461 section 3.2, CRLF lines; mode from the request (`testing` by
                         default: reports first, then `enforce`), max_age a day while testing
                         and a week when enforcing
    config-v1.1.xml      Thunderbird autoconfig, from core/export/thunderbird.py: every offered
                         endpoint, implicit TLS first, user name as a placeholder
    user-agent-configuration.json   PACC (draft-ietf-mailmaint-pacc), as parse_pacc.py reads it
    autodiscover.xml     Microsoft POX response, from core/export/outlook.py, without a login
                         name: one static file answers every user, so the client uses the address
    DOMAIN.mobileconfig  Apple profile, from core/export/apple.py, without an address or user
                         name: the device asks for them when the profile is installed

Each file is linted by core/export/lint.py; one with an error (a client would reject it, as
Thunderbird for Android rejects an autoconfig file without IMAP) is left out, with the lint's
words in ``notes``. A file a request cannot express (an Apple profile for OAuth2, PACC or
Autodiscover when the login is not the whole address) is left out with a note, never written
half-right.
"""

from __future__ import annotations

import json
import plistlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from ..account.profile import PROFILE_VERSION, AccountProfile, EndpointSetting
from ..common.i18n import _
from ..common.model import AuthMethod, Security, Service
from ..common.untrusted import read_xml
from ..discover.parse_mtasts import MtaStsMode
from ..export.apple import ExportError, mobileconfig
from ..export.lint import LintReport, Severity, lint
from ..export.outlook import autodiscover_xml
from ..export.thunderbird import autoconfig_xml
from ..policy.tiers import Tier
from ..verdict.verdict import Level
from .gather import EndpointFacts, Gathered
from .request import PublishRequest, UsernameStyle

__all__ = [
    "TEMPLATE_LOCAL_PART",
    "FileSet",
    "PublishedFile",
    "mta_sts_policy",
    "pacc_document",
    "render_files",
]

_LOGIN_NAME = re.compile(rb"\n[ \t]*<LoginName>[^<]*</LoginName>")
TEMPLATE_LOCAL_PART = "user"  # stands for every user; placeholders replace it where they can
STS_MAX_AGE = {MtaStsMode.TESTING: 86400, MtaStsMode.ENFORCE: 604800}


@dataclass(frozen=True, slots=True)
class PublishedFile:
    """One file: its name in the output folder, its bytes, and where it is served."""

    name: str
    body: bytes
    urls: tuple[str, ...]  # empty: handed to users, not fetched by clients
    content_type: str
    lint: LintReport | None
    methods: tuple[str, ...] = ("GET",)

    @property
    def ok(self) -> bool:
        return self.lint is None or self.lint.ok


@dataclass(frozen=True, slots=True)
class FileSet:
    files: tuple[PublishedFile, ...]  # each lints clean (no error)
    notes: tuple[str, ...]  # files left out, and why
    left_out: tuple[PublishedFile, ...] = ()  # rendered, but a client would reject them

    def named(self, name: str) -> PublishedFile | None:
        return next((f for f in self.files if f.name == name), None)


def _preferred(endpoints: tuple[EndpointFacts, ...]) -> list[EndpointFacts]:
    return sorted(endpoints, key=lambda e: e.security is not Security.IMPLICIT_TLS)


def render_files(gathered: Gathered, request: PublishRequest) -> FileSet:
    rendered = _render(gathered, request)
    notes = list(rendered.notes)
    for item in rendered.files:
        if not item.ok and item.lint is not None:
            errors = "; ".join(
                f"{p.client}: {p.message}" if p.client else p.message
                for p in item.lint.problems
                if p.severity is Severity.ERROR
            )
            notes.append(_("{name} left out: {errors}").format(name=item.name, errors=errors))
    return FileSet(
        tuple(f for f in rendered.files if f.ok),
        tuple(notes),
        tuple(f for f in rendered.files if not f.ok),
    )


def _render(gathered: Gathered, request: PublishRequest) -> FileSet:
    domain = gathered.domain
    files = list(_mta_sts_files(gathered, request))
    notes: list[str] = []
    incoming = _preferred(gathered.offered(Service.IMAP)) + _preferred(
        gathered.offered(Service.POP3)
    )
    outgoing = _preferred(gathered.offered(Service.SUBMISSION))
    if not incoming or not outgoing:
        notes.append(
            _(
                "no client files: they need a server for receiving (IMAP or POP3) and one for "
                "sending (submission)"
            )
        )
        return FileSet(tuple(files), tuple(notes))
    settings_in = [_setting(e, request) for e in incoming]
    settings_out = [_setting(e, request) for e in outgoing]
    base = _profile(domain, settings_in[0], settings_out[0], request)
    files.append(
        _linted(
            "config-v1.1.xml",
            _autoconfig(domain, settings_in, settings_out, request),
            (
                f"https://autoconfig.{domain}/mail/config-v1.1.xml",
                f"https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml",
            ),
            "text/xml",
        )
    )
    if request.username is UsernameStyle.ADDRESS:
        files.extend(_whole_address_files(domain, incoming, outgoing, request, base))
    else:
        notes.append(
            _(
                "no PACC document and no Autodiscover file: both can say only that the whole "
                "address signs in, and the login here is the part before the @"
            )
        )
    try:
        apple = _apple(base, domain)
    except ExportError as exc:
        notes.append(_("no Apple profile: {why}").format(why=str(exc)))
    else:
        files.append(
            _linted(f"{domain}.mobileconfig", apple, (), "application/x-apple-aspen-config")
        )
    return FileSet(tuple(files), tuple(notes))


def _mta_sts_files(gathered: Gathered, request: PublishRequest) -> tuple[PublishedFile, ...]:
    """The MTA-STS policy file, when the domain has MX hosts for it to name."""
    if not gathered.mx_hosts:
        return ()
    body = mta_sts_policy(gathered.mx_hosts, request.sts_mode)
    url = f"https://mta-sts.{gathered.domain}/.well-known/mta-sts.txt"
    return (_linted("mta-sts.txt", body, (url,), "text/plain"),)


def _whole_address_files(
    domain: str,
    incoming: list[EndpointFacts],
    outgoing: list[EndpointFacts],
    request: PublishRequest,
    base: AccountProfile,
) -> tuple[PublishedFile, ...]:
    """PACC and Autodiscover: both formats can say only that the whole address signs in."""
    pacc = _linted(
        "user-agent-configuration.json",
        pacc_document(incoming, outgoing, request),
        (f"https://ua-auto-config.{domain}/.well-known/user-agent-configuration.json",),
        "application/json",
    )
    autodiscover = _linted(
        "autodiscover.xml",
        _autodiscover(base),
        (f"https://autodiscover.{domain}/autodiscover/autodiscover.xml",),
        "text/xml",
        methods=("POST", "GET"),
    )
    return (pacc, autodiscover)


def mta_sts_policy(mx_hosts: tuple[str, ...], mode: MtaStsMode) -> bytes:
    lines = ["version: STSv1", f"mode: {mode.value}", *(f"mx: {host}" for host in mx_hosts)]
    lines.append(f"max_age: {STS_MAX_AGE.get(mode, STS_MAX_AGE[MtaStsMode.ENFORCE])}")
    return "".join(f"{line}\r\n" for line in lines).encode("ascii")


def pacc_document(
    incoming: list[EndpointFacts], outgoing: list[EndpointFacts], request: PublishRequest
) -> bytes:
    protocols: dict[str, list[dict[str, Any]]] = {}
    keys = {Service.IMAP: "imap", Service.POP3: "pop3", Service.SUBMISSION: "submit"}
    for endpoint in [*incoming, *outgoing]:
        protocols.setdefault(keys[endpoint.service], []).append(
            {"host": endpoint.host, "port": endpoint.port, "security": endpoint.security.value}
        )
    authentication: dict[str, Any] = {"password": request.oauth2_issuer is None}
    if request.oauth2_issuer is not None:
        authentication["oauth-public"] = {"issuer": request.oauth2_issuer}
    document = {
        "info": {"provider": {"name": request.domain}},
        "protocols": protocols,
        "authentication": authentication,
    }
    return (json.dumps(document, indent=2) + "\n").encode("utf-8")


def _linted(
    name: str,
    body: bytes,
    urls: tuple[str, ...],
    content_type: str,
    *,
    methods: tuple[str, ...] = ("GET",),
) -> PublishedFile:
    return PublishedFile(name, body, urls, content_type, lint(body, name), methods)


def _setting(endpoint: EndpointFacts, request: PublishRequest) -> EndpointSetting:
    local = TEMPLATE_LOCAL_PART
    username = local if request.username is UsernameStyle.LOCALPART else f"{local}@{request.domain}"
    return EndpointSetting(
        service=endpoint.service,
        host=endpoint.host,
        port=endpoint.port,
        security=endpoint.security,
        username=username,
        auth_method=AuthMethod.OAUTH2 if request.oauth2_issuer else AuthMethod.PASSWORD_CLEARTEXT,
        spki_sha256=endpoint.spki_sha256 or "",
        authenticated_by="",
        tier=Tier.A,
        sources=(),
    )


def _profile(
    domain: str, incoming: EndpointSetting, outgoing: EndpointSetting, request: PublishRequest
) -> AccountProfile:
    address = f"{TEMPLATE_LOCAL_PART}@{domain}"
    return AccountProfile(
        version=PROFILE_VERSION,
        address=address,
        address_unicode=address,
        display_name=domain,
        incoming=incoming,
        outgoing=outgoing,
        oauth2=request.oauth2_issuer is not None,
        approvals=(),
        secrets=(),
        # No check ran: a profile only for the formats below, none of which says the
        # verdict (only the settings sheet does, which publish does not write); every server
        # a check would block was refused before this.
        verdict=Level.OK,
        checked_at="",
    )


def _autoconfig(
    domain: str,
    incoming: list[EndpointSetting],
    outgoing: list[EndpointSetting],
    request: PublishRequest,
) -> bytes:
    """The exporter writes one incoming and one outgoing server; the domain serves them all,
    in preference order, so each further server comes from a render of its own."""
    renders = [
        read_xml(autoconfig_xml(_profile(domain, i, outgoing[0], request))) for i in incoming
    ]
    renders += [
        read_xml(autoconfig_xml(_profile(domain, incoming[0], o, request))) for o in outgoing[1:]
    ]
    root = renders[0]
    provider = root.find("emailProvider")
    if provider is None:  # pragma: no cover - the exporter always writes one
        raise ValueError("the autoconfig exporter wrote no emailProvider")
    servers_in = [r.find("emailProvider/incomingServer") for r in renders[: len(incoming)]]
    servers_out = [renders[0].find("emailProvider/outgoingServer")]
    servers_out += [r.find("emailProvider/outgoingServer") for r in renders[len(incoming) :]]
    for old in provider.findall("incomingServer") + provider.findall("outgoingServer"):
        provider.remove(old)
    for server in [*servers_in, *servers_out]:
        if server is not None:
            provider.append(server)
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def _autodiscover(profile: AccountProfile) -> bytes:
    """The exporter's response without its LoginName lines. Done on the exporter's own bytes,
    not by a parse and re-serialisation, which would rename the two default namespaces to
    ns0:/ns1: prefixes; ElementTree escapes every "<" in a value, so a LoginName element is
    exactly one line and nothing else can look like one."""
    return _LOGIN_NAME.sub(b"", autodiscover_xml(profile))


def _apple(profile: AccountProfile, domain: str) -> bytes:
    top = plistlib.loads(mobileconfig(profile, organization=domain))
    title = f"Mail at {domain}"
    top["PayloadDisplayName"] = title
    top["PayloadDescription"] = (
        f"Sets up a mail account at {domain} in Apple Mail with the servers the domain "
        "publishes. It holds no address and no password: Mail asks for them when the profile "
        "is installed."
    )
    for payload in top["PayloadContent"]:
        for key in ("EmailAddress", "IncomingMailServerUsername", "OutgoingMailServerUsername"):
            payload.pop(key, None)
        payload["PayloadDisplayName"] = title
        payload["PayloadDescription"] = f"Sets up a mail account at {domain} in Apple Mail."
        payload["EmailAccountDescription"] = domain
        payload.pop("EmailAccountName", None)
    return plistlib.dumps(top, fmt=plistlib.FMT_XML, sort_keys=True)
