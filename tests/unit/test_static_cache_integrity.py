"""The compressed-static disk cache (TECHMAP_STATIC_CACHE, web/compression.py) never serves a file
that was cut short or altered: it compresses the bytes again and rewrites the file."""

from __future__ import annotations

from flask_compress.compat import compression as codecs

from web import compression

DATA = b"var plotly = {version: '7'};\n" * 4000


def test_a_truncated_file_in_the_disk_cache_is_compressed_again(tmp_path):
    first = compression.compress_cached(DATA, "zstd", tmp_path)
    [kept] = list(tmp_path.iterdir())
    whole = kept.read_bytes()
    kept.write_bytes(whole[: len(whole) // 2])  # a disk that filled up, a copy interrupted

    again = compression.compress_cached(DATA, "zstd", tmp_path)
    assert again == first
    assert codecs.zstd.decompress(again) == DATA
    assert kept.read_bytes() == whole  # written again whole, for the next process


def test_an_altered_file_in_the_disk_cache_is_not_served(tmp_path):
    first = compression.compress_cached(DATA, "br", tmp_path)
    [kept] = list(tmp_path.iterdir())
    altered = bytearray(kept.read_bytes())
    altered[-10] ^= 0xFF
    kept.write_bytes(bytes(altered))
    assert compression.compress_cached(DATA, "br", tmp_path) == first


def test_an_empty_file_in_the_disk_cache_is_not_served(tmp_path):
    first = compression.compress_cached(DATA, "gzip", tmp_path)
    [kept] = list(tmp_path.iterdir())
    kept.write_bytes(b"")
    assert compression.compress_cached(DATA, "gzip", tmp_path) == first
