"""How a version's contents are encoded in the database: nothing here can run code when read.

- a contract row is a JSON list of its cells (text); its digest (16 bytes of BLAKE2b of the cells
  joined by NUL, which no published cell holds: the validator refuses it) covers the column names
  too, so the same digest always means the same cells under the same header;
- a row's place in a version is a sort key in its span (see techmap.store.models);
- a version's report is zlib-compressed UTF-8 text;
- other files are stored by the SHA-256 of their bytes.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import zlib
from collections.abc import Sequence

import numpy as np

from techmap.dataformat.table_reader import paused_gc

ROW_DIGEST_BYTES = 16
_ORDER_DTYPE = np.dtype("<i8")


class CorruptStore(ValueError):
    """Something read from the database is not what the store writes."""


def columns_key(columns: Sequence[str]) -> bytes:
    return json.dumps(list(columns), ensure_ascii=False, separators=(",", ":")).encode()


def decode_columns(text: str) -> list[str]:
    try:
        columns = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorruptStore(f"a version's column list is not JSON: {exc}") from None
    if not (isinstance(columns, list) and all(isinstance(c, str) for c in columns)):
        raise CorruptStore("a version's column list is not a list of texts")
    return columns


def encode_cells(cells: Sequence[str]) -> str:
    return json.dumps(list(cells), ensure_ascii=False, separators=(",", ":"))


def row_digest(key: bytes, cells: Sequence[str]) -> bytes:
    return hashlib.blake2b(key + b"\n" + "\0".join(cells).encode(),
                           digest_size=ROW_DIGEST_BYTES).digest()


def row_digests(key: bytes, rows: Sequence[Sequence[str]]) -> list[bytes]:
    """row_digest of each row: the header's part hashed once and copied per row (the same
    digests, without hashing the column names again for every one of 100k rows)."""
    prefix = hashlib.blake2b(key + b"\n", digest_size=ROW_DIGEST_BYTES)
    out = []
    for cells in rows:
        hasher = prefix.copy()
        hasher.update("\0".join(cells).encode())
        out.append(hasher.digest())
    return out


def decode_rows(encoded: Sequence[str], width: int) -> list[list[str]]:
    """Many rows' JSON in one parse; each must be a list of `width` strings."""
    try:
        with paused_gc():  # a list per row, no cycles: see table_reader.paused_gc
            rows = json.loads("[" + ",".join(encoded) + "]")
    except json.JSONDecodeError as exc:
        raise CorruptStore(f"a stored contract row is not JSON: {exc}") from None
    # Checked as sets of types and lengths (C loops): a start-up reads every row.
    if rows and (set(map(type, rows)) != {list} or set(map(len, rows)) != {width}
                 or set(map(type, itertools.chain.from_iterable(rows))) - {str}):
        raise CorruptStore(f"a stored contract row is not a list of {width} texts")
    return rows


def encode_report(report: str) -> bytes:
    return zlib.compress(report.encode("utf-8"), 9)


def decode_report(blob: bytes) -> str:
    try:
        return zlib.decompress(blob).decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as exc:
        raise CorruptStore(f"a version's report cannot be read: {exc}") from None


def file_digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def content_digest(columns: Sequence[str], row_ids: np.ndarray, files: dict[str, str]) -> str:
    """What a version holds, as one hash: the same rows (ids are content-addressed), header and
    files give the same digest, so an unchanged folder is not published twice."""
    digest = hashlib.sha256(columns_key(columns))
    digest.update(np.asarray(row_ids, dtype=_ORDER_DTYPE).tobytes())
    digest.update(json.dumps(sorted(files.items())).encode())
    return digest.hexdigest()
