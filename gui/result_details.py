"""The result page's details for a helpdesk: where each setting came from, and the findings
(each expandable to the helpdesk's words and its evidence). Every value is from outside and
goes into the trees as plain text (gui/untrusted.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QHeaderView, QTreeWidget

from .look import icon, tr
from .untrusted import item, set_item_tooltip

if TYPE_CHECKING:
    from mailhop.core.account.account import AccountChoice
    from mailhop.core.run.check import CheckReport

__all__ = ["fill_findings", "fill_origins", "findings_tree", "fit_origin_columns", "origins_tree"]


def origins_tree() -> QTreeWidget:
    tree = QTreeWidget()
    tree.setAccessibleName(tr("Where each setting came from"))
    tree.setHeaderLabels([tr("Setting"), tr("Value"), tr("Where it came from")])
    header = tree.header()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
    return tree


def findings_tree() -> QTreeWidget:
    tree = QTreeWidget()
    tree.setObjectName("findings")  # the core's words only (tests/gui/language_driver)
    tree.setAccessibleName(tr("Findings; expand one for the helpdesk details"))
    tree.setHeaderLabels([tr("Finding"), tr("Code")])
    tree.setWordWrap(True)  # a finding is a sentence: wrap it, never cut it
    tree.setUniformRowHeights(False)
    tree.header().setStretchLastSection(False)
    tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    tree.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    tree.setMinimumHeight(180)
    return tree


def fill_origins(tree: QTreeWidget, report: CheckReport, choice: AccountChoice) -> None:
    from mailhop.core.policy.tiers import Tier
    from mailhop.core.verdict.labels import SECURITY, TIER, provenance_label

    tree.clear()
    domain = report.discovery.address.domain_unicode
    for title, probe in (
        (tr("Incoming server"), choice.incoming),
        (tr("Outgoing server"), choice.outgoing),
    ):
        if probe is None:
            continue
        entry = probe.entry
        value = f"{entry.name.shown}:{entry.port} ({SECURITY[entry.security]})"
        row = item([title, value, TIER[entry.tier]])
        row.setIcon(2, icon("ok" if entry.tier in (Tier.A, Tier.B) else "warn"))
        for origin in entry.origins:
            badge = provenance_label(origin.source, origin.auth, domain)
            # The address in an autoconfig URL's query adds nothing here: the tooltip
            # has the whole URL.
            shown = origin.target.partition("?")[0]
            child = item(["", shown, badge])
            set_item_tooltip(child, 1, origin.target)
            set_item_tooltip(child, 2, f"{badge}\n{TIER[origin.tier]}")
            row.addChild(child)
        user = entry.username or report.discovery.address.ascii
        said = tr("from the settings") if entry.username else tr("your address (the usual rule)")
        row.addChild(item(["", tr("user name: {user}").format(user=user), said]))
        tree.addTopLevelItem(row)
        row.setExpanded(True)
    _fit_height(tree)
    fit_origin_columns(tree)


def fit_origin_columns(tree: QTreeWidget) -> None:
    """Where each setting came from is read whole: the value column (host, URL, with the
    whole URL in its tooltip) gives up room first. A German or French badge ("... (DNS-
    SRV-Eintrag), DNSSEC-signiert") is a third longer, and its last word is the one that
    matters."""
    if tree.topLevelItemCount() == 0:
        return
    tree.resizeColumnToContents(1)
    room = tree.viewport().width() - tree.columnWidth(0) - tree.sizeHintForColumn(2)
    tree.setColumnWidth(1, max(160, min(tree.columnWidth(1), 420, room)))


def fill_findings(tree: QTreeWidget, report: CheckReport) -> None:
    from mailhop.core.common.finding_text import Severity

    verdict = report.verdict
    tree.clear()
    found = verdict.findings  # the same finding for the same host once (verdict.py)
    severity_icon = {Severity.ERROR: "block", Severity.WARN: "warn", Severity.INFO: "info"}
    for finding in found:
        row = item([finding.shown_summary, finding.code])  # the CLI's words
        row.setIcon(0, icon(severity_icon[finding.severity]))
        set_item_tooltip(row, 0, finding.shown_helpdesk)
        row.addChild(item([finding.shown_helpdesk, ""]))
        for evidence in finding.evidence:
            row.addChild(item([evidence, ""]))
        tree.addTopLevelItem(row)
    if not found:
        tree.addTopLevelItem(item([tr("Nothing to report."), ""]))
    tree.resizeColumnToContents(1)


def _fit_height(tree: QTreeWidget, most: int = 320) -> None:
    """As tall as its rows (up to ``most``), so the findings below get the rest."""
    rows = 0
    for index in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(index)
        if top is not None:  # None only past the last row
            rows += 1 + (top.childCount() if top.isExpanded() else 0)
    row = tree.fontMetrics().height() + 6
    frame = 2 * tree.frameWidth() + tree.header().sizeHint().height() + 6
    tree.setFixedHeight(min(most, frame + rows * row))
