"""`mailhop publish DOMAIN --imap HOST[:PORT] --submission HOST[:PORT] ...`: the CLI shell.

parser.py adds the sub-command with ``add_parser``, main.py runs ``publish_command``; the work is in
core/publish/. Without ``--output`` the README (with every record) goes to standard output and
no file is written; with it, the records, the README and each file that linted clean go into
the folder. ``--verify`` compares the live domain with what would be generated (for the
servers named, or without any, for those the domain names today).

Exit codes: 0 generated (or, with --verify, everything published as generated), 1 (--verify)
something missing or different, 2 usage error, 3 not a valid domain, 5 a server or file was
refused (nothing written).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..common.i18n import N_, Words, _
from .exit_codes import EXIT_BAD_ADDRESS as EXIT_BAD_DOMAIN
from .exit_codes import EXIT_BLOCKED as EXIT_REFUSED
from .exit_codes import EXIT_NEEDS_APPROVAL as EXIT_ATTENTION
from .exit_codes import EXIT_OK

if TYPE_CHECKING:
    from ..publish.compose import PublishSet
    from ..publish.gather import ServerSpec
    from ..publish.verify import VerifyReport
    from ..run.discovery import DiscoveryOptions

__all__ = ["add_parser", "publish_command", "render_refusals", "render_verify"]


def add_parser(commands: Any, shared: argparse.ArgumentParser, epilog: str) -> None:
    """The `publish` sub-command on main.py's sub-parsers (``commands``)."""
    publish = commands.add_parser(
        "publish",
        parents=[shared],
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        help=_("generate the records and files a domain should publish for its mail servers"),
        description=_(
            "Connect to each mail server of DOMAIN (no login), read its certificate and "
            "capabilities, and generate what the domain should publish so that every mail "
            "client sets itself up securely: SRV, TLSA, MX, MTA-STS, TLS-RPT and PACC records, "
            "the MTA-STS policy, autoconfig, PACC, Autodiscover and an Apple profile, each "
            "linted, with a README saying where each goes. Insecure servers are refused."
        ),
    )
    publish.add_argument("domain", metavar="DOMAIN")
    _server_options(publish)
    _policy_options(publish)


def _server_options(publish: argparse.ArgumentParser) -> None:
    """Which servers the domain runs and how users sign in to them."""
    for flag, what in (
        ("--imap", _("an IMAP server (standard ports: 993, then 143 with STARTTLS)")),
        ("--submission", _("a submission server (standard ports: 465, then 587 with STARTTLS)")),
        ("--pop3", _("a POP3 server (standard ports: 995, then 110 with STARTTLS)")),
    ):
        publish.add_argument(flag, metavar="HOST[:PORT]", action="append", default=[], help=what)
    publish.add_argument(
        "--mx",
        metavar="HOST",
        action="append",
        default=[],
        help=_("an MX host, in preference order"),
    )
    publish.add_argument(
        "--username",
        choices=["address", "localpart"],
        default="address",
        help=_("what users sign in with (default: the whole address)"),
    )
    publish.add_argument(
        "--oauth2", metavar="ISSUER", help=_("the OAuth2 issuer URL users sign in with")
    )


def _policy_options(publish: argparse.ArgumentParser) -> None:
    """What the generated policies say, and where the files go."""
    publish.add_argument(
        "--mta-sts-mode",
        choices=["testing", "enforce"],
        default="testing",
        help=_("the MTA-STS policy mode (default testing; move to enforce once reports are clean)"),
    )
    publish.add_argument(
        "--tls-rpt", metavar="URI", help=_("where TLS reports go (default mailto:tlsrpt@DOMAIN)")
    )
    publish.add_argument(
        "--next-key",
        metavar="HOST=PEM",
        action="append",
        default=[],
        help=_("the key HOST will use next (key, certificate or request): a second TLSA line"),
    )
    publish.add_argument(
        "--dane-only",
        action="store_true",
        help=_("accept a certificate that only DANE-EE vouches for (the zone must be signed)"),
    )
    publish.add_argument("--output", metavar="DIR", type=Path, help=_("write the files into DIR"))
    publish.add_argument(
        "--verify",
        action="store_true",
        help=_("compare the live domain with what would be generated, and run the check"),
    )


def publish_command(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    # The stages (and asyncio) load only here: parser.py builds this command's options at
    # every start of mailhop, `mailhop --help` and `mailhop check` included.
    import asyncio
    from datetime import UTC, datetime

    from ..common.address import AddressError, parse_address
    from ..discover.parse_mtasts import MtaStsMode
    from ..publish.compose import prepare, write
    from ..publish.request import PublishRequest, UsernameStyle
    from .commands import options_from

    options = options_from(parser, args)
    try:
        domain = parse_address(
            f"postmaster@{args.domain}", allow_test_domains=args.allow_test_domains
        ).domain
    except AddressError as exc:
        print(f"mailhop: {exc}", file=sys.stderr)
        return EXIT_BAD_DOMAIN
    specs = _specs(parser, args)
    if not specs and args.verify:
        specs = _specs_published(domain, options, args.allow_test_domains)
    if not specs:
        parser.error(_("name at least one server (--imap, --pop3, --submission or --mx)"))
    request = PublishRequest(
        domain=domain,
        servers=specs,
        username=UsernameStyle(args.username),
        oauth2_issuer=_issuer(parser, args.oauth2),
        sts_mode=MtaStsMode(args.mta_sts_mode),
        dane_only=args.dane_only,
        tls_rpt=args.tls_rpt,
        next_keys=_next_keys(parser, args.next_key),
    )
    published = asyncio.run(prepare(request, options, datetime.now(UTC)))
    if published.refusals:
        sys.stdout.write(render_refusals(published))
        return EXIT_REFUSED
    if args.verify:
        from ..publish.verify import verify

        report = asyncio.run(verify(published, options, allow_test=args.allow_test_domains))
        sys.stdout.write(render_verify(report))
        return EXIT_ATTENTION if report.missing else EXIT_OK
    if args.output is None:
        sys.stdout.write(published.readme)
        print(_("(nothing written: --output DIR writes the files)"))
        return EXIT_OK
    for path in write(published, args.output):
        print(_("wrote {path}").format(path=path))
    return EXIT_OK


def _specs(parser: argparse.ArgumentParser, args: argparse.Namespace) -> tuple[ServerSpec, ...]:
    from ..common.model import Service
    from ..publish.request import ServerNameError, parse_server

    found: list[ServerSpec] = []
    named = (
        (Service.IMAP, args.imap),
        (Service.POP3, args.pop3),
        (Service.SUBMISSION, args.submission),
        (Service.RELAY, args.mx),
    )
    for service, values in named:
        for value in values:
            try:
                found.append(parse_server(service, value))
            except ServerNameError as exc:
                parser.error(str(exc))
    return tuple(found)


def _specs_published(
    domain: str, options: DiscoveryOptions, allow_test: bool
) -> tuple[ServerSpec, ...]:
    """``--verify`` alone: the servers the domain names today (discovery, tier A or B)."""
    import asyncio

    from ..common.address import parse_address
    from ..publish.gather import specs_from_plan
    from ..run.discovery import discover

    address = parse_address(f"postmaster@{domain}", allow_test_domains=allow_test)
    return specs_from_plan(asyncio.run(discover(address, options)).plan)


def _issuer(parser: argparse.ArgumentParser, value: str | None) -> str | None:
    """The OAuth2 issuer goes into PACC for every client to trust: an https URL, checked."""
    from ..common.fields import FieldError, validate_https_url

    if value is None:
        return None
    try:
        return validate_https_url(value, "--oauth2")
    except FieldError as exc:
        parser.error(str(exc))


def _next_keys(parser: argparse.ArgumentParser, values: Sequence[str]) -> dict[str, str]:
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from ..common.fields import FieldError, validate_hostname

    found: dict[str, str] = {}
    for value in values:
        host, equals, name = value.partition("=")
        if not equals:
            parser.error(_("--next-key wants HOST=FILE, not {value}").format(value=value))
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            parser.error(f"--next-key {value}: {exc}")
        key: Any = None
        for load in (
            lambda d: x509.load_pem_x509_certificate(d).public_key(),
            lambda d: x509.load_pem_x509_csr(d).public_key(),
            serialization.load_pem_public_key,
            lambda d: serialization.load_pem_private_key(d, None).public_key(),
        ):
            try:
                key = load(data)
                break
            except (ValueError, TypeError):
                continue
        if key is None:
            parser.error(
                _("--next-key {value}: no PEM key, certificate or request").format(value=value)
            )
        spki = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        try:
            found[validate_hostname(host)] = hashlib.sha256(spki).hexdigest()
        except FieldError as exc:
            parser.error(f"--next-key {value}: {exc}")
    return found


def render_refusals(published: PublishSet) -> str:
    lines = [_("Nothing written: publishing this would send clients to insecure servers.")]
    for refusal in published.refusals:
        lines.append(f"  {refusal.endpoint}: {refusal.reason} [{refusal.code}]")
    return "\n".join(lines) + "\n"


def render_verify(report: VerifyReport) -> str:
    from ..publish.verify import Standing

    said = {
        Standing.MISSING: Words(N_("missing")),
        Standing.DIFFERENT: Words(N_("different")),
        Standing.MATCHING: Words(N_("matching")),
        Standing.AUTHENTICATED: Words(N_("authenticated")),
        Standing.EXTRA: Words(N_("extra")),
    }
    shown = {standing: str(words) for standing, words in said.items()}
    width = max(len(word) for word in shown.values())
    lines = [_("DNS records:")]
    for check in report.records:
        record = check.record
        word = shown[check.standing].ljust(width)
        if check.standing is Standing.MISSING:
            lines.append(f"  {word} {_('add:')} {record.line}")
        elif check.standing is Standing.DIFFERENT:
            lines.append(f"  {word} {_('change to:')} {record.line}")
            lines += [f"  {'':<{width}} {_('published:')} {value}" for value in check.published]
        elif check.standing is Standing.EXTRA:
            lines.append(f"  {word} {_('remove:')} {record.line}")
        else:
            lines.append(f"  {word} {record.line}")
    lines.append(_("Files:"))
    for item in report.files:
        detail = f" ({item.detail})" if item.detail else ""
        lines.append(f"  {shown[item.standing].ljust(width)} {item.url}{detail}")
    if report.check is not None:
        lines.append(_("What a client gets now (mailhop check):"))
        relay = [r.probe for r in report.check.relay if r.probe is not None]
        for probe in (*report.check.probes, *relay):
            how = str(probe.authenticated_by or _("not authenticated"))
            lines.append(f"  {probe.endpoint}: tier {probe.entry.tier.value}, {how}")
    missing = len(report.missing)
    lines.append(
        _("Nothing is missing.")
        if not missing
        else _("{count} to add or change.").format(count=missing)
    )
    return "\n".join(lines) + "\n"
