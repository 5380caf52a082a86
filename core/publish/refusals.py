"""What mailhop will not publish, and why: pure decisions on the gathered facts.

Publishing a record tells every client to trust what it names, so a record for an insecure
server makes clients less safe than none (DESIGN.md section 4). Refused, each with a reason:

    no-tls          a server the admin named answers, but not over TLS: no STARTTLS, or a
                    failed handshake (RFC 8314 section 3; there is no plaintext in mailhop)
    unreachable     a server the admin named answers on none of its ports
    cert-invalid    the certificate does not verify for the server's name with this
                    computer's trust store, unless the admin asked for DANE-EE only and the
                    server's zone is signed (RFC 7672 section 3.1.1: a DANE-EE record vouches
                    for the key whatever the certificate says; without DNSSEC it means nothing)
    plaintext-auth  a STARTTLS server offers to take a password before TLS (IMAP without
                    LOGINDISABLED, RFC 3501 section 6.2.3; SMTP AUTH before STARTTLS, RFC 4954
                    section 4; POP3 USER or SASL before STLS, RFC 2595 section 4)

A standard port the admin did not name that nothing listens on is not refused: the service
name simply gets "." (not offered). Any refusal means nothing is written.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ..common.i18n import _
from ..common.model import Service
from .gather import EndpointFacts, Gathered

__all__ = ["Refusal", "RefusalCode", "refusals"]


class RefusalCode(enum.StrEnum):
    NO_TLS = "no-tls"
    UNREACHABLE = "unreachable"
    CERT_INVALID = "cert-invalid"
    PLAINTEXT_AUTH = "plaintext-auth"


@dataclass(frozen=True, slots=True)
class Refusal:
    code: RefusalCode
    endpoint: str  # host:port, or host for a whole server
    reason: str  # in the person's language


def refusals(gathered: Gathered, *, dane_only: bool = False) -> tuple[Refusal, ...]:
    found: list[Refusal] = []
    by_server: dict[tuple[Service, str], list[EndpointFacts]] = {}
    for endpoint in gathered.endpoints:
        by_server.setdefault((endpoint.service, endpoint.host), []).append(endpoint)
        found += _endpoint_refusals(endpoint, dane_only)
    for (service, host), endpoints in by_server.items():
        if not any(e.offered for e in endpoints) and not any(e.reachable for e in endpoints):
            ports = ", ".join(str(e.port) for e in endpoints)
            reason = _("nothing answers on port {ports} ({why})").format(
                ports=ports, why=endpoints[0].failure
            )
            found.append(Refusal(RefusalCode.UNREACHABLE, f"{host} ({service.value})", reason))
    return tuple(found)


def _endpoint_refusals(endpoint: EndpointFacts, dane_only: bool) -> list[Refusal]:
    where = f"{endpoint.host}:{endpoint.port}"
    if not endpoint.offered:
        if not endpoint.reachable and not endpoint.named_port:
            return []  # a standard port nobody serves: "." in its SRV record, not a fault
        if not endpoint.reachable:
            return []  # the admin's own port: the server-level "unreachable" says it once
        reason = _("the server answers but not over TLS: {why}").format(why=endpoint.failure)
        return [Refusal(RefusalCode.NO_TLS, where, reason)]
    found: list[Refusal] = []
    if not endpoint.pkix_valid and not (dane_only and endpoint.host_signed):
        why = endpoint.verify_error or _("not verified")
        if dane_only:
            reason = _(
                "the certificate does not verify ({why}), and DANE-EE alone cannot vouch for "
                "it: the zone of {host} is not DNSSEC-signed"
            ).format(why=why, host=endpoint.host)
        else:
            reason = _(
                "the certificate does not verify for {host} ({why}); fix the certificate, or "
                "rely on DANE-EE alone with --dane-only if the zone of {host} is DNSSEC-signed"
            ).format(why=why, host=endpoint.host)
        found.append(Refusal(RefusalCode.CERT_INVALID, where, reason))
    if endpoint.mechanisms_before_tls:
        reason = _(
            "the server offers to take a password before TLS ({mechanisms}); allow "
            "authentication only after STARTTLS"
        ).format(mechanisms=", ".join(endpoint.mechanisms_before_tls))
        found.append(Refusal(RefusalCode.PLAINTEXT_AUTH, where, reason))
    return found
