"""Every export format by name: which client reads it, its file name, and its renderer.

One table for both shells: ``mailhop export --format NAME`` and the GUI's "Use it" page pick
from ``FORMATS`` and call ``render_export``; ``save_exports`` writes the files (atomically,
never over a folder's existing file half-written). The renderers themselves live in the
``export_*`` modules; this module only dispatches, so adding a client is one row here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..common.i18n import N_, Words, _

if TYPE_CHECKING:  # the GUI lists FORMATS before its first paint: no crypto or DNS imports
    from ..account.profile import AccountProfile
    from .apple import Signer

__all__ = [
    "FORMATS",
    "ExportFile",
    "ExportFormat",
    "SavedExport",
    "export_chosen",
    "export_format",
    "load_signer",
    "render_export",
    "save_exports",
]


@dataclass(frozen=True, slots=True)
class ExportFormat:
    name: str  # as on the command line
    client: str  # who reads it, for a person choosing
    what: str  # one line: what the file is and where it goes
    filename: str  # {domain} and {local} are filled in from the address

    @property
    def kind(self) -> str:
        """The short form of ``what``, before its colon, for a checkbox."""
        return self.what.split(":", 1)[0]

    # The same words in the person's language (core.i18n), for the window and the terminal;
    # ``client`` and ``what`` stay English for JSON and logs.
    @property
    def shown_client(self) -> str:
        return str(Words(self.client))

    @property
    def shown_what(self) -> str:
        return str(Words(self.what))

    @property
    def shown_kind(self) -> str:
        return self.shown_what.split(":", 1)[0].strip()


@dataclass(frozen=True, slots=True)
class ExportFile:
    filename: str
    data: bytes


FORMATS: tuple[ExportFormat, ...] = (
    ExportFormat(
        "thunderbird",
        N_("Thunderbird (desktop and Android)"),
        N_(
            "autoconfig XML: put it in Thunderbird's isp/ folder, or serve it at "
            "autoconfig.<domain>"
        ),
        "config-v1.1-{domain}.xml",
    ),
    ExportFormat(
        "thunderbird-userjs",
        N_("Thunderbird (new profile)"),
        N_("user.js: the account's preferences; Thunderbird reapplies them at every start"),
        "user-{local}-{domain}.js",
    ),
    ExportFormat(
        "apple",
        N_("Apple Mail (iPhone, iPad, Mac)"),
        N_("configuration profile: open it and install it in Settings"),
        "{local}@{domain}.mobileconfig",
    ),
    ExportFormat(
        "outlook-autodiscover",
        N_("Outlook for Windows (classic)"),
        N_("Autodiscover XML: use it with the .reg file"),
        "autodiscover-{domain}.xml",
    ),
    ExportFormat(
        "outlook-reg",
        N_("Outlook for Windows (classic)"),
        N_("registry file: points Outlook at the Autodiscover XML"),
        "autodiscover-{domain}.reg",
    ),
    ExportFormat(
        "outlook-sheet",
        N_("New Outlook, Outlook for Mac"),
        N_("settings sheet: what to type where (these import no file)"),
        "outlook-{local}-{domain}.txt",
    ),
    ExportFormat(
        "k9",
        N_("Thunderbird for Android, K-9 Mail"),
        N_("settings file: for Settings > Import settings"),
        "{local}@{domain}.k9s",
    ),
    ExportFormat(
        "k9-qr-png",
        N_("Thunderbird for Android"),
        N_("QR code (PNG): for the 'Import from Thunderbird' screen"),
        "{local}@{domain}-android-qr.png",
    ),
    ExportFormat(
        "k9-qr-svg",
        N_("Thunderbird for Android"),
        N_("QR code (SVG): the same, for printing"),
        "{local}@{domain}-android-qr.svg",
    ),
    ExportFormat(
        "aerc", "aerc", N_("accounts.conf: a section to add"), "aerc-{local}-{domain}.conf"
    ),
    ExportFormat(
        "neomutt", "NeoMutt", N_("muttrc: a file to source"), "neomuttrc-{local}-{domain}"
    ),
    ExportFormat(
        "mbsync", "isync (mbsync)", N_("mbsyncrc: a section to add"), "mbsyncrc-{local}-{domain}"
    ),
    ExportFormat("msmtp", "msmtp", N_("msmtprc: an account to add"), "msmtprc-{local}-{domain}"),
    ExportFormat(
        "evolution",
        "Evolution",
        N_("source files: for ~/.config/evolution/sources/"),
        "evolution-{local}-{domain}",
    ),
    ExportFormat(
        "sheet",
        N_("Any other client"),
        N_("settings sheet: what to type where, printable"),
        "settings-{local}-{domain}.txt",
    ),
)


# A local part may hold "/" or other characters a file name should not (RFC 5322 atext).
_SAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def export_format(name: str) -> ExportFormat:
    for item in FORMATS:
        if item.name == name:
            return item
    raise ValueError(f"unknown export format {name!r}")


def render_export(
    profile: AccountProfile,
    name: str,
    *,
    signer: Signer | None = None,
    reg_xml_path: str | None = None,
) -> tuple[ExportFile, ...]:
    """The files of format ``name`` for ``profile`` (one, except Evolution's several).

    Raises ValueError (unknown format, or a format that cannot say this account, such as
    OAuth2 for a tool without it) or export_apple.ExportError (Apple's payload limits).
    ``signer`` is an export_apple.Signer for a signed Apple profile.
    """
    local, _, domain = profile.address.rpartition("@")
    filename = _SAFE.sub("_", export_format(name).filename.format(local=local, domain=domain))
    if name == "evolution":
        from .evolution import evolution_sources

        return tuple(
            ExportFile(s.filename, s.text.encode("utf-8")) for s in evolution_sources(profile)
        )
    if name == "outlook-reg":
        from .outlook import outlook_reg, reg_bytes

        hint = reg_xml_path or f"C:\\mailhop\\autodiscover-{domain}.xml"
        return (ExportFile(filename, reg_bytes(outlook_reg(profile, hint))),)
    if name == "apple":
        from .apple import Signer, mobileconfig

        if signer is not None and not isinstance(signer, Signer):
            raise TypeError("signer must be an export_apple.Signer")
        return (ExportFile(filename, mobileconfig(profile, signer=signer)),)
    return (ExportFile(filename, _RENDERERS[name]()(profile)),)


def _text(render: Callable[[AccountProfile], str]) -> Callable[[AccountProfile], bytes]:
    return lambda profile: render(profile).encode("utf-8")


def _thunderbird() -> Callable[[AccountProfile], bytes]:
    from .thunderbird import autoconfig_xml

    return autoconfig_xml


def _userjs() -> Callable[[AccountProfile], bytes]:
    from .thunderbird import user_js

    return _text(user_js)


def _sheet() -> Callable[[AccountProfile], bytes]:
    from .sheet import settings_sheet

    return _text(settings_sheet)


def _outlook(kind: str) -> Callable[[], Callable[[AccountProfile], bytes]]:
    def load() -> Callable[[AccountProfile], bytes]:
        from . import outlook as export_outlook

        if kind == "autodiscover":
            return export_outlook.autodiscover_xml
        return _text(export_outlook.new_outlook_sheet)

    return load


def _unix(tool: str) -> Callable[[], Callable[[AccountProfile], bytes]]:
    def load() -> Callable[[AccountProfile], bytes]:
        from . import unix as export_unix

        renderers = {
            "aerc": export_unix.aerc_accounts,
            "neomutt": export_unix.neomutt_rc,
            "mbsync": export_unix.mbsync_rc,
            "msmtp": export_unix.msmtp_rc,
        }
        return _text(renderers[tool])

    return load


def _k9(kind: str) -> Callable[[], Callable[[AccountProfile], bytes]]:
    def load() -> Callable[[AccountProfile], bytes]:
        from . import k9 as export_k9

        return {
            "k9": export_k9.k9_settings_xml,
            "k9-qr-png": export_k9.k9_qr_png,
            "k9-qr-svg": export_k9.k9_qr_svg,
        }[kind]

    return load


# Imports happen when a format is used: `mailhop --version` must not pay for segno & co.
_RENDERERS: dict[str, Callable[[], Callable[[AccountProfile], bytes]]] = {
    "thunderbird": _thunderbird,
    "thunderbird-userjs": _userjs,
    "sheet": _sheet,
    "outlook-autodiscover": _outlook("autodiscover"),
    "outlook-sheet": _outlook("sheet"),
    **{tool: _unix(tool) for tool in ("aerc", "neomutt", "mbsync", "msmtp")},
    **{kind: _k9(kind) for kind in ("k9", "k9-qr-png", "k9-qr-svg")},
}


def save_exports(files: Iterable[ExportFile], folder: Path) -> tuple[Path, ...]:
    """Write ``files`` into ``folder`` (created if needed); each lands whole or not at all.

    Raises OSError with the path in it. File names come from FORMATS and the address's own
    A-label parts, which cannot hold a path separator.
    """
    from ..common.files import write_atomically

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in files:
        if os.sep in item.filename or item.filename.startswith("."):
            raise ValueError(f"refusing the export file name {item.filename!r}")
        path = folder / item.filename
        write_atomically(path, item.data)
        written.append(path)
    return tuple(written)


@dataclass(frozen=True, slots=True)
class SavedExport:
    """One format's outcome: the files written, or why it could not be made."""

    name: str
    paths: tuple[Path, ...]
    error: str | None = None


def load_signer(cert: Path, key: Path, chain: Path | None = None) -> Signer:
    """An export_apple.Signer from PEM files; ValueError says which file is the problem
    (the one loader of both shells: `mailhop export --sign-cert` and the Use page)."""
    from .apple import Signer

    try:
        chain_pem = chain.read_bytes() if chain is not None else b""
        return Signer(cert.read_bytes(), key.read_bytes(), chain_pem)
    except OSError as exc:
        unread = _("cannot read the signing files: {reason}")
        raise ValueError(unread.format(reason=exc.strerror or exc)) from exc


def export_chosen(
    profile: AccountProfile,
    names: Iterable[str],
    folder: Path,
    *,
    signer: Signer | None = None,
    platform: str | None = None,
) -> tuple[SavedExport, ...]:
    """Render and save each format; one format's failure does not stop the others.

    On Windows (``platform``, default ``sys.platform``), a .reg saved with the Autodiscover XML
    points at the XML where it was just saved, so opening the .reg is all that is left to do;
    elsewhere the .reg is for another computer and names the default C:\\mailhop\\ path."""
    import sys

    from .apple import ExportError

    names = tuple(names)
    xml_here: str | None = None
    if (platform or sys.platform) == "win32" and "outlook-autodiscover" in names:
        (xml,) = render_export(profile, "outlook-autodiscover")
        xml_here = str(folder.resolve() / xml.filename)
    results = []
    for name in names:
        try:
            files = render_export(
                profile,
                name,
                signer=signer if name == "apple" else None,
                reg_xml_path=xml_here if name == "outlook-reg" else None,
            )
            target = folder
            if name == "evolution":  # several key files: a folder of their own
                target = folder / _SAFE.sub("_", f"evolution-{profile.address}")
            results.append(SavedExport(name, save_exports(files, target)))
        except (ValueError, ExportError, OSError) as exc:
            results.append(SavedExport(name, (), str(exc)))
    return tuple(results)
