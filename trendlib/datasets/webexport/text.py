"""Bytes -> records for a website export: encoding, separator and spreadsheet re-saves.

Only the head of the file (:data:`HEAD_BYTES`) is read to decide the encoding and the separator;
the rest is streamed record by record, so a file of any size is judged in time linear in its size
and in bounded memory. Every repair (a UTF-16 or Windows code page text, a semicolon or tab
separator, trailing separators) is recorded in :attr:`Source.repairs` for the provenance.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from trendlib.datasets.webexport.errors import WebExportError
from trendlib.datasets.webexport.words import looks_like_known_word

HEAD_BYTES = 256 * 1024
#: a website export has at most a few thousand rows; far more means something else
MAX_ROWS = 100_000
MAX_CELL = 10_000
_ORIGINAL = ("download the CSV again from the Trends website (the download button above the chart) and "
             "import that file, not a copy saved by a spreadsheet")
_CODEPAGES = ("cp1251", "cp1252", "cp1250", "cp1253", "cp1254", "cp1257", "cp1255", "cp1256", "cp1258")


@dataclass
class Source:
    """An opened export: its encoding, separator, the repairs made, and a record stream."""

    path: Path
    encoding: str
    delimiter: str
    repairs: list[str] = field(default_factory=list)

    def records(self) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells) of each record, blank records included (as ``[]``)."""
        f = str(self.path)
        csv.field_size_limit(MAX_CELL)
        with open(self.path, encoding=self.encoding, newline="", errors="strict") as fh:
            reader = csv.reader(fh, delimiter=self.delimiter)
            count = 0
            try:
                for cells in reader:
                    count += 1
                    if count > MAX_ROWS:
                        raise WebExportError(
                            f"this file is not a Google Trends export: it has more than {MAX_ROWS:,} records, and a "
                            "website export has at most a few thousand (several files joined together?)",
                            file=f, row=reader.line_num)
                    yield reader.line_num, [c.strip(" \t\u00a0\u202f\r\n") for c in cells]
            except csv.Error as exc:
                raise WebExportError(f"this file is not a Google Trends export: line {reader.line_num} cannot "
                                     f"be read as CSV ({exc}); {_ORIGINAL}", file=f, row=reader.line_num) from None
            except UnicodeDecodeError as exc:
                raise WebExportError(f"not {self.encoding} text after the first {HEAD_BYTES // 1024} KB (byte "
                                     f"{exc.start} of a block cannot be decoded): the file mixes encodings; "
                                     f"{_ORIGINAL}",
                                     file=f) from None


def open_export(path: Path) -> Source:
    """Decide the encoding and separator of ``path`` from its head; raise naming the cause."""
    f = str(path)
    if not path.is_file():
        raise WebExportError("web export file not found", file=f)
    with open(path, "rb") as fh:
        head = fh.read(HEAD_BYTES)
        more = bool(fh.read(1))
    if not head.strip():
        raise WebExportError("file is empty; expected a Google Trends website CSV (e.g. 'Category: All categories', "
                             "a blank line, then 'Week,term: (Country)')", file=f)
    _refuse_binary(head, f)
    encoding, repairs = _encoding(head, more, f)
    text = _decode_head(head, encoding, more)
    delimiter, note = _delimiter(text)
    if note:
        repairs.append(note)
    return Source(path=path, encoding=encoding, delimiter=delimiter, repairs=repairs)


def _refuse_binary(head: bytes, f: str) -> None:
    if head.startswith(b"PK\x03\x04"):
        raise WebExportError("this file is not a Google Trends export: it is a zip archive or an Excel workbook "
                             "(.xlsx); " + _ORIGINAL + " (or save the sheet as 'CSV UTF-8')", file=f)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise WebExportError("this file is not a Google Trends export: it is an old Excel workbook (.xls); "
                             + _ORIGINAL, file=f)
    if head.startswith(b"%PDF") or head[:8] == b"\x89PNG\r\n\x1a\n":
        raise WebExportError("this file is not a Google Trends export: it is a PDF or an image, not a CSV", file=f)


def _encoding(head: bytes, more: bool, f: str) -> tuple[str, list[str]]:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", []
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16", ["the file is UTF-16 text (a spreadsheet's 'Unicode text' save); decoded as UTF-16"]
    sample = head[:4096]
    if sample.count(b"\x00") > len(sample) // 4:
        even, odd = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        enc = "utf-16-le" if odd > even else "utf-16-be"
        return enc, [f"the file is UTF-16 text without a byte-order mark; decoded as {enc.upper()}"]
    if b"\x00" in sample:
        raise WebExportError("this file is not a Google Trends export: it holds binary data (NUL bytes), not text",
                             file=f)
    try:
        _decode_head(head, "utf-8", more)
        return "utf-8", []
    except UnicodeDecodeError as exc:
        bad = exc.start
    fits = [cp for cp in _CODEPAGES if _known_words_in(head, cp)]
    readings = {cp: head.decode(cp, errors="replace").splitlines()[0][:40] for cp in fits}
    if len(set(readings.values())) == 1:
        cp = fits[0]
        return cp, [f"the file is not UTF-8 (re-saved by a spreadsheet?); decoded as {cp} because its header words "
                    f"then read as Google Trends words ({readings[cp]!r})"]
    line = head[:bad].count(b"\n") + 1
    raise WebExportError(f"not UTF-8 text (byte {bad}, line {line}: 0x{head[bad:bad + 1].hex()}), and the Windows code "
                         "page it was re-saved in cannot be told from the file; the Trends website writes UTF-8: "
                         + _ORIGINAL, file=f, row=line)


def _known_words_in(head: bytes, codepage: str) -> bool:
    """Whether a non-ASCII interface word (only such a word tests the code page) reads right in ``codepage``."""
    text = head.decode(codepage, errors="replace")
    cells = re.split(r"[,;\t:\n\r]+", "\n".join(text.splitlines()[:6]))
    return any(not c.strip().isascii() and looks_like_known_word(c) for c in cells)


def _decode_head(head: bytes, encoding: str, more: bool) -> str:
    dec = codecs.getincrementaldecoder(encoding)()
    return dec.decode(head, final=not more)


def _delimiter(text: str) -> tuple[str, str]:
    """The separator that splits the head's header and rows into equal-width records."""
    lines = [ln for ln in text.splitlines()[:40] if ln.strip()]
    best, best_score = ",", -1
    for sep in (",", ";", "\t"):
        widths = []
        for ln in lines:
            try:
                cells = next(csv.reader(io.StringIO(ln), delimiter=sep))
            except (csv.Error, StopIteration):
                continue
            while cells and not cells[-1].strip():
                cells.pop()
            widths.append(len(cells))
        multi = [w for w in widths if w >= 2]
        if not multi:
            continue
        common = max(set(multi), key=multi.count)
        score = multi.count(common)
        if score > best_score or (score == best_score and sep == ","):
            best, best_score = sep, score
    if best == ",":
        return ",", ""
    name = {";": "semicolons", "\t": "tabs"}[best]
    return best, f"cells are separated by {name}, not commas (re-saved by a spreadsheet); read with {name}"
