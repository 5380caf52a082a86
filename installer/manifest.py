"""What a frozen mailhop needs beyond what PyInstaller finds by following imports.

One function per kind, each taking the target platform (a ``sys.platform`` value), so that the
one spec file (installer/mailhop.spec) asks the same questions for Linux, Windows and macOS,
and tests/installer/test_bundle_linux.py compares the answers with what the Linux build really
needed at run time. Nothing here is a hand-kept list of files: each entry comes from the place
that already decides it.

* Data files of mailhop itself: pyproject.toml's ``[tool.setuptools.package-data]``, mapped
  through its ``package-dir`` (the wheel and the bundles ship the same files).
* Data files of dependencies that mailhop reads at run time (the public suffix list, Unicode's
  confusables): named in ``THIRD_PARTY_DATA`` with the module that reads them, because no
  metadata says which data a package opens; the test's audit of a real run catches a missing
  one.
* Hidden imports: the keyring backends, which core/account/secrets.py imports by name
  (``backend_modules``), so a freezer cannot see them; plus their D-Bus or OS libraries; and
  every package whose data files the code opens by the package's name
  (``importlib.resources.files("mailhop.resources")``): nothing imports mailhop.resources as
  code, so without this its folder of data files alone becomes a namespace package in the
  bundle, whose paths behave differently (Python 3.11's MultiplexedPath).
* Metadata: keyring finds its backends through entry points (``importlib.metadata``), so its
  ``dist-info`` must travel with it.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ENTRY = REPO / "installer" / "entry.py"
NAME = "mailhop"
# Reverse DNS, as AppStream wants: the .desktop and metainfo names, Qt's desktopFileName
# (gui/app.py) and the macOS bundle identifier.
APP_ID = "org.mailhop.mailhop"

# Dependencies whose own files mailhop opens at run time, with the files (globs) and the reader.
THIRD_PARTY_DATA: dict[str, tuple[str, ...]] = {
    "publicsuffixlist": ("public_suffix_list.dat",),  # core/common/domains.py
    "confusable_homoglyphs": ("*.json",),  # core/common/lookalike.py
}

# Libraries the keyring backends import lazily (inside functions) on each platform.
BACKEND_LIBRARIES: dict[str, tuple[str, ...]] = {
    "linux": ("secretstorage", "jeepney", "jeepney.io.blocking"),
    "win32": ("win32ctypes.pywin32.win32cred",),
    "darwin": (),
}

METADATA = ("keyring",)  # entry points: keyring.backends


@dataclass(frozen=True, slots=True)
class DataFile:
    source: Path  # the file on the build machine
    target: str  # the folder inside the bundle, as PyInstaller's datas want it

    def as_toc(self) -> tuple[str, str]:
        return (str(self.source), self.target)


def own_data_files(repo: Path = REPO) -> list[DataFile]:
    """mailhop's package data, exactly as pyproject.toml gives it to the wheel."""
    config = tomllib.loads((repo / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    found = []
    for package, patterns in sorted(config["package-data"].items()):
        folder = repo / config["package-dir"][package]
        target = package.replace(".", "/")
        for pattern in patterns:
            for path in sorted(folder.glob(pattern)):
                if path.is_file():
                    parent = path.parent.relative_to(folder).as_posix()
                    found.append(DataFile(path, target if parent == "." else f"{target}/{parent}"))
    return found


def import_root(workdir: Path, repo: Path = REPO) -> Path:
    """A folder in which ``mailhop.core``, ``mailhop.gui`` and ``mailhop.resources`` import.

    The checkout maps core/ to mailhop.core through pyproject's ``package-dir`` and an editable
    install's import hook, which PyInstaller's import analysis cannot follow; links under
    ``workdir/mailhop/`` give it the layout of the installed wheel.
    """
    config = tomllib.loads((repo / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    root = workdir / "import-root"
    for package, folder in config["package-dir"].items():
        link = root.joinpath(*package.split("."))
        link.parent.mkdir(parents=True, exist_ok=True)
        if link.is_symlink():
            link.unlink()
        elif link.exists():
            shutil.rmtree(link)
        try:
            link.symlink_to(repo / folder, target_is_directory=True)
        except OSError:  # Windows without the symlink privilege: a copy does as well
            shutil.copytree(repo / folder, link)
    return root


def third_party_data_files() -> list[DataFile]:
    import importlib.util

    found = []
    for module, patterns in sorted(THIRD_PARTY_DATA.items()):
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise RuntimeError(f"the bundle needs {module}: install mailhop's dependencies")
        folder = Path(spec.origin).parent
        for pattern in patterns:
            found.extend(DataFile(path, module) for path in sorted(folder.glob(pattern)))
    return found


def data_files(platform: str) -> list[DataFile]:
    """Every data file the bundle for ``platform`` carries besides Python modules and Qt's."""
    del platform  # the same on every system today; the argument keeps the spec's calls uniform
    return own_data_files() + third_party_data_files()


def _family(platform: str) -> str:
    if platform.startswith("win"):
        return "win32"
    if platform == "darwin":
        return "darwin"
    return "linux"


def data_packages(repo: Path = REPO) -> list[str]:
    """The packages with package data (pyproject.toml), which the code reaches by name."""
    config = tomllib.loads((repo / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]
    return sorted(config["package-data"])


def hidden_imports(platform: str) -> list[str]:
    """Modules imported by name at run time on ``platform`` (see the module docstring)."""
    from mailhop.core.account.secrets import backend_modules

    libraries = BACKEND_LIBRARIES[_family(platform)]
    return [*data_packages(), *backend_modules(platform), *libraries]


def metadata_packages(platform: str) -> list[str]:
    del platform
    return list(METADATA)


# Qt plugins the Linux bundle leaves out. The GTK 3 platform theme links the whole GTK 3 stack
# (GTK, GDK, cairo, pango, ATK, ... about 25 MB), which PyInstaller would copy from the build
# machine and which must match the person's own GTK to work; without it Qt draws its own
# Fusion style and still follows the desktop's colour scheme through the XDG portal theme.
DROPPED_QT_PLUGINS = ("PySide6/Qt/plugins/platformthemes/libqgtk3.so",)


def prune_binaries(
    binaries: list[tuple[str, str, str]], dropped: tuple[str, ...] = DROPPED_QT_PLUGINS
) -> list[tuple[str, str, str]]:
    """``binaries`` (PyInstaller's TOC) without ``dropped`` and the libraries only they need.

    A library stays if any other binary kept in the bundle links it (``ldd`` lists the whole
    closure), so nothing another part of Qt or Python needs is ever removed.
    """
    from PyInstaller.depend.bindepend import get_imports

    def needs(source: str) -> set[str]:
        return {Path(name).name for name, _ in get_imports(source)}

    plugins = [entry for entry in binaries if entry[0] in dropped]
    only_theirs = {name for _, source, _ in plugins for name in needs(source)}
    kept = [entry for entry in binaries if entry[0] not in dropped]
    needed = set()
    for name, source, kind in kept:
        if kind in ("BINARY", "EXTENSION") and Path(name).name not in only_theirs:
            needed |= needs(source)
    removable = only_theirs - needed
    return [entry for entry in kept if "/" in entry[0] or entry[0] not in removable]


# Qt modules mailhop never imports: PySide6-Essentials ships them, and PyInstaller's hooks would
# otherwise follow optional imports into them (QML, 3D, web). Leaving them out keeps the
# bundle about a third smaller.
QT_EXCLUDES = (
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtNetwork",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtDBus",
    "PySide6.QtDesigner",
    "PySide6.QtUiTools",
    "PySide6.QtConcurrent",
    "PySide6.QtPrintSupport",
    "PySide6.QtXml",
    "PySide6.QtHelp",
    "PySide6.QtMultimedia",
    "tkinter",
)
