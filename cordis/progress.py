"""What an import says while it runs: a bar per file and phase on a terminal (tqdm), plain
lines elsewhere (a pipe, a log, a test), or nothing.

cordis/files.py and cordis/importer/ report through one interface (`reading`, `phase`,
`line`), so that they neither know nor care where the words go.
"""

import time
from contextlib import contextmanager

from tqdm import tqdm

PROGRESS_EVERY = 20_000  # rows, between two plain progress lines
STEP = 1_000  # rows between two updates of a bar (a call per row would cost seconds)


class NoProgress:
    """Says nothing."""

    @contextmanager
    def reading(self, filename, size):
        """A file of `size` bytes (None: unknown) being read; yields advance(rows, bytes)."""
        yield lambda rows, position: None

    @contextmanager
    def phase(self, name, total):
        """A phase of `total` rows; yields advance(rows done so far)."""
        yield lambda done: None

    def line(self, message):
        pass


NO_PROGRESS = NoProgress()


class Lines(NoProgress):
    """Plain lines through `write`: the rows read every PROGRESS_EVERY rows, and each message."""

    def __init__(self, write):
        self.write = write

    @contextmanager
    def reading(self, filename, size):
        started = time.monotonic()
        printed = 0

        def advance(rows, position):
            nonlocal printed
            if rows - printed >= PROGRESS_EVERY:
                printed = rows - rows % PROGRESS_EVERY
                rate = rows / max(time.monotonic() - started, 1e-6)
                self.write(f"{filename}: {printed:,} rows read ({rate:,.0f} rows/s)")

        yield advance

    def line(self, message):
        self.write(message)


class Bars(NoProgress):
    """tqdm bars on `stream` (a terminal): rows, rows per second and the time left.

    A file's number of rows is not known before it is read: its bar's total is estimated
    from the bytes read so far, so the time left is that of the bytes left.
    """

    def __init__(self, stream):
        self.stream = stream

    def bar(self, name, total):
        return tqdm(
            total=total, desc=name, unit=" rows", unit_scale=True, file=self.stream, leave=True
        )

    @contextmanager
    def reading(self, filename, size):
        with self.bar(filename, None) as bar:

            def advance(rows, position):
                if size and position:
                    bar.total = max(rows, round(rows * size / position))
                bar.update(rows - bar.n)

            yield advance
            bar.total = bar.n
            bar.refresh()

    @contextmanager
    def phase(self, name, total):
        with self.bar(name, total) as bar:
            yield lambda done: bar.update(done - bar.n)
            bar.update(total - bar.n)

    def line(self, message):
        tqdm.write(message, file=self.stream)


def progress_for(progress):
    """The Progress for import_cordis's `progress` argument: None (nothing), a Progress, or
    a function taking a line of text (plain lines)."""
    if progress is None:
        return NO_PROGRESS
    if isinstance(progress, NoProgress):
        return progress
    return Lines(progress)
