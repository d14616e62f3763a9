"""A capped log: the head and the tail of a stream kept, the middle dropped, all counted."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

HEAD_BYTES = 32 * 1024
TAIL_BYTES = 32 * 1024


@dataclass
class CappedLog:
    """Collects output as it streams; never holds more than `head_bytes + tail_bytes`."""

    head_bytes: int = HEAD_BYTES
    tail_bytes: int = TAIL_BYTES
    total: int = 0
    _head: bytearray = field(default_factory=bytearray)
    _tail: deque[bytes] = field(default_factory=deque)
    _tail_size: int = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        room = self.head_bytes - len(self._head)
        if room > 0:
            self._head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self._tail.append(chunk)
            self._tail_size += len(chunk)
            self._trim_tail()

    def _trim_tail(self) -> None:
        while self._tail and self._tail_size - len(self._tail[0]) >= self.tail_bytes:
            self._tail_size -= len(self._tail.popleft())

    @property
    def truncated(self) -> bool:
        return self.total > self.head_bytes + self.tail_bytes

    def head(self) -> str:
        return self._head.decode("utf-8", "replace")

    def tail(self) -> str:
        """What followed the head: all of it when short, else the last `tail_bytes`."""
        data = b"".join(self._tail)
        if len(data) > self.tail_bytes:
            data = data[-self.tail_bytes :]
        text = data.decode("utf-8", "replace")
        if self.truncated:
            dropped = self.total - self.head_bytes - len(data)
            text = f"[... {dropped:,} bytes dropped ...]\n{text}"
        return text


class LogPump(threading.Thread):
    """Streams output into a capped log in the background; flags output past `limit` and
    stops there (the caller then kills the source). Errors of a source that vanished, given
    as `vanished`, simply end the stream."""

    def __init__(
        self,
        source: Callable[[], Iterable[bytes]],
        log: CappedLog,
        limit: int,
        vanished: tuple[type[BaseException], ...] = (),
    ) -> None:
        super().__init__(daemon=True)
        self.source = source
        self.log = log
        self.limit = limit
        self.vanished = vanished
        self.over_limit = False

    def run(self) -> None:
        try:
            for chunk in self.source():
                self.log.add(chunk)
                if self.log.total > self.limit:
                    self.over_limit = True
                    return
        except self.vanished:
            return
