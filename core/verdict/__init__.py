"""The verdict per leg and its words: the server to use, how sign-in works, ok, warn or block."""
