"""discover --json: an attempt's typed payload is written as schema 1's string "facts".

The keys and words are those the string bag held before the payloads were typed: a consumer
of ``mailhop discover --json`` must not see the difference.
"""

from __future__ import annotations

import pytest

from mailhop.core.cli.discovery_json import payload_facts
from mailhop.core.discover.parse_mtasts import MtaStsMode, MtaStsPolicy
from mailhop.core.discover.report import (
    MtaSts,
    Payload,
    ProviderKey,
    RefusedRedirect,
    TlsaQuestion,
    TlsReporting,
)


@pytest.mark.parametrize(
    ("payload", "facts"),
    [
        (None, {}),
        (TlsaQuestion("mail.example.com", 25), {"host": "mail.example.com", "port": "25"}),
        (MtaSts("20240101"), {"id": "20240101"}),
        (
            MtaSts(
                "7", MtaStsPolicy(MtaStsMode.TESTING, ("mx.example.com", "*.example.net"), 86400)
            ),
            {
                "id": "7",
                "mode": "testing",
                "mx": "mx.example.com *.example.net",
                "max_age": "86400",
            },
        ),
        (ProviderKey("mail.protection.example"), {"key": "mail.protection.example"}),
        (TlsReporting("mailto:tls@example.com"), {"rua": "mailto:tls@example.com"}),
        (
            RefusedRedirect("https://elsewhere.example/a"),
            {"redirect": "https://elsewhere.example/a"},
        ),
    ],
)
def test_each_payload_keeps_the_keys_and_words_of_schema_1(
    payload: Payload | None, facts: dict[str, str]
) -> None:
    written = payload_facts(payload)
    assert written == facts
    assert list(written) == list(facts)  # the order the string facts had, too
