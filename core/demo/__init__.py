"""The offline demo: a whole signed mail domain on loopback, and its terminal walk-through."""
