"""A small rate limiter on the cache: so many tries per window, per key.

    RESET_EMAILS = RateLimit("password-reset-email", limit=3, seconds=60 * 60)
    verdict = RESET_EMAILS.hit(email)
    if not verdict.allowed: ...  # show `verdict.wait_minutes`

Keys are keyed hashes (`keyed_hash`), so the cache never holds an email or an
address. Counting uses `cache.add` then `cache.incr`, which are atomic on
Django's in-process cache; on Redis, `hit_each` counts every pair in one round trip
(one small script: for each key, count, start the window on the first try, say how long it
has left), so it works with one process or many (with many, only on a shared cache
such as Redis). A phone's answer checks two limits, and on Redis this was five round
trips per answer (decision 0090). Windows are fixed: a window
starts at the first try and lasts `seconds`. A limit here is a courtesy brake,
not a lock: losing the cache forgets the counts, which is fine for what it guards.
"""

import math
import time
from dataclasses import dataclass

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from thegither.core.hashing import keyed_hash


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    wait_seconds: int = 0

    @property
    def wait_minutes(self) -> int:
        """Return the wait in whole minutes, rounded up, never less than 1."""
        return max(1, math.ceil(self.wait_seconds / 60))

    def __bool__(self) -> bool:
        return self.allowed


@dataclass(frozen=True, slots=True)
class RateLimit:
    """At most `limit` tries in `seconds`, counted separately for each key."""

    name: str
    limit: int
    seconds: int

    def _keys(self, key: str) -> tuple[str, str]:
        digest = keyed_hash(f"ratelimit.{self.name}", key)
        return f"ratelimit:{self.name}:{digest}", f"ratelimit:{self.name}:{digest}:start"

    def hit(self, key: str) -> Verdict:
        """Count one try for `key`; say whether it is allowed and, if not, how long to wait."""
        return _count([(self, key)])[0]

    def _hit_here(self, key: str) -> Verdict:
        """Count one try on a cache without scripts (Django's in-process cache)."""
        count_key, start_key = self._keys(key)
        now = time.time()
        if cache.add(count_key, 0, timeout=self.seconds):
            cache.set(start_key, now, timeout=self.seconds)
        try:
            count = cache.incr(count_key)
        except ValueError:  # the window ran out between add and incr: start a new one
            cache.set(count_key, 1, timeout=self.seconds)
            cache.set(start_key, now, timeout=self.seconds)
            count = 1
        if count <= self.limit:
            return Verdict(allowed=True)
        started = cache.get(start_key, now)
        return Verdict(allowed=False, wait_seconds=max(1, math.ceil(started + self.seconds - now)))

    def reset(self, key: str) -> None:
        """Forget the tries counted for `key`."""
        cache.delete_many(list(self._keys(key)))


# For each key: count one try, start its window (ARGV, in milliseconds) on the first,
# and return {count, milliseconds left}. A count left without an expiry (it cannot
# happen, but a stuck count would refuse for ever) gets one.
_COUNT_SCRIPT = """
local counted = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('PEXPIRE', key, ARGV[i]) end
  local left = redis.call('PTTL', key)
  if left < 0 then
    redis.call('PEXPIRE', key, ARGV[i])
    left = tonumber(ARGV[i])
  end
  counted[i] = {count, left}
end
return counted
"""


def _client_of(backend: RedisCache):
    """The backend's Redis client, made once: Django makes a new one for every command."""
    client = getattr(backend, "_thegither_client", None)
    if client is None:
        client = backend._cache.get_client(write=True)
        backend._thegither_client = client
    return client


def _count(pairs: list[tuple[RateLimit, str]]) -> list[Verdict]:
    """Count one try for each (limit, key): on Redis in one command, else one by one."""
    backend = caches[DEFAULT_CACHE_ALIAS]
    if not pairs or not isinstance(backend, RedisCache):
        return [limit._hit_here(key) for limit, key in pairs]
    keys = [backend.make_and_validate_key(limit._keys(key)[0]) for limit, key in pairs]
    windows = [limit.seconds * 1000 for limit, _key in pairs]
    counted = _client_of(backend).eval(_COUNT_SCRIPT, len(keys), *keys, *windows)
    verdicts = []
    for (limit, _key), (count, left_ms) in zip(pairs, counted, strict=True):
        if count <= limit.limit:
            verdicts.append(Verdict(allowed=True))
        else:
            verdicts.append(Verdict(allowed=False, wait_seconds=max(1, math.ceil(left_ms / 1000))))
    return verdicts


def hit_each(*pairs: tuple[RateLimit, str]) -> Verdict:
    """Count a try against each (limit, key) pair; refuse if any is over, with the longest wait.

    An empty key is not counted: with no client address known, every client would
    share one count and one person could stop everyone.
    """
    verdicts = _count([(limit, key) for limit, key in pairs if key])
    refused = [verdict for verdict in verdicts if not verdict.allowed]
    if not refused:
        return Verdict(allowed=True)
    return Verdict(allowed=False, wait_seconds=max(v.wait_seconds for v in refused))


def too_many_tries(request: HttpRequest, verdict: Verdict, *, back_url: str = "") -> HttpResponse:
    """Return the plain "too many tries, wait N minutes" page, with status 429 and Retry-After."""
    response = render(
        request,
        "core/too_many_tries.html",
        {"minutes": verdict.wait_minutes, "back_url": back_url},
        status=429,
    )
    response["Retry-After"] = str(max(1, verdict.wait_seconds))
    return response
