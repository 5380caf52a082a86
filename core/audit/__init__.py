"""`mailhop audit`: many domains in one run, politely (issue 18)."""
