"""Opening CORDIS files in a folder or a zip, and reading their lines within bounds.

cordis/files.py reads the rows out of these lines. The bounds make a hostile or
broken file (a zip bomb, one endless line, a file of NUL bytes) cost an error message that
says where, not the machine's memory.
"""

import csv
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path

# Bounds on what an import reads, so that a hostile or broken file costs an error message, not
# the machine's memory. A row is one line, or more when a quoted field holds newlines; the
# longest real rows are an objective of about 4,000 characters (IMI2; HORIZON's longest line
# is under 3,000): 100,000 leaves a margin of 25. It bounds every field too (csv's own field
# limit, 131,072, is above it), and a record of many short multi-line fields, which csv's
# field limit does not bound.
MAX_ROW = 100_000  # characters
# A zip member may be this many times the size of the whole zip: the HORIZON dump's
# organization.csv is 3.8 times its zip, and no real CSV member compresses by more than 15;
# a zip bomb's member is about 1,000 times its zip. Up to MIN_ZIP_MEMBER is always accepted,
# so that small dumps pass whatever their ratio: reading that much costs about a second.
MAX_ZIP_RATIO = 100
MIN_ZIP_MEMBER = 10_000_000  # bytes
# What zipfile raises on a damaged zip; among them, a member longer than it declares (zipfile
# stops at the declared size, then finds the CRC wrong).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)


class CordisError(Exception):
    """A problem with the input that stops the import; the message says where and why."""


@contextmanager
def open_files(path):
    """Yield a function that opens one of the CORDIS files (binary) in a folder or a zip.

    open_file(name, optional=True) returns None for a file that is not there (the companion
    files: euroSciVoc.csv, topics.csv, legalBasis.csv).
    """
    path = Path(path)
    if path.is_dir():

        def open_in_folder(name, optional=False):
            if not (path / name).is_file():
                if optional:
                    return None
                raise CordisError(f"{name} not found in {path}")
            stream = open(path / name, "rb")  # noqa: SIM115 (the caller closes it)
            stream.cordis_size = (path / name).stat().st_size  # for progress bars
            return stream

        yield open_in_folder
    elif zipfile.is_zipfile(path):
        try:
            archive = zipfile.ZipFile(path)
        except ZIP_ERRORS as error:
            raise CordisError(damaged_zip(path, error)) from None
        with archive:

            def open_in_zip(name, optional=False):
                # CORDIS zips may put the files in a subfolder.
                members = [m for m in archive.infolist() if m.filename.rsplit("/", 1)[-1] == name]
                if optional and not members:
                    return None
                if len(members) != 1:
                    found = "more than once" if members else "not found"
                    raise CordisError(f"{name} {found} in {path}")
                check_zip_member(members[0], path)
                try:
                    stream = archive.open(members[0])
                except ZIP_ERRORS as error:
                    raise CordisError(damaged_zip(name, error)) from None
                stream.cordis_size = members[0].file_size  # for progress bars
                return stream

            yield open_in_zip
    elif path.exists():
        raise CordisError(f"{path} is neither a folder nor a zip file")
    else:
        raise CordisError(f"{path} does not exist")


def check_zip_member(member: zipfile.ZipInfo, path: Path) -> None:
    """Refuse, before reading it, a member far bigger than its zip (a zip bomb).

    zipfile never reads more than the size the member declares (more is a bad CRC), so
    checking the declared size bounds what reading the member costs.
    """
    zip_size = path.stat().st_size
    if member.file_size > max(MAX_ZIP_RATIO * zip_size, MIN_ZIP_MEMBER):
        raise CordisError(
            f"{member.filename} in {path}: {member.file_size:,} bytes uncompressed in a zip "
            f"of {zip_size:,} bytes, more than {MAX_ZIP_RATIO} times the zip's size; "
            f"CORDIS files compress far less than that: not a CORDIS dump (a zip bomb?)"
        )


class BoundedLines:
    """The lines of a text file for csv.reader, read so that no row exceeds MAX_ROW.

    Iterating over the file would build a whole line in memory before csv sees it, however
    long: a file of one endless line (or of NUL bytes) would fill the memory.
    """

    def __init__(self, text, filename):
        self.text = text
        self.filename = filename
        self.line = 0  # the last line read
        self.row_start = 1
        self.row_size = 0

    def start_row(self):
        """Start a new row, on the next line; return that line's number."""
        self.row_start = self.line + 1
        self.row_size = 0
        return self.row_start

    def __iter__(self):
        return self

    def __next__(self):
        try:
            line = self.text.readline(MAX_ROW - self.row_size + 1)
        except ZIP_ERRORS as error:
            raise CordisError(damaged_zip(self.filename, error)) from None
        if not line:
            raise StopIteration
        self.line += 1
        self.row_size += len(line)
        if self.row_size > MAX_ROW:
            if self.line == self.row_start:
                raise CordisError(too_long(self.filename, self.line))
            raise CordisError(
                f"{self.filename}, line {self.row_start}: the row is longer than {MAX_ROW:,} "
                f"characters (it runs past line {self.line}); a quote that is not closed?"
            )
        return line


def damaged_zip(filename, error):
    return f"{filename}: the zip is damaged ({error}); download it again"


def too_long(filename, line):
    return (
        f"{filename}, line {line}: the line is longer than {MAX_ROW:,} characters; "
        f"CORDIS rows are far shorter: not a CORDIS file, or a damaged one"
    )


def next_record(reader, filename, line):
    try:
        return next(reader)
    except StopIteration:
        return None
    except csv.Error as error:
        if "unexpected end of data" in str(error):
            reason = "a quoted field is not closed before the end of the file (truncated file?)"
        else:
            reason = f"malformed CSV ({error})"
        raise CordisError(f"{filename}, line {line}: {reason}") from None


def not_utf8(open_file, filename):
    """Say where a file is not UTF-8: read again line by line (only when it is not)."""
    max_bytes = 4 * MAX_ROW  # a character is at most 4 bytes of UTF-8
    with open_file(filename) as stream:
        for number, raw in enumerate(iter(lambda: stream.readline(max_bytes + 1), b""), start=1):
            if len(raw) > max_bytes:  # the first read stops at such a line too
                return too_long(filename, number)
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as error:
                return (
                    f"{filename}, line {number}: not UTF-8 text (byte 0x{raw[error.start]:02x} "
                    f"at column {error.start + 1}); CORDIS files are UTF-8, save it as UTF-8"
                )
    return f"{filename}: not UTF-8 text; CORDIS files are UTF-8, save it as UTF-8"
