"""One form for a word or phrase that lost someone, so the glossary counts it once.

"Co-Productions", "co production" and "coproduction" are the same word to a person
who didn't understand it: case, plurals, hyphens and spacing don't count (decision
0065). The key is only for matching; people always see the words as written.
Nothing here knows about Django, so it is quick to test with any text.
"""

import re
import unicodedata

KEY_MAX_LENGTH = 80
# Words that end in "s" but aren't plurals (or whose singular is the same word).
NOT_PLURALS = frozenset(
    {
        "alias",
        "always",
        "analysis",
        "atlas",
        "basis",
        "bias",
        "bus",
        "canvas",
        "chaos",
        "crisis",
        "ethos",
        "gas",
        "lens",
        "means",
        "news",
        "perhaps",
        "plus",
        "series",
        "species",
        "status",
        "this",
        "thus",
        "yes",
    }
)
_APART = re.compile(r"[\s\-‐‑‒–—_/]+")
_NOT_A_LETTER = re.compile(r"[^\w']+")


def tidy(text: str) -> str:
    """Return the words as someone typed them, with single spaces and nothing around them."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split())


def singular(word: str) -> str:
    """Return a plain English plural as its singular ("policies" -> "policy"); else the word."""
    if len(word) <= 3 or word in NOT_PLURALS or not word.endswith("s"):
        return word
    if word.endswith(("ss", "us", "is")):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if word.endswith("'s"):
        return word[:-2]
    return word[:-1]


def key(text: str) -> str:
    """Return the glossary's key for the words: lower case, singular, no spaces or hyphens.

    "Co-Productions" and "co production" both give "coproduction"; an empty key means
    there were no letters or numbers to go on.
    """
    text = unicodedata.normalize("NFKC", text or "").casefold()
    parts = [_NOT_A_LETTER.sub("", part).strip("'") for part in _APART.split(text)]
    return "".join(singular(part) for part in parts if part)[:KEY_MAX_LENGTH]
