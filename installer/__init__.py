"""Desktop bundles (PyInstaller): the manifest, the icons, and the build driver; see README.md."""
