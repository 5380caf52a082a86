"""The Linux desktop bundles, built once per session and run like on a person's computer.

The fixture ``bundles`` runs `python -m installer.bundle linux` (installer/bundle.py): one
PyInstaller analysis gives the one-file program and the one-folder build the .deb carries.
Every run of a bundle below happens with the build machine's Python hidden (a private mount
namespace with tmpfs over each Python installation, a fresh environment: bundle_tools.py),
so a pass proves the bundle carries everything itself: the interpreter, mailhop's package
data, the Qt plugins that draw its SVG icons, and the keyring backends that core/account/secrets.py
imports by name and that keyring finds through entry-point metadata.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from installer import bundle, manifest
from mailhop.core import __version__
from mailhop.core.account.secrets import backend_modules, secret_ref
from tests.installer.bundle_tools import (
    HIDDEN_EXIT,
    clean_env,
    screenshot,
    stop,
    wait_for_window,
    window_property,
    without_build_python,
    x_server,
)
from tests.lab.lab import LabInfo
from tests.test_cli import lab_options

if TYPE_CHECKING:
    from tests.keyring_session import KeyringSession

pytest_plugins = ("tests.keyring_session",)
# The first test's set-up builds the bundles: about a minute, several on a loaded machine.
pytestmark = pytest.mark.timeout(900)

ALICE = ("alice@healthy.test", "alice-lab-password-7Q")  # the lab's Dovecot user


@pytest.fixture(scope="session")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> bundle.LinuxBundles:
    root = tmp_path_factory.mktemp("bundle")
    return bundle.build_linux(root / "dist", root / "work")


@pytest.fixture(scope="session")
def deb_tree(bundles: bundle.LinuxBundles, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .deb unpacked as dpkg would install it, under a folder instead of /."""
    root = tmp_path_factory.mktemp("deb-root")
    subprocess.run(["dpkg-deb", "-x", str(bundles.deb), str(root)], check=True)
    return root


def programs(bundles: bundle.LinuxBundles, deb_tree: Path) -> dict[str, Path]:
    return {"one-file": bundles.onefile, ".deb": deb_tree / "usr" / "bin" / "mailhop"}


def run_hidden(
    argv: list[str], home: Path, extra: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    home.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        without_build_python(argv),
        env=clean_env(home, extra),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )
    assert done.returncode != HIDDEN_EXIT, done.stderr
    return done


@pytest.mark.parametrize("kind", ["one-file", ".deb"])
def test_version_without_the_build_python(
    bundles: bundle.LinuxBundles, deb_tree: Path, tmp_path: Path, kind: str
) -> None:
    program = programs(bundles, deb_tree)[kind]
    done = run_hidden([str(program), "--version"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"mailhop {__version__}"


@pytest.mark.parametrize(
    "python",
    [sys.executable, os.path.realpath(sys.executable), "/usr/bin/python3"],
    ids=["venv", "base", "debian"],
)
def test_the_sandbox_really_hides_the_build_python(tmp_path: Path, python: str) -> None:
    # The venv's interpreter, the one it was made from, and Debian's: none can run in there.
    argv = without_build_python([python, "-c", "import encodings, json"])
    script = argv[argv.index("-c") + 1]
    argv[argv.index("-c") + 1] = script.replace("if [ -e", "if false && [ -e")  # no self-check
    done = subprocess.run(
        argv, env=clean_env(tmp_path), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode != 0, done.stdout


@pytest.mark.parametrize("kind", ["one-file", ".deb"])
def test_demo_cli_runs_the_whole_flow(
    bundles: bundle.LinuxBundles, deb_tree: Path, tmp_path: Path, kind: str
) -> None:
    program = programs(bundles, deb_tree)[kind]
    out = tmp_path / "exports"
    done = run_hidden([str(program), "demo", "--cli", "--output", str(out)], tmp_path / "home")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Verdict: OK" in done.stdout
    # The exports need the bundled data (Apple's key table, the PSL, the confusables).
    names = {p.name for p in out.iterdir()}
    assert {"config-v1.1-mailhop-demo.test.xml", "you@mailhop-demo.test.mobileconfig"} <= names


@pytest.mark.parametrize("kind", ["one-file", ".deb"])
def test_the_core_speaks_the_system_language(
    bundles: bundle.LinuxBundles, deb_tree: Path, tmp_path: Path, kind: str
) -> None:
    # The catalogs are compiled before PyInstaller runs, so the bundle carries the .mo files
    # (no compiling at start-up), and a German system gets the check in German.
    for lang in ("de", "fr"):
        catalog = bundles.onedir / "_internal" / "mailhop/core/locale" / lang / "LC_MESSAGES"
        assert (catalog / "mailhop.mo").is_file() and (catalog / "mailhop.po").is_file()
    program = programs(bundles, deb_tree)[kind]
    argv = [str(program), "demo", "--cli", "--output", str(tmp_path / "exports")]
    done = run_hidden(argv, tmp_path / "home", {"LANG": "de_DE.UTF-8"})
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Ergebnis: OK" in done.stdout and "Verdict" not in done.stdout


def test_window_opens_with_its_icon_on_a_real_x_server(
    bundles: bundle.LinuxBundles, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    with x_server() as display:
        process = subprocess.Popen(
            without_build_python([str(bundles.onefile)]),
            env=clean_env(home, {"DISPLAY": display}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        try:
            window, _ = wait_for_window(display, process)
            # Qt sets _NET_WM_ICON only from an icon it could load: the bundled SVG, drawn by
            # the bundled Qt SVG plugin.
            icon = window_property(display, window, "_NET_WM_ICON")
            assert "Icon (" in icon, icon[:200]
            shot = screenshot(display, window, tmp_path / "bundle-window.png")
        finally:
            stop(process)
    from PIL import Image

    with Image.open(shot) as image:
        assert image.width >= 600 and image.height >= 400
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000) or []
        assert len(colours) > 50  # painted text and widgets, not an empty frame


def test_setup_stores_the_password_in_secret_service(
    lab: LabInfo,
    bundles: bundle.LinuxBundles,
    tmp_path: Path,
    secret_service: KeyringSession,
) -> None:
    address, password = ALICE
    profiles = tmp_path / "profiles"
    keyring_env = dict(secret_service.environ)
    program = str(bundles.onefile)
    setup = [program, "setup", address, "--password-stdin", "--profile-dir", str(profiles)]
    done = run_hidden(
        [*setup, *lab_options(lab)],
        tmp_path / "home",
        keyring_env,
        input=password + "\n",
    )
    try:
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
        assert "Secret Service" in done.stdout
        ref = secret_ref(address, "imap")
        # libsecret's own tool reads what the bundle stored: the entry is in the real keyring.
        found = secret_service.secret_tool(
            "lookup", "service", ref.service, "username", ref.username
        )
        assert found == password
    finally:
        run_hidden(
            [program, "forget", address, "--profile-dir", str(profiles), "--allow-test-domains"],
            tmp_path / "home",
            keyring_env,
        )


# -- the .deb's desktop integration --------------------------------------------------------------


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_deb_installs_desktop_file_icons_and_metainfo(deb_tree: Path) -> None:
    share = deb_tree / "usr" / "share"
    desktop = share / "applications" / f"{manifest.APP_ID}.desktop"
    metainfo = share / "metainfo" / f"{manifest.APP_ID}.metainfo.xml"
    subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    done = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(metainfo)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "mailhop.png"
        assert png_size(png) == (size, size)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "mailhop.svg").is_file()
    entries = dict(line.split("=", 1) for line in desktop.read_text().splitlines() if "=" in line)
    assert entries["Icon"] == "mailhop" and entries["Exec"].split()[0] == "mailhop"
    assert os.readlink(deb_tree / "usr" / "bin" / "mailhop") == "../../opt/mailhop/mailhop"


def test_deb_depends_on_every_library_the_launcher_checks(bundles: bundle.LinuxBundles) -> None:
    from mailhop.gui.launcher import XCB_LIBRARIES

    control = subprocess.run(
        ["dpkg-deb", "-f", str(bundles.deb), "Depends", "Version", "Package"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fields = dict(line.split(": ", 1) for line in control.splitlines())
    depends = {d.strip() for d in fields["Depends"].split(",")}
    assert {package for _, package in XCB_LIBRARIES} <= depends
    assert fields["Version"] == __version__ and fields["Package"] == "mailhop"


def test_windows_and_macos_icons_hold_every_size(bundles: bundle.LinuxBundles) -> None:
    from PIL import Image

    icons = bundles.icons
    with Image.open(icons / "mailhop.ico") as ico:
        assert {(s, s) for s in (16, 32, 48, 256)} <= set(ico.info["sizes"])
    with Image.open(icons / "mailhop.icns") as icns:
        assert (512, 512, 2) in icns.info["sizes"]  # the 1024-pixel Retina icon


# -- the spec's lists against what the Linux build needed -----------------------------------------

AUDIT = """
import json, runpy, sys
opened = set()
def hook(event, args):
    if event == "open" and isinstance(args[0], str):
        opened.add(args[0])
sys.addaudithook(hook)
module, sys.argv = sys.argv[1], sys.argv[1:]
code = 0
try:
    runpy.run_module(module, run_name="__main__")
except SystemExit as exit:
    code = exit.code
print(json.dumps(sorted(opened)), file=sys.stderr)
sys.exit(code)
"""


def data_files_read(module: str, args: list[str], env: dict[str, str]) -> set[Path]:
    """The package data files (not code) that running ``module`` from the source install opens."""
    done = subprocess.run(
        [sys.executable, "-c", AUDIT, module, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    opened = json.loads(done.stderr.strip().splitlines()[-1])
    roots = [manifest.REPO.resolve()]
    roots += [Path(p).resolve() for p in sys.path if p.endswith("site-packages")]
    code = (".py", ".pyc", ".so", ".pth", ".typed")
    found = set()
    for name in opened:
        path = Path(name).resolve()
        if not path.is_file() or path.name.endswith(code) or "dist-info" in str(path):
            continue
        if any(path.is_relative_to(root) for root in roots) and "/tests/" not in str(path):
            found.add(path)
    return found


def test_the_spec_carries_every_data_file_real_runs_read(
    lab: LabInfo, bundles: bundle.LinuxBundles, tmp_path: Path
) -> None:
    # Three runs that between them open every kind of data: the demo's whole flow (the PSL,
    # Apple's key table), the window's first paint (style sheet, icons), and the discovery of
    # an IDN address (Unicode's confusables).
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    launcher = "mailhop.gui.launcher"
    read = data_files_read(launcher, ["demo", "--cli", "--output", str(tmp_path / "out")], env)
    read |= data_files_read("tests.gui.first_paint", ["mailhop"], env)
    read |= data_files_read(launcher, ["discover", "jo@faß.test", *lab_options(lab)], env)
    listed = {data.source.resolve(): data for data in manifest.data_files("linux")}
    kinds = {path.suffix for path in read}
    # Each run did its part (Qt opens the SVG icons itself, in C++: the window test sees them).
    assert {".dat", ".json", ".qss"} <= kinds, read
    assert read <= set(listed), sorted(map(str, read - set(listed)))
    # ... and the built bundle holds each listed file where the code looks for it.
    internal = bundles.onedir / "_internal"
    for data in listed.values():
        assert (internal / data.target / data.source.name).is_file(), data


def test_the_spec_lists_the_keyring_backends_each_system_imports_by_name(
    bundles: bundle.LinuxBundles,
) -> None:
    for platform in ("linux", "win32", "darwin"):
        hidden = manifest.hidden_imports(platform)
        assert set(backend_modules(platform)) <= set(hidden), platform
        # The data files are the same for every system: one function, no per-system copy.
        assert manifest.data_files(platform) == manifest.data_files("linux")
    assert "keyring.backends.SecretService" in manifest.hidden_imports("linux")
    assert "keyring.backends.Windows" in manifest.hidden_imports("win32")
    assert "keyring.backends.macOS" in manifest.hidden_imports("darwin")
    # The Linux build froze each of them (PyInstaller's table of the modules in its archive),
    # and every package whose data the code opens by name: mailhop.resources, which no code
    # imports, would otherwise be a bare folder (a namespace package) in the bundle.
    frozen = (bundles.work / "pyinstaller" / manifest.NAME / "PYZ-00.toc").read_text()
    assert "mailhop.resources" in manifest.data_packages()
    for module in manifest.hidden_imports("linux"):
        assert f"('{module}'," in frozen, module
    # ... and keyring's entry points travel with it (its metadata).
    internal = bundles.onedir / "_internal"
    assert list(internal.glob("keyring-*.dist-info/entry_points.txt"))
