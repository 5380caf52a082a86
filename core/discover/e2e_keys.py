"""Whether the address has published end-to-end encryption keys, per source, for a person.

Discovery asks three places at once (information only: nothing here changes a setting):
OPENPGPKEY (RFC 7929) and SMIMEA (RFC 8162) in DNS, authenticated only by DNSSEC, and the
OpenPGP Web Key Directory over HTTPS from the domain. ``key_availability`` turns their
attempts into one row each, in that order, with how the answer was authenticated and the
fingerprint of each key (parse_e2e_keys.py); ``key_lines`` says them in the person's
language, for the check text and the window alike. A lookup that failed or timed out is
"could not be checked", never "none published" (DESIGN.md section 4, rule 11).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..common.i18n import N_, Words, _
from .parse_e2e_keys import KeyKind, PublishedKey
from .report import Attempt, Auth, PublishedKeys, Source, Status

__all__ = ["KeyAvailability", "grouped", "key_availability", "key_lines", "key_section"]

_ORDER = (
    (Source.OPENPGPKEY, KeyKind.OPENPGP),
    (Source.WKD, KeyKind.OPENPGP),
    (Source.SMIMEA, KeyKind.SMIME),
)
_NAMES = {
    Source.OPENPGPKEY: N_("OpenPGP key in DNS (OPENPGPKEY)"),
    Source.WKD: N_("OpenPGP key in the Web Key Directory (WKD)"),
    Source.SMIMEA: N_("S/MIME certificate in DNS (SMIMEA)"),
}
_HOW = {
    Auth.DNSSEC_SECURE: N_("DNSSEC-signed"),
    Auth.DNSSEC_INSECURE: N_("not DNSSEC-signed, so it could be forged"),
    Auth.DNSSEC_INDETERMINATE: N_("its DNSSEC signature could not be checked"),
    Auth.HTTPS_IN_DOMAIN: N_("over HTTPS from the domain"),
    Auth.HTTPS_OTHER_DOMAIN: N_("over HTTPS, by way of another domain"),
}


@dataclass(frozen=True, slots=True)
class KeyAvailability:
    """One source's answer: published (True), proven none (False) or unknown (None)."""

    source: Source
    kind: KeyKind
    published: bool | None
    auth: Auth  # how the answer reached mailhop (Auth.NONE when nothing usable came)
    keys: tuple[PublishedKey, ...]
    detail: str  # the attempt's words, English

    @property
    def authenticated(self) -> bool:
        """DNSSEC-secure for a DNS record, HTTPS from the domain for WKD."""
        return self.auth in (Auth.DNSSEC_SECURE, Auth.HTTPS_IN_DOMAIN)


def key_availability(attempts: Sequence[Attempt]) -> tuple[KeyAvailability, ...]:
    """One row per source discovery asked, in the order OPENPGPKEY, WKD, SMIMEA."""
    rows = []
    for source, kind in _ORDER:
        attempt = next((a for a in attempts if a.source is source), None)
        if attempt is None:
            continue
        found = attempt.payload_as(PublishedKeys)
        published = {Status.FOUND: True, Status.NOTHING: False}.get(attempt.status)
        keys = found.keys if found is not None and published else ()
        rows.append(KeyAvailability(source, kind, published, attempt.auth, keys, attempt.detail))
    return tuple(rows)


def grouped(fingerprint: str) -> str:
    """A fingerprint in groups of four, as GnuPG shows it, so it can be read out."""
    return " ".join(fingerprint[i : i + 4] for i in range(0, len(fingerprint), 4))


def key_lines(rows: Sequence[KeyAvailability]) -> list[str]:
    """Each source's row, then one line per key, in the person's language."""
    lines = []
    for row in rows:
        name = str(Words(_NAMES[row.source]))
        if row.published is None:
            lines.append(_("{name}: could not be checked").format(name=name))
            continue
        if not row.published:
            lines.append(_("{name}: none published").format(name=name))
            continue
        how = str(Words(_HOW.get(row.auth, N_("not authenticated"))))
        lines.append(_("{name}: published, {how}").format(name=name, how=how))
        if not row.keys:  # a record there, but what it holds is no key mailhop can read
            lines.append("  " + _("no readable key in it"))
        for key in row.keys:
            if key.fingerprint:
                text = _("fingerprint {fingerprint} ({form})")
                lines.append(
                    "  " + text.format(fingerprint=grouped(key.fingerprint), form=key.form)
                )
            else:
                lines.append("  " + _("{form}: no fingerprint to show").format(form=key.form))
    return lines


def key_section(address: str, attempts: Sequence[Attempt]) -> list[str]:
    """The check text's and the window's section: a title, then ``key_lines`` indented;
    nothing when discovery asked none of the three."""
    rows = key_availability(attempts)
    if not rows:
        return []
    title = _("End-to-end encryption keys for {address}").format(address=address)
    return [title, *("  " + line for line in key_lines(rows))]
