"""Fuzzes the signed-profile reader (core/export/cms_signed.py): CMS SignedData envelopes, DER
and BER (the seeds are one made by cryptography and one by `openssl cms -sign -stream`).

unwrap_signed raises UntrustedDataError, and only that, for bytes that are not a readable
envelope: that is its contract. Safety rules (asserts): a named signer's certificate can
be read whole (it went through untrusted.read_certificate), and a failure is a sentence.
"""

from __future__ import annotations

from mailhop.core.common.untrusted import UntrustedDataError
from mailhop.core.export.cms_signed import unwrap_signed

CONTRACT: tuple[type[BaseException], ...] = (UntrustedDataError,)


def one_input(data: bytes) -> None:
    envelope = unwrap_signed(data)
    if envelope.signer is None:
        assert not envelope.failure
        return
    signer = envelope.signer
    _ = signer.subject.rfc4514_string(), signer.issuer.rfc4514_string(), signer.version
    _ = signer.not_valid_after_utc, list(signer.extensions)
    assert isinstance(envelope.failure, str)
