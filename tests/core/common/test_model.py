"""The shared vocabulary: the one table of standard ports."""

from __future__ import annotations

from mailhop.core.common.model import STANDARD_PORTS, Security, Service, standard_port


def test_each_client_protocol_has_its_two_standard_ports_implicit_tls_first() -> None:
    assert set(STANDARD_PORTS) == {Service.IMAP, Service.POP3, Service.SUBMISSION}
    for service, pairs in STANDARD_PORTS.items():
        assert [security for _port, security in pairs] == [Security.IMPLICIT_TLS, Security.STARTTLS]
        for port, security in pairs:
            assert standard_port(service, security) == port
    assert standard_port(Service.SUBMISSION, Security.STARTTLS) == 587  # RFC 6409
    assert standard_port(Service.POP3, Security.IMPLICIT_TLS) == 995  # RFC 8314 section 7
