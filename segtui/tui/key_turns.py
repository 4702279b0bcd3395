"""Keys typed ahead take their turns: each is handed on once the one before has had its effect.

Keys come in bursts over SSH, and from a fast typist. Textual hands every key of a burst to the
widget focused when it arrives, but a key's binding runs only once the key has travelled up
from that widget to the app, and what the binding starts (a dialog, a cell editor) happens
later still. So the keys behind it in the burst met the old focus: "<F2>bring" on the
worksheet ran b (go back) and i (the Interactions screen) instead of editing the cell, and
"DE<Backspace>X" read "DEX".

Here a key that arrives while something is still waiting in the app's or a widget's queue (the
key before, what it set off) waits in a queue of its own. It is handed on once every widget of
the screen and the app have handled what was sent to them and nothing more is waiting (a round
of callbacks through each queue, as Textual's test pilot waits, repeated while messages keep
coming). A key typed alone finds the queues empty and is handed on at once, as before: the
rounds run only while keys wait (run after every key, they made End on the worksheet 5-30 ms
slower, competing with the frame).
"""
from __future__ import annotations

import asyncio
from collections import deque

from textual import events

ROUNDS_MAX = 50  # rounds of waiting per key; a key that sets off more is handed on anyway
ROUND_TIMEOUT_S = 1.0  # a widget closing meanwhile never runs its callback


class KeyTurns:
    def __init__(self, app) -> None:
        self.app = app
        self.waiting: deque[events.Key] = deque()
        self.handed: dict[int, events.Key] = {}  # keys posted again in their turn, by identity
        self.task: asyncio.Task | None = None

    def must_wait(self, event: events.Key) -> bool:
        """Called by the app for a key it receives; True when the key waits its turn (the app
        drops it now: it comes back when its turn is there)."""
        if self.handed.pop(id(event), None) is event:
            return False
        if self.task is None:
            if all(_queue_empty(pump) for pump in self._pumps()):
                return False  # nothing at work: a key typed alone, handed on with no wait
            self.task = asyncio.create_task(self._turns())
        self.waiting.append(event)
        return True

    async def _turns(self) -> None:
        try:
            while True:
                await self._settled()
                if not self.waiting:
                    return
                waited = self.waiting.popleft()
                key = events.Key(waited.key, waited.character)  # a new message: the first was dropped
                self.handed[id(key)] = key
                self.app.post_message(key)
        finally:
            self.task = None
            self.waiting.clear()  # the app is closing (or this failed): nothing is left half-typed

    def _pumps(self):
        try:
            return [self.app, *self.app.screen.walk_children(with_self=True)]
        except Exception:  # noqa: BLE001 - no screen (starting, closing): nothing to wait for
            return []

    async def _settled(self) -> None:
        for _ in range(ROUNDS_MAX):
            pumps = await self._round()
            if pumps is None or all(_queue_empty(pump) for pump in pumps):
                return

    async def _round(self):
        """Every pump has handled what it had when the round began. Returns the pumps that took
        part, or None when one did not answer in time (a widget closed meanwhile, a handler still
        at work): the next key is then handed on rather than held."""
        left = 0
        done = asyncio.Event()

        def one_done() -> None:
            nonlocal left
            left -= 1
            if left == 0:
                done.set()

        pumps = [pump for pump in self._pumps() if pump.call_later(one_done)]
        left = len(pumps)
        if not pumps:
            return pumps
        try:
            await asyncio.wait_for(done.wait(), ROUND_TIMEOUT_S)
        except TimeoutError:
            return None
        return pumps


def _queue_empty(pump) -> bool:
    queue = getattr(pump, "_message_queue", None)  # Textual's own; without it one round is all
    return queue is None or queue.empty()
