"""Build the desktop bundles: `python -m installer.bundle linux|windows|macos [--out dist]`.

Each system's bundle comes from the one spec file (installer/mailhop.spec) and the icons made
from resources/icons/mailhop.svg (installer/icons.py):

* linux: a one-file program (``dist/mailhop-<version>-<arch>``: download, chmod +x, run) and a
  ``.deb`` of the one-folder build (``/opt/mailhop``, ``/usr/bin/mailhop``, the .desktop file,
  hicolor icons, AppStream metainfo; Depends: the system libraries Qt loads).
* windows: the one-folder build, then Inno Setup's compiler on installer/windows/mailhop.iss
  (``dist/mailhop-<version>-setup.exe``).
* macos: ``mailhop.app`` (PyInstaller's BUNDLE), then ``hdiutil`` makes
  ``dist/mailhop-<version>.dmg``.

Only the Linux bundles can be built on Linux; the other two run on those systems' CI runners
(installer/README.md has the exact commands).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from installer import manifest

REPO = manifest.REPO
SPEC = REPO / "installer" / "mailhop.spec"
LINUX = REPO / "installer" / "linux"

# What the .deb depends on: the system libraries Qt's X11 platform plugin loads, taken from the
# table the launcher checks at start (gui/launcher.py), plus the two every Qt program links.
BASE_DEPENDS = ("libc6", "libglib2.0-0", "libdbus-1-3")
# A Secret Service provider: without one, mailhop refuses to store a password.
RECOMMENDS = "gnome-keyring | kwalletmanager | keepassxc"


@dataclass(frozen=True, slots=True)
class LinuxBundles:
    onefile: Path
    onedir: Path  # the folder PyInstaller made; the .deb holds it as /opt/mailhop
    deb: Path
    icons: Path  # every size and format made from the SVG (installer/icons.py)
    work: Path  # PyInstaller's work files (its analysis, warnings, module tables)
    seconds: float  # wall-clock time of the whole build


def make_icons(out: Path) -> None:
    """installer/icons.py in its own process: it starts a QGuiApplication to render the SVG,
    and a process (a test session) can hold only one Qt application, of one kind."""
    subprocess.run(
        [sys.executable, "-m", "installer.icons", str(out)],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )


def version() -> str:
    from mailhop.core import __version__

    return __version__


def pyinstaller(mode: str, dist: Path, work: Path, icons: Path) -> None:
    from mailhop.core.common.i18n import compile_catalogs

    # The .mo files are made here, so the spec's data files (pyproject's package-data) carry
    # them; a bundle without them would compile each .po at start-up instead.
    compile_catalogs()
    from mailhop.gui.i18n import compile_translations

    compile_translations()  # the window's .qm files (resources/i18n), likewise
    subprocess.run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work),
            str(SPEC),
            "--",
            "--mode",
            mode,
            "--icons",
            str(icons),
        ],
        check=True,
        cwd=REPO,
    )


def deb_depends() -> str:
    from mailhop.gui.launcher import XCB_LIBRARIES

    packages = dict.fromkeys([*BASE_DEPENDS, *(package for _, package in XCB_LIBRARIES)])
    return ", ".join(packages)


def deb_architecture() -> str:
    done = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def build_deb(onedir: Path, icons: Path, out: Path, work: Path) -> Path:
    root = work / "deb-root"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(onedir, root / "opt" / "mailhop", symlinks=True)
    bin_dir = root / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    # Relative, so the tree also works unpacked elsewhere (dpkg-deb -x, as the test does).
    (bin_dir / "mailhop").symlink_to("../../opt/mailhop/mailhop")
    share = root / "usr" / "share"
    app_id = manifest.APP_ID
    for source, target in (
        (LINUX / f"{app_id}.desktop", share / "applications" / f"{app_id}.desktop"),
        (LINUX / f"{app_id}.metainfo.xml", share / "metainfo" / f"{app_id}.metainfo.xml"),
        (REPO / "installer" / "linux" / "copyright", share / "doc" / "mailhop" / "copyright"),
    ):
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    shutil.copytree(icons / "hicolor", share / "icons" / "hicolor")
    size_kib = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) // 1024
    control = root / "DEBIAN" / "control"
    control.parent.mkdir()
    arch = deb_architecture()
    control.write_text(
        f"Package: mailhop\n"
        f"Version: {version()}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: mailhop developers <mailhop@localhost>\n"
        f"Installed-Size: {size_kib}\n"
        f"Depends: {deb_depends()}\n"
        f"Recommends: {RECOMMENDS}\n"
        f"Section: mail\n"
        f"Priority: optional\n"
        f"Description: set up a mail account securely from an email address\n"
        f" mailhop reads what a mail domain publishes (DNSSEC-signed DNS, DANE, MTA-STS,\n"
        f" autoconfig), verifies it, tests the sign-in over verified TLS only, keeps the\n"
        f" password in the system keyring and exports settings for mail clients.\n"
    )
    for path in root.rglob("*"):  # dpkg wants 0755 folders whatever the umask was
        if path.is_dir():
            path.chmod(0o755)
    deb = out / f"mailhop_{version()}_{arch}.deb"
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zzstd", "--build", str(root), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return deb


def build_linux(out: Path, work: Path) -> LinuxBundles:
    started = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    icons = work / "icons"
    make_icons(icons)
    dist = work / "dist"
    pyinstaller("linux", dist, work / "pyinstaller", icons)
    onefile = out / f"mailhop-{version()}-{os.uname().machine}"
    shutil.copy2(dist / manifest.NAME, onefile)
    onedir = dist / f"{manifest.NAME}-onedir"
    deb = build_deb(onedir, icons, out, work)
    return LinuxBundles(onefile, onedir, deb, icons, work, time.monotonic() - started)


def build_windows(out: Path, work: Path) -> Path:
    icons = work / "icons"
    make_icons(icons)
    pyinstaller("onedir", work / "dist", work / "pyinstaller", icons)
    iscc = (
        shutil.which("iscc")
        or shutil.which("ISCC")
        or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
    )
    subprocess.run(
        [
            iscc,
            f"/DAppVersion={version()}",
            f"/DSourceDir={work / 'dist' / f'{manifest.NAME}-onedir'}",
            f"/DIconFile={icons / 'mailhop.ico'}",
            f"/O{out}",
            str(REPO / "installer" / "windows" / "mailhop.iss"),
        ],
        check=True,
    )
    return out / f"mailhop-{version()}-setup.exe"


def build_macos(out: Path, work: Path) -> Path:
    icons = work / "icons"
    make_icons(icons)
    pyinstaller("app", work / "dist", work / "pyinstaller", icons)
    staging = work / "dmg"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    shutil.copytree(work / "dist" / "mailhop.app", staging / "mailhop.app", symlinks=True)
    (staging / "Applications").symlink_to("/Applications")  # drag-to-install target
    dmg = out / f"mailhop-{version()}.dmg"
    dmg.unlink(missing_ok=True)
    subprocess.run(
        [
            "hdiutil",
            "create",
            "-volname",
            "mailhop",
            "-srcfolder",
            str(staging),
            "-fs",
            "HFS+",
            "-format",
            "UDZO",
            str(dmg),
        ],
        check=True,
    )
    return dmg


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m installer.bundle", description=__doc__)
    parser.add_argument("system", choices=("linux", "windows", "macos"))
    parser.add_argument("--out", type=Path, default=REPO / "dist")
    parser.add_argument("--work", type=Path, default=REPO / "build" / "bundle")
    args = parser.parse_args(argv)
    out, work = args.out.resolve(), args.work.resolve()
    if args.system == "linux":
        made = build_linux(out, work)
        for path in (made.onefile, made.deb):
            print(f"{path}  {path.stat().st_size / 1e6:.1f} MB")
        print(f"built in {made.seconds:.0f} s")
    elif args.system == "windows":
        print(build_windows(out, work))
    else:
        print(build_macos(out, work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
