"""Assets written in Python: landing (one per raw stream) and retention pruning."""
