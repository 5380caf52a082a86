"""What the admin asked ``mailhop publish`` for: the domain, its servers and the options."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from .gather import ServerSpec

__all__ = ["STS_MODES", "PublishRequest", "UsernameStyle"]

STS_MODES = ("testing", "enforce")  # "none" withdraws a policy; nothing to generate for it


class UsernameStyle(enum.Enum):
    ADDRESS = "address"  # the whole address signs in (%EMAILADDRESS%)
    LOCALPART = "localpart"  # the part before the @ (%EMAILLOCALPART%)


@dataclass(frozen=True, slots=True)
class PublishRequest:
    domain: str  # A-label
    servers: tuple[ServerSpec, ...]
    username: UsernameStyle = UsernameStyle.ADDRESS
    oauth2_issuer: str | None = None
    sts_mode: str = "testing"
    dane_only: bool = False
    tls_rpt: str | None = None  # mailto: or https: URI; default mailto:tlsrpt@DOMAIN
    next_keys: Mapping[str, str] = field(default_factory=dict)  # host -> hex SPKI SHA-256

    @property
    def tls_rpt_uri(self) -> str:
        return self.tls_rpt or f"mailto:tlsrpt@{self.domain}"
