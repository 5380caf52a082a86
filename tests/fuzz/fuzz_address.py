"""Fuzzes the address parser (core/common/address.py) with any text a person (or a command line
with undecodable bytes, hence lone surrogates) can hand it.

parse_address raises AddressError, and only that, for anything it refuses: that is its
contract. Safety rules (asserts): an accepted address has an ASCII A-label domain, its
ASCII form is at most 254 octets, and parsing it again gives the same address.
"""

from __future__ import annotations

import atheris

from mailhop.core.common.address import AddressError, parse_address

CONTRACT: tuple[type[BaseException], ...] = (AddressError,)


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    allow_test = fdp.ConsumeBool()
    text = fdp.ConsumeUnicode(1024) if fdp.ConsumeBool() else data.decode("utf-8", "replace")
    address = parse_address(text, allow_test_domains=allow_test)
    assert address.domain.isascii() and address.domain == address.domain.lower()
    assert len(address.ascii.encode("utf-8")) <= 254
    assert parse_address(address.ascii, allow_test_domains=allow_test).ascii == address.ascii
    assert str(address) and address.display  # both must be computable
