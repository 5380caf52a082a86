"""`mailhop audit`: many domains in one run, politely (issue 18)."""

# Domains in flight at most: a bound on memory, not the pace. A new domain starts only while
# this process has CPU to spare (engine._Headroom), so a black-holed domain waiting for its
# deadline holds a place but not the others' start. Over 300 lab domains on 2 cores, 64 gave
# the verdicts and findings of 16 for every domain that answers (16 at once without the CPU
# gate gave the same; 64 without it changed 32 of 300: replies read after the deadline).
DEFAULT_CONCURRENCY = 64
