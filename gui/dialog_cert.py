"""The certificate view of one server: chain, validity, key pin, DANE result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from .look import heading, tr
from .untrusted import neutral, plain_document, set_text

if TYPE_CHECKING:
    from mailhop.core.probe_report import EndpointProbe

__all__ = ["CertificateDialog", "certificate_text"]


def certificate_text(probe: EndpointProbe) -> str:
    """The facts of a server's certificate and its verification, for a person."""
    from mailhop.core.labels import HOW_VERIFIED, SECURITY

    entry = probe.entry
    lines = [
        f"{entry.name.shown} port {entry.port}, {SECURITY[entry.security]}",
        f"connected to {probe.peer or '-'}, {probe.tls_version or 'no TLS'}"
        + (f", {probe.cipher}" if probe.cipher else ""),
        "",
    ]
    how = probe.authenticated_by
    lines.append(f"verified by: {HOW_VERIFIED[how] if how else 'nothing: NOT verified'}")
    lines.append(
        "this computer's trust store: "
        + ("the certificate verifies" if probe.pkix_valid else f"fails: {probe.pkix_error}")
    )
    dane = probe.dane or "no TLSA record"
    lines.append(
        f"DANE ({probe.tlsa_name}): {dane}"
        + (f": {probe.dane_detail}" if probe.dane_detail else "")
    )
    cert = probe.cert
    if cert is None:
        lines += ["", "No certificate was received."]
        return "\n".join(lines)
    lines += [
        "",
        f"subject: {cert.subject}",
        f"issuer: {cert.issuer}",
        f"names: {', '.join(cert.names) or '(none)'}",
        f"valid until: {cert.not_after} ({cert.days_left} days left)",
        f"key: {cert.key}; signature: {cert.signature}",
        f"key pin (SPKI SHA-256): {cert.spki_sha256}",
        "",
        "chain as presented (server first):",
        *(f"  {position}. {subject}" for position, subject in enumerate(cert.chain_subjects, 1)),
    ]
    if cert.problems:
        lines += ["", "problems:", *(f"  {words} [{code}]" for code, words in cert.problems)]
    return "\n".join(lines)


class CertificateDialog(QDialog):
    def __init__(self, title: str, probe: EndpointProbe, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(neutral(tr("Certificate: {title}").format(title=title), 200))
        self.setMinimumSize(640, 420)
        # Subject, issuer, names and chain are the server's: bidi overrides and controls in
        # them are shown escaped (a plain text view would still apply them).
        text = QPlainTextEdit()
        plain_document(text, certificate_text(probe))
        text.setReadOnly(True)
        text.setAccessibleName(tr("Certificate details"))
        text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        title_label = heading("", size=1.2)
        set_text(title_label, title)
        title_label.setAccessibleName(title_label.text())
        layout.addWidget(title_label)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
