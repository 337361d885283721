"""A word filter for what phones type: nicknames, word-cloud words, open-text answers.

Our own list (data/blocked_words.txt), matched as whole words after undoing the
usual tricks, never as parts of other words: published filters that match inside
words flag Scunthorpe and Penistone, and miss most UK slang.
"""

import re
import unicodedata
from functools import cache
from pathlib import Path

LIST_FILE = Path(__file__).parent / "data" / "blocked_words.txt"
ALLOWED_FILE = Path(__file__).parent / "data" / "allowed_words.txt"
LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "!": "i",
        "€": "e",
        "£": "l",
    }
)
WORD = re.compile(r"[a-z]+")


@cache
def _blocked() -> tuple[frozenset[str], tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Return (whole words, word starts, phrases) from the list file."""
    words, starts, phrases = set(), [], []
    for line in LIST_FILE.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        if " " in entry:
            phrases.append(tuple(entry.rstrip("*").split()))
        elif entry.endswith("*"):
            starts.append(entry[:-1])
        else:
            words.add(entry)
    return frozenset(words), tuple(starts), tuple(phrases)


@cache
def _allowed() -> frozenset[str]:
    """Return the words never stopped, such as place names that look like a listed word."""
    lines = ALLOWED_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        word for word in (line.split("#", 1)[0].strip().lower() for line in lines) if word
    )


def _tokens(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().translate(LEET)
    tokens = WORD.findall(text)
    # "f u c k" and "f.u.c.k": runs of single letters are read as one word too.
    joined, run = [], []
    for token in tokens:
        if len(token) == 1:
            run.append(token)
            continue
        if len(run) > 1:
            joined.append("".join(run))
        run = []
    if len(run) > 1:
        joined.append("".join(run))
    return tokens + joined


def _squeezed(token: str) -> set[str]:
    """Return the token with stretched letters squeezed to two and to one ("fuuuck")."""
    two = re.sub(r"(.)\1{2,}", r"\1\1", token)
    one = re.sub(r"(.)\1+", r"\1", token)
    return {token, two, one}


def _word_blocked(token: str) -> bool:
    if token in _allowed():
        return False
    words, starts, _phrases = _blocked()
    return any(form in words or form.startswith(starts) for form in _squeezed(token))


def is_blocked(text: str) -> bool:
    """Say whether the text holds a word or phrase from the list."""
    tokens = _tokens(text)
    if any(_word_blocked(token) for token in tokens):
        return True
    _words, _starts, phrases = _blocked()
    for phrase in phrases:
        size = len(phrase)
        for i in range(len(tokens) - size + 1):
            window = tokens[i : i + size]
            if all(
                word == want or (j == size - 1 and word.startswith(want))
                for j, (word, want) in enumerate(zip(window, phrase, strict=True))
            ):
                return True
    return False
