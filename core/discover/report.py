"""What discovery found: one Attempt per source, with provenance, and the run around them.

A source never raises for a remote failure (DESIGN.md section 3): it returns an Attempt
whose ``status`` and ``detail`` say what happened, and, when it ended without a usable
answer, ``failure`` says why as data (a source that crashed, a bug in mailhop, is
``Failure.INTERNAL`` and keeps its traceback in ``crash`` for an internal-error report,
out of the words). Findings and statuses are chosen from ``failure``,
never by searching ``detail``: those are words for a person, and a word such as "refused"
means a TCP reset in one message and a rejected document in another. What an attempt can prove about
itself (DNSSEC outcome, HTTPS all the way inside the domain, digest matched) is kept
in ``auth``; the policy module decides the trust tier from it by one table. What a
source learned beyond server candidates (the MTA-STS policy, the host and port a TLSA
question was for, ...) is one typed ``payload``; only the JSON writer turns it into words.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TypeVar

from ..common.failure import Failure as FailureRecord
from ..common.model import OAuth2Info, ParseIssue, ServerCandidate
from ..dns.dnssec import Clock
from ..dns.dnssec import Security as Dnssec
from .mtasts_cache import CachedPolicy
from .parse_e2e_keys import PublishedKey
from .parse_mtasts import MtaStsPolicy

__all__ = [
    "Attempt",
    "Auth",
    "DnsRecordSet",
    "Failure",
    "MtaSts",
    "Payload",
    "ProviderKey",
    "PublishedKeys",
    "RefusedRedirect",
    "Source",
    "Status",
    "TlsReporting",
    "TlsaQuestion",
]


class Source(enum.StrEnum):
    """Every place discovery looks (DESIGN.md section 5)."""

    SRV = "srv"  # RFC 6186 / RFC 8314 service records
    MX = "mx"
    TLSA = "tlsa"  # RFC 7672 / RFC 7673 DANE records for a host and port
    MTA_STS = "mta-sts"  # RFC 8461 TXT record and policy
    TLS_RPT = "tls-rpt"  # RFC 8460 reporting record (information)
    AUTOCONFIG = "autoconfig"  # https://autoconfig.<domain>/mail/config-v1.1.xml
    WELL_KNOWN = "well-known"  # https://<domain>/.well-known/autoconfig/...
    ISPDB = "ispdb"  # the provider database
    MX_AUTOCONFIG = "mx-autoconfig"  # autoconfig of the MX host's registrable domain
    MX_ISPDB = "mx-ispdb"  # provider database entry for the MX host's registrable domain
    PACC = "pacc"  # draft-ietf-mailmaint-pacc
    AUTODISCOVER = "autodiscover"  # Microsoft POX, read without credentials
    WKD = "wkd"  # OpenPGP Web Key Directory (information)
    OPENPGPKEY = "openpgpkey"  # RFC 7929 (information)
    SMIMEA = "smimea"  # RFC 8162 (information)
    HTTP_AUTOCONFIG = "http-autoconfig"  # phase 2: plain HTTP, without the address
    GUESS = "guess"  # phase 2: conventional host names and ports
    MANUAL = "manual"  # typed in by the person (core/run/manual.py), nothing asked


class Status(enum.StrEnum):
    FOUND = "found"  # the source answered with something usable
    NOTHING = "nothing"  # the source answered: nothing published here
    FAILED = "failed"  # error, refused document, bad certificate, bogus DNSSEC ...
    TIMED_OUT = "timed-out"
    SKIPPED = "skipped"  # not asked, and why (e.g. phase 2 not needed)


class Failure(enum.StrEnum):
    """Why an attempt got no usable answer: the fetcher's failure kind, or what became of
    the document that did arrive."""

    NO_HOST = "no-host"  # the host has no address (proven absent in this run)
    DNS = "dns"  # the host's address could not be looked up
    CONNECT_REFUSED = "connect-refused"  # every address refused the connection: nothing listens
    CONNECT = "connect"  # no address could be reached
    TIMEOUT = "timeout"  # the deadline passed first
    TLS = "tls"  # the handshake failed (certificate not trusted, expired, wrong name, ...)
    HTTP_STATUS = "http-status"  # an answer, but not 200 (404 included)
    TOO_LARGE = "too-large"  # the body passed the byte cap
    HTTP_PROTOCOL = "http-protocol"  # a malformed or truncated answer, a dropped connection
    REDIRECT = "redirect"  # a redirect loop, too many, or one the trust check refused
    BAD_URL = "bad-url"  # the URL to fetch was unusable
    DOCUMENT_REFUSED = "document-refused"  # it arrived and was not used: invalid, wrong
    # type, or nothing vouches for it (PACC without its TXT record, digest mismatch)
    DNSSEC_BOGUS = "dnssec-bogus"  # a record it depends on failed DNSSEC validation
    INTERNAL = "internal"  # the source crashed: a bug in mailhop, its traceback in ``crash``


class Auth(enum.StrEnum):
    """How the data of an attempt reached mailhop: the input to the trust table."""

    DNSSEC_SECURE = "dnssec-secure"
    DNSSEC_INSECURE = "dnssec-insecure"  # proven unsigned
    DNSSEC_INDETERMINATE = "dnssec-indeterminate"
    DNSSEC_BOGUS = "dnssec-bogus"
    HTTPS_IN_DOMAIN = "https-in-domain"  # every hop HTTPS and inside the address's domain
    HTTPS_OTHER_DOMAIN = "https-other-domain"  # HTTPS, but a hop left the domain
    HTTPS_PROVIDER = "https-provider"  # HTTPS from the configured provider database
    DIGEST_MATCHED = "digest-matched"  # PACC: SHA-256 equals the _ua-auto-config TXT
    PLAIN_HTTP = "plain-http"
    GUESSED = "guessed"
    ENTERED = "entered"  # the person typed it in: their word, no one else's
    NONE = "none"  # nothing usable was received

    @classmethod
    def of_dnssec(cls, security: Dnssec) -> Auth:
        return {
            Dnssec.SECURE: cls.DNSSEC_SECURE,
            Dnssec.INSECURE: cls.DNSSEC_INSECURE,
            Dnssec.INDETERMINATE: cls.DNSSEC_INDETERMINATE,
            Dnssec.BOGUS: cls.DNSSEC_BOGUS,
        }[security]


@dataclass(frozen=True, slots=True)
class DnsRecordSet:
    """DNS records as presentation text, with how far they were authenticated."""

    name: str
    rdtype: str
    records: tuple[str, ...]
    dnssec: Dnssec
    absence_proven: bool
    reason: str
    # Not PLAUSIBLE: the trust anchor's own signatures said this computer's clock is off, so
    # the records could not be judged (DESIGN.md section 4, rule 11).
    clock: Clock = Clock.PLAUSIBLE


@dataclass(frozen=True, slots=True)
class TlsaQuestion:
    """The host and port a TLSA attempt asked about (``_<port>._tcp.<host>``, RFC 7672)."""

    host: str
    port: int


@dataclass(frozen=True, slots=True)
class MtaSts:
    """The ``_mta-sts`` record's id and, once fetched and accepted, the policy (RFC 8461)."""

    record_id: str
    policy: MtaStsPolicy | None = None
    # Set when the live fetch failed and ``policy`` is the cached copy still in force
    # (RFC 8461 section 5.1): fetched then, under that record id.
    from_cache: CachedPolicy | None = None

    @property
    def mx_patterns(self) -> tuple[str, ...]:
        """The policy's MX patterns; none while no policy was accepted."""
        return self.policy.mx if self.policy is not None else ()


@dataclass(frozen=True, slots=True)
class ProviderKey:
    """The domain an MX-derived lookup asked about (``source_mx_derived.mx_lookup_domains``)."""

    domain: str


@dataclass(frozen=True, slots=True)
class TlsReporting:
    """Where the domain wants TLS failure reports: the record's ``rua`` (RFC 8460)."""

    rua: str


@dataclass(frozen=True, slots=True)
class PublishedKeys:
    """The end-to-end keys a WKD, OPENPGPKEY or SMIMEA answer held (parse_e2e_keys.py)."""

    keys: tuple[PublishedKey, ...]


@dataclass(frozen=True, slots=True)
class RefusedRedirect:
    """An Autodiscover redirect that was not followed, and where it pointed."""

    target: str


# What a source learned besides server candidates: one of these, or None.
Payload = TlsaQuestion | MtaSts | ProviderKey | TlsReporting | RefusedRedirect | PublishedKeys
_P = TypeVar("_P", TlsaQuestion, MtaSts, ProviderKey, TlsReporting, RefusedRedirect, PublishedKeys)


@dataclass(frozen=True, slots=True, kw_only=True)
class Attempt:
    """One question to one source and what came back.

    ``target`` is what was asked (a DNS name and type, or a URL exactly as requested:
    the address appears in it only where the protocol requires it). ``via`` names
    the transport and the server (resolver address, final URL). ``hops`` lists every
    URL requested, redirects included. ``started``/``elapsed`` are seconds from the start
    of the run and the duration, for the progress view and the benchmark.
    """

    source: Source
    target: str
    status: Status
    auth: Auth
    detail: str
    started: float
    elapsed: float
    via: str = ""
    hops: tuple[str, ...] = ()
    candidates: tuple[ServerCandidate, ...] = ()
    issues: tuple[ParseIssue, ...] = ()
    records: tuple[DnsRecordSet, ...] = ()
    oauth2: OAuth2Info | None = None
    related_host: str | None = None  # MX-derived: the MX host the lookup came from
    payload: Payload | None = None  # what the source learned besides candidates
    failure: Failure | None = None  # why nothing usable came back (module docstring)
    # A crashed source's record: its words are ``detail``, its traceback for a bug report.
    crash: FailureRecord[Failure] | None = field(default=None, repr=False)

    def payload_as(self, kind: type[_P]) -> _P | None:
        """The payload if it is a `kind`, else None: ``attempt.payload_as(MtaSts)``."""
        return self.payload if isinstance(self.payload, kind) else None

    @property
    def usable(self) -> bool:
        return self.status is Status.FOUND and bool(self.candidates)
