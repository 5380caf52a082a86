"""Discovery sources and their parsers: each published source as one typed Attempt."""
