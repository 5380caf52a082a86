"""Icons and styles for the GUI (installed as mailhop.resources); no code lives here."""
