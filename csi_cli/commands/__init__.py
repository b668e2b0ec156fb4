"""One module per command; each is a short function over the core (see common.py)."""
