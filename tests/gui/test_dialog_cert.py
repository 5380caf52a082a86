"""The certificate view says what was verified and how, from the probe of a real server."""

from __future__ import annotations

import asyncio
from typing import Any

from mailhop.core.account.account import choose
from mailhop.core.common.address import parse_address
from mailhop.core.run.check import check
from mailhop.gui.dialog_cert import CertificateDialog, certificate_text


def test_certificate_text_of_the_demo_server(qtbot: Any, demo: Any) -> None:
    address = parse_address(demo.address, allow_test_domains=True)
    report = asyncio.run(check(address, demo.options))
    probe = choose(report).incoming
    assert probe is not None and probe.cert is not None
    text = certificate_text(probe)
    assert probe.cert.spki_sha256 in text
    assert "DANE (_993._tcp.mail.mailhop-demo.test): matched" in text
    assert "verified by: the key the domain pinned in DNSSEC-signed DNS" in text
    assert "1. CN=mail.mailhop-demo.test" in text and "2. CN=mailhop demo CA" in text
    dialog = CertificateDialog("mail.mailhop-demo.test", probe)
    qtbot.addWidget(dialog)
    assert "Certificate" in dialog.windowTitle()
