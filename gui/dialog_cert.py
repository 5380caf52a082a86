"""The certificate view of one server: chain, validity, key pin, DANE result."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QVBoxLayout, QWidget

from .look import heading, tr
from .untrusted import neutral, plain_document, set_text

if TYPE_CHECKING:
    from mailhop.core.probe.dane_records import DaneOutcome
    from mailhop.core.probe.probe_report import EndpointProbe

__all__ = ["CertificateDialog", "certificate_text"]


def dane_outcome(outcome: DaneOutcome) -> str:
    """The DANE outcome's word (core/probe/probe_report.py DaneCheck) for a person."""
    from mailhop.core.probe.dane_records import DaneOutcome

    return {
        DaneOutcome.MATCHED: tr("matched"),
        DaneOutcome.MISMATCH: tr("does not match"),
        DaneOutcome.BOGUS: tr("bogus (DNSSEC validation failed)"),
        DaneOutcome.NOT_APPLICABLE: tr("not applicable"),
        DaneOutcome.UNUSABLE_RECORDS: tr("no usable records"),
    }[outcome]


def certificate_text(probe: EndpointProbe) -> str:
    """The facts of a server's certificate and its verification, for a person."""
    from mailhop.core.probe.probe_report import utc_text
    from mailhop.core.verdict.labels import HOW_VERIFIED, SECURITY

    entry, connection, dane = probe.entry, probe.connection, probe.dane
    lines = [
        tr("{host} port {port}, {security}").format(
            host=entry.name.shown, port=entry.port, security=SECURITY[entry.security]
        ),
        tr("connected to {peer}, {tls}").format(
            peer=connection.peer or "-", tls=connection.tls_version or tr("no TLS")
        )
        + (f", {connection.cipher}" if connection.cipher else ""),
        "",
    ]
    how = probe.authenticated_by
    lines.append(
        tr("verified by: {how}").format(
            how=HOW_VERIFIED[how] if how else tr("nothing: NOT verified")
        )
    )
    lines.append(
        tr("this computer's trust store: the certificate verifies")
        if probe.pkix.valid
        else tr("this computer's trust store: fails: {why}").format(why=probe.pkix.error)
    )
    outcome = dane_outcome(dane.outcome) if dane.outcome else tr("no TLSA record")
    lines.append(
        f"DANE ({probe.tlsa_name}): {outcome}" + (f": {dane.detail}" if dane.detail else "")
    )
    cert = probe.cert
    if cert is None:
        lines += ["", tr("No certificate was received.")]
        return "\n".join(lines)
    lines += [
        "",
        tr("subject: {subject}").format(subject=cert.subject),
        tr("issuer: {issuer}").format(issuer=cert.issuer),
        tr("names: {names}").format(names=", ".join(cert.names) or tr("(none)")),
        tr("valid until: {date} ({days} days left)").format(
            date=utc_text(cert.not_after), days=cert.days_left
        ),
        tr("key: {key}; signature: {signature}").format(key=cert.key, signature=cert.signature),
        tr("key pin (SPKI SHA-256): {pin}").format(pin=cert.spki_sha256),
        "",
        tr("chain as presented (server first):"),
        *(f"  {position}. {subject}" for position, subject in enumerate(cert.chain_subjects, 1)),
    ]
    if cert.problems:
        lines += ["", tr("problems:"), *(f"  {p.message} [{p.code.value}]" for p in cert.problems)]
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
