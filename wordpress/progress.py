"""How far an import has got: items done of the total counted beforehand, the rate so far and
the time left; drawn as a bar on a terminal and shown on the admin's import page."""

import re
from dataclasses import dataclass
from pathlib import Path

ITEM_TAG = re.compile(rb"<item[\s>]")
CHUNK = 1 << 20


@dataclass
class Progress:
    done: int = 0
    total: int = 0
    elapsed: float = 0.0  # seconds

    @property
    def rate(self):
        """Items a second so far."""
        return self.done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def remaining(self):
        """Seconds left at the rate so far; None until there is a rate to go by."""
        if not self.rate:
            return None
        return max(0, self.total - self.done) / self.rate

    @property
    def fraction(self):
        return min(1.0, self.done / self.total) if self.total else 0.0

    def text(self):
        """1,200 of 10,000 items · 85 items/s · about 1 min 44 s left"""
        parts = [f"{self.done:,} of {self.total:,} items" if self.total else f"{self.done:,} items"]
        if self.rate:
            parts.append(f"{self.rate:,.0f} items/s")
        if self.remaining is not None and self.done < self.total:
            parts.append(f"about {duration(self.remaining)} left")
        return " · ".join(parts)

    def bar(self, width=30):
        """[##########--------------------]  33%  1,200/3,600 items  85/s  0:28 left"""
        filled = round(self.fraction * width)
        left = clock(self.remaining) if self.remaining is not None else "--:--"
        return (
            f"[{'#' * filled}{'-' * (width - filled)}] {self.fraction:4.0%}  "
            f"{self.done:,}/{self.total:,} items  {self.rate:,.0f}/s  {left} left"
        )


def duration(seconds):
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min"


def clock(seconds):
    minutes, seconds = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def count_items(source):
    """The number of <item> elements, by a streaming scan of the bytes (no parsing: cheap, and
    exact unless an item's text holds the literal tag). A file object is rewound afterwards."""
    if isinstance(source, (str, Path)):
        with open(source, "rb") as handle:
            return _count(handle)
    if not hasattr(source, "seek") or not source.seekable():
        return 0
    start = source.tell()
    try:
        return _count(source)
    finally:
        source.seek(start)


def _count(handle):
    count, tail = 0, b""
    while chunk := handle.read(CHUNK):
        data = tail + chunk
        count += len(ITEM_TAG.findall(data))
        tail = data[-5:]  # too short to hold a whole tag: one cut in two is found next time
    return count
