"""The 5-level division hierarchy keyed by the 12-digit NBS statistical code: the spine of every query."""
