"""The in-process channel layer cleans up expired messages at most once a second."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from thegither.live import layers


def test_expired_messages_are_looked_for_at_most_once_a_second(monkeypatch):
    layer = layers.InMemoryChannelLayer()
    passes = []
    monkeypatch.setattr(
        layers.ChannelsInMemoryChannelLayer, "_clean_expired", lambda self: passes.append(1)
    )
    clock = [100.0]
    monkeypatch.setattr(layers.time, "monotonic", lambda: clock[0])
    for _i in range(1000):  # a thousand sockets each waiting in receive
        layer._clean_expired()
    assert len(passes) == 1
    clock[0] += layers.CLEAN_EVERY
    layer._clean_expired()
    assert len(passes) == 2


def test_the_layer_still_delivers_to_a_group():
    layer = layers.InMemoryChannelLayer()

    async def scenario():
        first = await layer.new_channel()
        second = await layer.new_channel()
        await layer.group_add("live.1.phones", first)
        await layer.group_add("live.1.phones", second)
        await layer.group_send("live.1.phones", {"type": "live.snapshot", "seq": 3})
        return await layer.receive(first), await layer.receive(second)

    # In a thread of its own: once a browser test has run, Playwright's event loop is
    # running in this one, and asyncio.run() refuses to start a second.
    with ThreadPoolExecutor(1) as pool:
        got = pool.submit(asyncio.run, scenario()).result()
    assert [message["seq"] for message in got] == [3, 3]
