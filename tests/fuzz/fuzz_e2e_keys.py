"""Fuzzes the end-to-end key readers (core/discover/parse_e2e_keys.py): the bytes as a WKD body
or OPENPGPKEY record (an OpenPGP transferable public key, binary or armored), and as an SMIMEA
record's data under each selector and matching type.

Both readers return None for bytes that are no key and never raise, so CONTRACT is empty.
Safety rules (asserts): a fingerprint is upper-case hex of the length its hash gives (40 for
v4's SHA-1, 64 for SHA-256), or "" where the record gives none.
"""

from __future__ import annotations

from mailhop.core.discover.parse_e2e_keys import parse_openpgp_key, parse_smimea

CONTRACT: tuple[type[BaseException], ...] = ()

_HEX = frozenset("0123456789ABCDEF")


def one_input(data: bytes) -> None:
    key = parse_openpgp_key(data)
    if key is not None:
        assert len(key.fingerprint) == (40 if key.form == "OpenPGP v4" else 64)
        assert set(key.fingerprint) <= _HEX
    selector, matching = (data[0] % 3, data[1] % 4) if len(data) > 1 else (0, 0)
    cert = parse_smimea(selector, matching, data[2:])
    if cert is not None:
        assert len(cert.fingerprint) in (0, 64) and set(cert.fingerprint) <= _HEX
