"""The application icon in every size and format the three systems want, made from one SVG.

    python -m installer.icons OUTDIR

resources/icons/mailhop.svg is the only icon in the repository; the bitmaps are build products:
``hicolor/<n>x<n>/apps/mailhop.png`` for Linux (freedesktop icon theme sizes 16..512, plus
the SVG as ``scalable``), ``mailhop.ico`` for Windows (16..256 in one file) and
``mailhop.icns`` for macOS (16..1024). Qt renders the SVG (QtSvg, which the window already
ships); Pillow packs the .ico and .icns, whose writers it maintains for every platform.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SVG = REPO / "resources" / "icons" / "mailhop.svg"
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render_png(svg: Path, size: int, out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(["mailhop-icons"])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not an SVG Qt can render")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        raise OSError(f"could not write {out}")


def make_icons(out: Path, svg: Path = SVG) -> dict[str, Path]:
    """Write every icon into ``out``; returns the .ico, .icns and hicolor folder by name."""
    from PIL import Image

    hicolor = out / "hicolor"
    for size in HICOLOR_SIZES:
        render_png(svg, size, hicolor / f"{size}x{size}" / "apps" / "mailhop.png")
    scalable = hicolor / "scalable" / "apps" / "mailhop.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(svg, scalable)
    big = out / "mailhop-1024.png"
    render_png(svg, 1024, big)
    with Image.open(big) as image:
        rgba = image.convert("RGBA")
        rgba.save(out / "mailhop.ico", sizes=[(s, s) for s in ICO_SIZES])
        rgba.save(out / "mailhop.icns", sizes=[(s, s) for s in ICNS_SIZES])
    return {"ico": out / "mailhop.ico", "icns": out / "mailhop.icns", "hicolor": hicolor}


if __name__ == "__main__":
    made = make_icons(Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "build" / "icons")
    print("\n".join(f"{kind}: {path}" for kind, path in made.items()))
