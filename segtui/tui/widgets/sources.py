"""What a Sheet reads from: a count and pages of rows.

ListSource holds a small list in memory; EndsPagedSource reads a long one by key from either end
(never a deep OFFSET); CountLaterSource also shows a first page before its count is known (the
owner counts in a worker).
"""
from __future__ import annotations

from typing import Protocol


class DataSource(Protocol):
    """What a sheet reads from. Implementations may page by key behind `rows`."""

    def count(self) -> int: ...

    def rows(self, offset: int, limit: int) -> list[dict]: ...


class ListSource:
    """A data source over a list of dicts already in memory (small lists, tests)."""

    def __init__(self, rows: list[dict] | None = None) -> None:
        self.data = list(rows or [])

    def count(self) -> int:
        return len(self.data)

    def rows(self, offset: int, limit: int) -> list[dict]:
        return self.data[offset:offset + limit]


class EndsPagedSource:
    """A data source over a long list read by key from either end, never by a deep OFFSET.

    `fetch(limit, after=None, before=None, last=False, offset=0)` returns rows in key order: the
    first ones, those after a key, those just before a key, the last ones, or (a jump into the
    middle, e.g. a scroll bar drag: the only case that pays an OFFSET) those from a position.
    Page boundaries are remembered both ways, so End / ctrl+End reads the last rows by key and
    PageUp from there reads by key too.
    """

    KEEP_KEYS = 4096  # remembered page boundaries (a few hundred KB at most)

    def __init__(self, fetch, counter, key: str) -> None:
        self.fetch = fetch
        self.counter = counter
        self.key = key
        self._count: int | None = None
        self._after: dict[int, object] = {}  # row index -> key of the row before it
        self._before: dict[int, object] = {}  # row index -> key of the row at it
        self.rows_read = 0
        self.offset_reads = 0

    def count(self) -> int:
        if self._count is None:
            self._count = int(self.counter())
        return self._count

    def rows(self, offset: int, limit: int) -> list[dict]:
        end = offset + limit
        if offset <= 0:
            found = self.fetch(limit)
        elif offset in self._after:
            found = self.fetch(limit, after=self._after[offset])
        elif end in self._before:
            found = self.fetch(limit, before=self._before[end])
        elif (known := self.known_count()) is not None and end >= known:
            found = self.fetch(known - offset, last=True)
        else:
            self.offset_reads += 1
            found = self.fetch(limit, offset=offset)
        found = list(found)
        self.rows_read += len(found)
        if found:
            if len(self._after) > self.KEEP_KEYS:
                self._after.clear()
                self._before.clear()
            self._after[offset + len(found)] = found[-1][self.key]
            self._before[offset] = found[0][self.key]
        return found

    def known_count(self) -> int | None:
        """The count when it is known for sure (None while a stand-in takes its place): only then
        may a page that reaches it be read as the last rows."""
        return self.count()

    def invalidate(self) -> None:
        self._count = None
        self._after.clear()
        self._before.clear()


class CountLaterSource(EndsPagedSource):
    """An EndsPagedSource whose count (seconds on a million rows) is worked out by the owner in a
    worker: until it says `counted(n)`, a first page read at once stands in for the count, so the
    first rows show without waiting. A source shorter than the probe knows its count from it."""

    PROBE = 200  # rows read to show before the count is known; fewer than this is the count

    def __init__(self, fetch, counter, key: str) -> None:
        super().__init__(self._fetch_first, counter, key)
        self._read = fetch
        self._first: list | None = None  # the probe's rows, for the sheet's first page
        self._probe: list = []  # the same rows, for any page within them until the count is known
        self.provisional = 0  # the stand-in count while the real one is being worked out

    def _fetch_first(self, limit, after=None, before=None, last=False, offset=0):
        first, self._first = self._first, None
        if first is not None and after is None and before is None and not last and not offset \
                and limit <= len(first):
            return first[:limit]
        return self._read(limit, after=after, before=before, last=last, offset=offset)

    def count(self) -> int:
        if self._count is not None:
            return self._count
        if not self.provisional:
            self._first = self._probe = list(self._read(self.PROBE))
            found = len(self._first)
            if found < self.PROBE:
                self._count = found  # a short list: that is the count
                self._probe = []
                return found
            self.provisional = found
        return self.provisional

    def known_count(self) -> int | None:
        self.count()
        return self._count

    def rows(self, offset: int, limit: int) -> list[dict]:
        # A page within the probe (a reload with the cursor on row 150, say) is there already:
        # read again it would take an OFFSET, and the stand-in count is no end to read it from.
        probe = self._probe
        if offset > 0 and self.provisional and offset + limit <= len(probe):
            found = probe[offset:offset + limit]
            self._after[offset + len(found)] = found[-1][self.key]
            self._before[offset] = found[0][self.key]
            return found
        return super().rows(offset, limit)

    def counted(self, count: int) -> None:
        """The owner's worker counted the rows."""
        self._count = int(count)
        self.provisional = 0
        self._probe = []

    def count_now(self) -> int:
        """The real count, worked out here when the worker has not said it yet (a jump to the
        end or to a given row before the count arrived)."""
        if self._count is None:
            self.counted(self.counter())
        return self._count

    def invalidate(self) -> None:
        super().invalidate()
        self.provisional = 0
        self._probe = []


def read_around(source, row: int, page_size: int) -> None:
    """The worker's half of a jump deep into a long list (a CountLaterSource): the real count, and
    the page of `row` and the one before it read here (one OFFSET at most, off the main thread),
    so the sheet then reads them and their neighbours by key."""
    source.count_now()
    page = min(row, max(0, source.count() - 1)) // page_size
    for number in (page, page - 1):
        if number >= 0:
            source.rows(number * page_size, page_size)
