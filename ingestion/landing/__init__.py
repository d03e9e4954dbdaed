"""Landing: raw dumps into DuckDB as they are (rules in ``ingestion/landing/core.py``).

- ``discovery``: which files under the raw root to land, refuse, or leave for later;
- ``jsonl``: reading JSONL / gzipped JSONL as numbered lines, whatever shape the file is in;
- ``parquet``: how each Parquet file is read (by DuckDB, or by pyarrow as a fallback);
- ``sql``: typing the contract fields and the reasons a record cannot land;
- ``core``: batches, transactions, the manifest, quarantine, tombstones and retention.
"""

from ingestion.landing.core import ingest, sha256_of
from ingestion.landing.discovery import RawFile, discover, stream_folder_files, walk
from ingestion.landing.report import FileResult, IngestReport, Progress

__all__ = [
    "FileResult",
    "IngestReport",
    "Progress",
    "RawFile",
    "discover",
    "ingest",
    "sha256_of",
    "stream_folder_files",
    "walk",
]
