"""The security a check saw around an account, remembered in its profile, and its downgrades.

Setup records what protected the account's mail besides the two servers' certificates: the
relay policy of the address's domain (its MTA-STS mode and record id, which MX hosts have
DANE, where TLS reports go) and whether each chosen endpoint has DNSSEC-signed TLSA records;
it records the end-to-end keys published for the address too, for the settings sheet.
``recheck`` compares that with a fresh check, and a weaker state is a warning of its own
(DESIGN.md section 4, rule 10): MTA-STS enforce -> testing or nothing, DANE for the MX hosts
gone, an endpoint's TLSA records gone. What the fresh check could not learn (a lookup that
failed or timed out) is unknown, never "gone" (rule 11): each state is True/False or None.

The fields are additive in the profile file: a file without them (written before) reads as
"nothing remembered", and a mailhop without them ignores them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

from ..common.errors import UntrustedDataError
from ..common.findings import Finding, finding
from ..common.i18n import _
from ..common.lookalike import shown_host
from ..common.text import one_line
from ..discover.e2e_keys import key_availability
from ..discover.parse_mtasts import MtaStsMode
from ..discover.report import Attempt, Auth, MtaSts, Source, Status, TlsaQuestion, TlsReporting
from ..dns.dnssec import Security as Dnssec

if TYPE_CHECKING:
    from ..run.check import CheckReport
    from .profile import AccountProfile

__all__ = [
    "KeySetting",
    "NoPolicy",
    "RelayState",
    "StateError",
    "downgrade_lines",
    "downgrades",
    "keys_from_json",
    "keys_of",
    "relay_from_json",
    "relay_state",
    "remember_tlsa",
    "tlsa_state",
]


class NoPolicy(enum.Enum):
    """The domain publishes no MTA-STS policy: its own state, as the profile keeps it apart
    from the mode "none" (a policy withdrawn) and from None (the check could not tell)."""

    NO_POLICY = ""  # the profile file's spelling


# RFC 8461 section 5: enforce protects, testing only reports, none (or no policy) neither.
_STRENGTH: dict[MtaStsMode | NoPolicy, int] = {
    MtaStsMode.ENFORCE: 2,
    MtaStsMode.TESTING: 1,
    MtaStsMode.NONE: 0,
    NoPolicy.NO_POLICY: 0,
}


@dataclass(frozen=True, slots=True)
class RelayState:
    """How mail to the domain was protected; None where the check could not tell."""

    mta_sts_mode: MtaStsMode | NoPolicy | None
    mta_sts_id: str  # the _mta-sts record's id, "" without one
    dane_mx: tuple[tuple[str, bool | None], ...]  # MX host -> has DNSSEC-signed TLSA (25)
    tls_rpt: str | None  # where TLS reports go (RFC 8460), "" when nowhere


@dataclass(frozen=True, slots=True)
class KeySetting:
    """One end-to-end key published for the address (discover/e2e_keys.py)."""

    source: str  # openpgpkey / wkd / smimea
    kind: str  # openpgp / smime
    fingerprint: str
    form: str
    auth: str  # how the answer was authenticated: dnssec-secure, https-in-domain, ...


def tlsa_state(attempts: Sequence[Attempt], host: str, port: int) -> bool | None:
    """Whether ``_port._tcp.host`` has DNSSEC-signed TLSA records; None when unknown."""
    asked = TlsaQuestion(host, port)
    for attempt in attempts:
        if attempt.payload_as(TlsaQuestion) != asked:
            continue
        if attempt.status is Status.FOUND:
            return attempt.auth is Auth.DNSSEC_SECURE
        if attempt.status is Status.NOTHING:
            answer = attempt.records[0] if attempt.records else None
            proven = answer is not None and (
                answer.absence_proven or answer.dnssec is Dnssec.INSECURE
            )
            return False if proven else None
        return None
    return None


def remember_tlsa(profile: AccountProfile, attempts: Sequence[Attempt]) -> AccountProfile:
    """``profile`` with each endpoint's TLSA presence as the check's attempts say it."""
    incoming, outgoing = profile.incoming, profile.outgoing
    return replace(
        profile,
        incoming=replace(incoming, tlsa=tlsa_state(attempts, incoming.host, incoming.port)),
        outgoing=replace(outgoing, tlsa=tlsa_state(attempts, outgoing.host, outgoing.port)),
    )


def relay_state(report: CheckReport) -> RelayState:
    attempts = report.discovery.attempts
    sts = next((a for a in attempts if a.source is Source.MTA_STS), None)
    mode: MtaStsMode | NoPolicy | None = None
    record_id = ""
    if sts is not None and sts.status is Status.FOUND:
        found = sts.payload_as(MtaSts)
        if found is not None and found.policy is not None:
            mode, record_id = found.policy.mode, found.record_id
    elif sts is not None and sts.status is Status.NOTHING:
        mode = NoPolicy.NO_POLICY
    rpt = next((a for a in attempts if a.source is Source.TLS_RPT), None)
    tls_rpt: str | None = None
    if rpt is not None and rpt.status is Status.FOUND:
        reporting = rpt.payload_as(TlsReporting)
        tls_rpt = reporting.rua if reporting is not None else ""
    elif rpt is not None and rpt.status is Status.NOTHING:
        tls_rpt = ""
    dane = tuple((relay.host, tlsa_state(attempts, relay.host, 25)) for relay in report.relay)
    return RelayState(mode, record_id, dane, tls_rpt)


def keys_of(report: CheckReport) -> tuple[KeySetting, ...]:
    return tuple(
        KeySetting(row.source.value, row.kind.value, key.fingerprint, key.form, row.auth.value)
        for row in key_availability(report.discovery.attempts)
        for key in row.keys
    )


def downgrades(saved: AccountProfile, fresh: AccountProfile) -> tuple[Finding, ...]:
    """Each way the fresh check is weaker than the state remembered in ``saved``."""
    domain = shown_host(saved.address.rpartition("@")[2])
    found: list[Finding] = []
    if saved.relay is not None and fresh.relay is not None:
        found += _relay_downgrades(domain, saved.relay, fresh.relay)
    for before, after in ((saved.incoming, fresh.incoming), (saved.outgoing, fresh.outgoing)):
        if before.tlsa is True and after.tlsa is False and before.host == after.host:
            found.append(finding("downgrade-tlsa", host=shown_host(after.host), port=after.port))
    return tuple(found)


def downgrade_lines(found: Sequence[Finding]) -> list[str]:
    """Recheck's downgrades as the CLI and the window say them, in the person's language."""
    if not found:
        return []
    lines = [_("Weaker security than at setup:")]
    lines += [f"  {one_line(f.shown_summary)}  [{f.code}]" for f in found]
    return lines


def _relay_downgrades(domain: str, old: RelayState, new: RelayState) -> list[Finding]:
    found = []
    before, after = old.mta_sts_mode, new.mta_sts_mode
    if before is not None and after is not None and _STRENGTH[after] < _STRENGTH[before]:
        said = after.value or "no policy"
        found.append(finding("downgrade-mta-sts", domain=domain, old=before.value, new=said))
    had = [host for host, present in old.dane_mx if present]
    now = [present for _, present in new.dane_mx]
    # Gone only when every MX host now is known to have none: a host that is unknown
    # (its lookup failed) may still have it (DESIGN.md section 4, rule 11).
    if had and now and all(present is False for present in now):
        hosts = ", ".join(map(shown_host, had))
        found.append(finding("downgrade-dane", domain=domain, hosts=hosts))
    return found


# -- the profile file's JSON -----------------------------------------------------------------


class StateError(UntrustedDataError):
    """A remembered-state field of a profile file of the wrong shape (profile.py says which):
    the file is bytes on disk that anyone could have edited, so this is untrusted data."""


def relay_from_json(raw: object) -> RelayState | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise StateError("relay is not an object")
    mode = _mode(raw.get("mta_sts_mode"))
    dane = raw.get("dane_mx")
    if not isinstance(dane, list) or not all(_host_flag(item) for item in dane):
        raise StateError("relay.dane_mx is not a list of [host, true/false/null]")
    return RelayState(
        mode,
        _text(raw, "mta_sts_id", "relay."),
        tuple((str(host), flag) for host, flag in dane),
        None if raw.get("tls_rpt") is None else _text(raw, "tls_rpt", "relay."),
    )


def keys_from_json(raw: object) -> tuple[KeySetting, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(item, Mapping) for item in raw):
        raise StateError("encryption_keys is not a list of objects")
    return tuple(
        KeySetting(*(_text(item, f.name, "encryption_keys.") for f in fields(KeySetting)))
        for item in raw
    )


def _mode(raw: object) -> MtaStsMode | NoPolicy | None:
    """The file's mode word as the record's enum: "" is no policy, null unknown."""
    if raw is None:
        return None
    if raw == "":
        return NoPolicy.NO_POLICY
    try:
        return MtaStsMode(raw)
    except ValueError:
        raise StateError(f"relay.mta_sts_mode {str(raw)[:16]!r} is not an MTA-STS mode") from None


def _host_flag(item: object) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 2
        and isinstance(item[0], str)
        and (item[1] is None or isinstance(item[1], bool))
    )


def _text(raw: Mapping[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or any(c in value for c in "\r\n\x00"):
        raise StateError(f"{where}{key} is not one line of text")
    return value
