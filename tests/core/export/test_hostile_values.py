"""Values a client would misread, in every export that is not a terminal tool's config (those
are loaded through the real clients in test_real_clients_hostile): each export escapes,
folds or refuses with a reason, by its client's own rules (issue 15)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest

from mailhop.core.account.profile import AccountProfile
from mailhop.core.export.k9 import k9_qr_payload, k9_settings_xml
from mailhop.core.export.outlook import autodiscover_xml
from mailhop.core.export.thunderbird import autoconfig_xml
from mailhop.core.export.unix import aerc_accounts
from tests.core.account.test_profile import PROFILE

XML_EXPORTS = [k9_settings_xml, autodiscover_xml]


def _with(**changes: str) -> AccountProfile:
    user = changes.pop("username", None)
    profile = replace(PROFILE, **changes)
    if user is not None:
        profile = replace(
            profile,
            incoming=replace(profile.incoming, username=user),
            outgoing=replace(profile.outgoing, username=user),
        )
    return profile


@pytest.mark.parametrize("export", XML_EXPORTS)
@pytest.mark.parametrize("value", ["Jo\x01", "Jo\x1b[31m", "Jo\x0c", "\ufffe"])
def test_a_control_character_no_xml_can_carry_is_refused(export: object, value: str) -> None:
    """ElementTree writes it as it is, and the file is then not XML: the client refuses it."""
    for profile in (_with(display_name=value), _with(username="jo" + value)):
        with pytest.raises(ValueError, match="XML file cannot carry"):
            export(profile)  # type: ignore[operator]


@pytest.mark.parametrize("export", XML_EXPORTS)
def test_what_xml_can_carry_arrives_as_it_is(export: object) -> None:
    name = 'Jö "<Boss>" & \t$(x) `y` %U ; #'
    data = export(_with(display_name=name))  # type: ignore[operator]
    texts = [e.text for e in ET.fromstring(data).iter()]  # noqa: S314 - our own output
    assert name in texts


@pytest.mark.parametrize(
    "profile",
    [
        _with(display_name="Jo\nEvil"),  # the app: "Display name must not contain a line break"
        _with(username="jo\rx"),
        _with(address="zoë@example.com", address_unicode="zoë@example.com"),  # LIMITED parser
        _with(address='"jo x"@example.com', address_unicode='"jo x"@example.com'),
        _with(address="a" * 65 + "@example.com", address_unicode="a" * 65 + "@example.com"),
    ],
)
def test_the_android_qr_reader_rules_refuse_with_a_reason(profile: AccountProfile) -> None:
    with pytest.raises(ValueError, match="QR reader"):
        k9_qr_payload(profile)


def test_the_android_qr_reader_takes_every_plain_address() -> None:
    address = "jo.o'b+x{y}|z@example.com"
    payload = json.loads(k9_qr_payload(_with(address=address, address_unicode=address)))
    assert payload[3][0][1] == [address, PROFILE.display_name]


@pytest.mark.parametrize(
    "profile",
    [
        _with(username="%EMAILLOCALPART%-admin"),
        _with(username="x%EMAILDOMAIN%"),
        _with(address="a%EMAILDOMAIN%@example.com", address_unicode="a%EMAILDOMAIN%@example.com"),
    ],
)
def test_a_placeholder_thunderbird_would_replace_is_refused(profile: AccountProfile) -> None:
    with pytest.raises(ValueError, match="Thunderbird replaces"):
        autoconfig_xml(profile)


def test_aerc_takes_a_utf8_local_part_and_quotes_the_name() -> None:
    """formataddr raised UnicodeEncodeError on the local part: the export failed."""
    profile = _with(address="zoë@example.com", address_unicode="zoë@example.com")
    profile = replace(profile, display_name='Zoë "Z" \\ Ørsted')
    line = next(x for x in aerc_accounts(profile).splitlines() if x.startswith("from = "))
    assert line == 'from = `"Zoë \\"Z\\" \\\\ Ørsted" <zoë@example.com>`'
