"""The CMS SignedData reader: content, signer and signature of mailhop's own signed profiles."""

from __future__ import annotations

from typing import Any

import pytest

from mailhop.core.common.untrusted import UntrustedDataError
from mailhop.core.export.apple import Signer, mobileconfig
from mailhop.core.export.cms_signed import unwrap_signed
from tests.core.account.test_profile import PROFILE
from tests.core.export.test_apple import pki  # noqa: F401  (the signing certificates)


def test_signed_profile_unwraps_to_its_plist_with_its_signer(pki: dict[str, Any]) -> None:  # noqa: F811
    signed = mobileconfig(PROFILE, signer=Signer(pki["leaf"], pki["leaf_key"], pki["chain"]))
    envelope = unwrap_signed(signed)
    assert envelope.content == mobileconfig(PROFILE)
    assert envelope.signer is not None
    assert "mailhop test profile signer" in envelope.signer.subject.rfc4514_string()
    assert envelope.failure == ""


def test_a_changed_byte_in_the_content_is_caught(pki: dict[str, Any]) -> None:  # noqa: F811
    signed = mobileconfig(PROFILE, signer=Signer(pki["leaf"], pki["leaf_key"]))
    position = signed.index(b"mail.example.com")
    tampered = signed[:position] + b"n" + signed[position + 1 :]
    assert "changed after signing" in unwrap_signed(tampered).failure


@pytest.mark.parametrize(
    "data",
    [b"", b"\x30", b"\x30\x85\x00\x00\x00\x00\x00", b"\x04\x80\x00\x00", b"\x30\x03\x06\x01\x2a"],
)
def test_garbage_is_an_untrusted_data_error_and_nothing_else(data: bytes) -> None:
    with pytest.raises(UntrustedDataError):
        unwrap_signed(data)


def test_deep_nesting_is_refused() -> None:
    deep = b"\x30\x80" * 50 + b"\x00\x00" * 50
    with pytest.raises(UntrustedDataError, match="nested too deeply"):
        unwrap_signed(deep)
