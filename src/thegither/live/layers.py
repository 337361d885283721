"""The in-process channel layer for one server process, made to carry a thousand sockets.

Channels' InMemoryChannelLayer looks through every channel and every group member for
expired messages on each `receive` and `group_send`. Every socket's consumer waits in
`receive`, so one snapshot to a thousand phones made a thousand passes over a thousand
members: a million steps for each snapshot. This layer does that clean-up at most once
a second (messages expire after a minute and group members after a day, so a second
late changes nothing) (decision 0057).
"""

import time

from channels.layers import InMemoryChannelLayer as ChannelsInMemoryChannelLayer

CLEAN_EVERY = 1.0


class InMemoryChannelLayer(ChannelsInMemoryChannelLayer):
    _cleaned = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._cleaned < CLEAN_EVERY:
            return
        self._cleaned = now
        super()._clean_expired()
