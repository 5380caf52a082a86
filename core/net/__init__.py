"""Connections out: name to socket, the one TLS context, bounded HTTP(S) fetches."""
