"""The window in the person's language: the system locale's, or the one chosen in Advanced
settings. Each run is a fresh process (tests/gui/language_driver.py) given LANG and its own
settings folder, since the language is read once at start, as for a person; it walks the
demo through every page and reports every text shown and any text that does not fit."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from tests.gui.language_driver import clipped

REPO = Path(__file__).resolve().parents[2]
WIDTH = 980  # the window's size when it opens (gui/window.py)

# A few words each page must show, per language: mailhop's own and, where the page shows
# them, the core's (findings, labels: core/common/i18n.py, the same language).
KNOWN: dict[str, dict[str, tuple[str, ...]]] = {
    "de": {
        "address": ("E-Mail-Konto einrichten", "Adresse &prüfen", "Ihre &E-Mail-Adresse:"),
        "checking": ("Geprüfte Quellen und Server", "Was", "Zeit", "&Abbrechen"),
        "result": ("Bereit zur Einrichtung", "Herkunft jeder Einstellung", "Posteingangsserver"),
        "certificate": ("Zertifikatsdetails", "Kette wie vorgelegt (Server zuerst):"),
        "signin": ("Anmelden und &speichern", "&Passwort:", "&Zurück"),
        "signed-in": ("angemeldet", "Anmeldetests", "Im &E-Mail-Programm verwenden →"),
        "use": ("Datei s&peichern", "Ihr &Mailprogramm:", "Thunderbird für Android", "&Fertig"),
        "accounts": ("Gespeicherte Konten: 1.", "&Erneut prüfen", "&Vergessen…"),
        "settings": ("Erweiterte Einstellungen", "&Sprache:", "Systemstandard", "Deutsch"),
        "about": ("Über mailhop",),
    },
    "fr": {
        "address": ("Configurer un compte de messagerie", "&Vérifier cette adresse"),
        "checking": ("Sources et serveurs en cours de vérification", "&Annuler"),
        "result": ("Prêt à configurer", "Provenance de chaque paramètre", "Serveur de réception"),
        "certificate": ("Détails du certificat",),
        "signin": ("Se connecter et &enregistrer", "&Précédent"),
        "signed-in": ("connecté", "Tests de connexion"),
        "use": ("En&registrer le fichier", "Thunderbird pour Android", "&Terminé"),
        "accounts": ("&Revérifier", "&Oublier…"),
        "settings": ("Paramètres avancés", "Langue du système", "Français"),
        "about": ("À propos de mailhop",),
    },
    "en": {
        "address": ("Set up a mail account", "&Check this address"),
        "result": ("Ready to set up", "Where each setting came from", "Incoming server"),
        "use": ("Sa&ve the file", "Your &mail app:", "Thunderbird for Android"),
        "settings": ("Advanced settings", "System default"),
    },
}


def run(tmp_path: Path, lang: str, *args: str) -> dict[str, Any]:
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")},
        "LANG": lang,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # where QSettings keeps the choice
    }
    done = subprocess.run(
        [sys.executable, "-m", "tests.gui.language_driver", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=REPO,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def english_left(language: str, shown: list[str]) -> list[str]:
    """Shown texts that are a source text this language translates (placeholders filled)."""
    ts = REPO / "resources" / "i18n" / f"mailhop_{language}.ts"
    patterns = []
    for message in ElementTree.parse(ts).getroot().iter("message"):
        source = (message.findtext("source") or "").replace("&", "")
        if message.findtext("translation") == message.findtext("source"):
            continue  # the same in this language ("OK")
        parts = re.split(r"\{[^{}]*\}", source)
        patterns.append(re.compile(".+".join(map(re.escape, parts)), re.DOTALL))
    found = []
    for text in shown:
        for candidate in {text.replace("&", ""), *text.replace("&", "").splitlines()}:
            if any(pattern.fullmatch(candidate) for pattern in patterns):
                found.append(candidate)
    return found


def check_pages(report: dict[str, Any], language: str) -> None:
    pages = report["pages"]
    assert set(pages) >= set(KNOWN[language])
    for name, page in pages.items():
        shown = page["texts"]
        missing = [words for words in KNOWN[language].get(name, ()) if words not in shown]
        assert missing == [], f"{name}: {missing} not among {shown}"
        if language != "en":
            assert english_left(language, shown) == [], name
        assert page["clipped"] == [], name
        # No page makes the window wider than it opens.
        assert page["minimum_width"] <= WIDTH, name


@pytest.mark.parametrize("language", ["de", "fr"])
def test_the_window_follows_the_system_locale_on_every_page(tmp_path: Path, language: str) -> None:
    locale = {"de": "de_DE.UTF-8", "fr": "fr_FR.UTF-8"}[language]
    report = run(tmp_path, locale, "walk")
    assert (report["language"], report["core"]) == (language, language)
    check_pages(report, language)
    # The core's words (a finding, a source's label) are in the same language.
    texts = report["pages"]["checking"]["texts"]
    assert any(text.startswith({"de": "gefunden", "fr": "trouvé"}[language]) for text in texts)


def test_english_pages_fit_too(tmp_path: Path) -> None:
    report = run(tmp_path, "C.UTF-8", "walk")
    assert (report["language"], report["core"]) == ("en", "en")
    check_pages(report, "en")


def test_the_setting_overrides_the_system_language(tmp_path: Path) -> None:
    offered = run(tmp_path, "C.UTF-8", "choose", "de")["offered"]
    assert offered == ["System default", "English", "Deutsch", "Français"]
    report = run(tmp_path, "C.UTF-8", "walk")  # a later start, English system
    assert (report["language"], report["core"]) == ("de", "de")
    check_pages(report, "de")
    # English chosen on a German system; then back to the system's language.
    run(tmp_path, "de_DE.UTF-8", "choose", "en")
    report = run(tmp_path, "de_DE.UTF-8", "walk")
    assert (report["language"], report["core"]) == ("en", "en")
    check_pages(report, "en")
    run(tmp_path, "de_DE.UTF-8", "choose", "")
    assert run(tmp_path, "de_DE.UTF-8", "walk")["language"] == "de"


def test_the_fit_check_sees_a_cut_label_and_button(qtbot: Any) -> None:
    from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

    root = QWidget()
    qtbot.addWidget(root)
    layout = QVBoxLayout(root)
    words = "Zertifikat des Posteingangsservers anzeigen und prüfen"
    cut, button, wrapped, field = QLabel(words), QPushButton(words), QLabel(words), QLineEdit()
    wrapped.setWordWrap(True)
    field.setPlaceholderText(words)
    field.setMinimumWidth(field.fontMetrics().horizontalAdvance(words) + 24)
    for widget in (cut, button, wrapped, field):
        layout.addWidget(widget)
    root.show()
    assert clipped(root) == []
    for widget in (cut, button, field):
        widget.setFixedWidth(60)
    wrapped.setFixedSize(60, 10)
    assert len(clipped(root)) == 4
