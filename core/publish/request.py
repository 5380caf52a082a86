"""What the admin asked ``mailhop publish`` for: the domain, its servers and the options."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..common.errors import UsageError
from ..common.fields import FieldError, validate_hostname
from ..common.model import Service
from ..discover.parse_mtasts import MtaStsMode
from .gather import ServerSpec

__all__ = ["STS_MODES", "PublishRequest", "ServerNameError", "UsernameStyle", "parse_server"]

# "none" withdraws a policy: nothing to generate for it.
STS_MODES = (MtaStsMode.TESTING, MtaStsMode.ENFORCE)


class UsernameStyle(enum.Enum):
    ADDRESS = "address"  # the whole address signs in (%EMAILADDRESS%)
    LOCALPART = "localpart"  # the part before the @ (%EMAILLOCALPART%)


@dataclass(frozen=True, slots=True)
class PublishRequest:
    domain: str  # A-label
    servers: tuple[ServerSpec, ...]
    username: UsernameStyle = UsernameStyle.ADDRESS
    oauth2_issuer: str | None = None
    sts_mode: MtaStsMode = MtaStsMode.TESTING
    dane_only: bool = False
    tls_rpt: str | None = None  # mailto: or https: URI; default mailto:tlsrpt@DOMAIN
    next_keys: Mapping[str, str] = field(default_factory=dict)  # host -> hex SPKI SHA-256

    @property
    def tls_rpt_uri(self) -> str:
        return self.tls_rpt or f"mailto:tlsrpt@{self.domain}"


class ServerNameError(UsageError):
    """A server the admin named that cannot be one; the message says why."""


def parse_server(service: Service, value: str) -> ServerSpec:
    """``HOST`` or ``HOST:PORT`` (1 to 65535) as the admin typed it, for the CLI and the
    window alike; an MX host takes no port (relays listen on 25, RFC 5321 section 4.5.4.2).
    Anything else after a colon stays part of the name, which then fails as a host name."""
    host, colon, port = value.rpartition(":")
    number = int(port) if colon and port.isdigit() else None
    if service is Service.RELAY or number is None or not 1 <= number <= 65535:
        host, number = value, None
    try:
        return ServerSpec(service, validate_hostname(host), number)
    except FieldError as exc:
        raise ServerNameError(f"{value}: {exc}") from exc
