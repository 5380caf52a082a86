"""A server as an admin names it (core/publish/request.parse_server), for the CLI and the
window alike."""

from __future__ import annotations

import pytest

from mailhop.core.common.errors import UsageError
from mailhop.core.common.model import Service
from mailhop.core.publish.gather import ServerSpec
from mailhop.core.publish.request import ServerNameError, parse_server


@pytest.mark.parametrize(
    ("service", "value", "expected"),
    [
        (Service.IMAP, "mail.example.org", ServerSpec(Service.IMAP, "mail.example.org")),
        (Service.IMAP, "Mail.Example.org:143", ServerSpec(Service.IMAP, "mail.example.org", 143)),
        (Service.SUBMISSION, "smtp.example.org:65535",
         ServerSpec(Service.SUBMISSION, "smtp.example.org", 65535)),
        (Service.IMAP, "bücher.example", ServerSpec(Service.IMAP, "xn--bcher-kva.example")),
    ],
)  # fmt: skip
def test_a_host_and_a_port_in_range(service: Service, value: str, expected: ServerSpec) -> None:
    assert parse_server(service, value) == expected


@pytest.mark.parametrize(
    ("service", "value"),
    [
        (Service.IMAP, "mail.example.org:0"),
        (Service.IMAP, "mail.example.org:65536"),
        (Service.IMAP, "mail.example.org:imap"),
        (Service.RELAY, "mx.example.org:25"),  # an MX host takes no port
        (Service.POP3, "bad_host"),
        (Service.POP3, ""),
    ],
)
def test_what_cannot_be_a_server_is_a_usage_error_naming_it(service: Service, value: str) -> None:
    with pytest.raises(ServerNameError) as raised:
        parse_server(service, value)
    assert isinstance(raised.value, UsageError) and str(raised.value).startswith(f"{value}: ")
