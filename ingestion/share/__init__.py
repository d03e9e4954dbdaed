"""``ewh share --account ID``: a DuckDB file holding only one account's rows of the marts.

- ``scope.py`` — how a mart is tied to an account, and the columns no extract carries;
- ``extract.py`` — :func:`write_share`, which writes the file (with ``meta.extract`` saying what is in it).
"""

from ingestion.share.extract import ShareResult, write_share

__all__ = ["ShareResult", "write_share"]
