"""How easy a piece of writing is to read: the Flesch reading ease score, worked out here.

No dictionary and no download (textstat fetches one): syllables are counted
from groups of vowels, which is close enough for a gentle hint. Scores run
from about 0 (very hard) to 100 (very easy); 60 and up is plain English.
"""

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")
_SENTENCE_END = re.compile(r"[.!?]+(?:\s|$)|\n\s*\n")
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")

# A hint is only worth giving on an answer long enough to judge.
HINT_MIN_WORDS = 30
PLAIN_SCORE = 60


def syllables(word: str) -> int:
    """Return about how many syllables a word has (at least one)."""
    word = word.lower().split("'")[0]
    count = len(_VOWEL_GROUPS.findall(word))
    # A silent final "e" (make, care), but not "le" (table) or "ee" (free).
    if word.endswith("e") and not word.endswith(("le", "ee")) and count > 1:
        count -= 1
    return max(1, count)


def reading_ease(text: str) -> float | None:
    """Return the Flesch reading ease of the text, or None if it has no words."""
    words = _WORD.findall(text or "")
    if not words:
        return None
    sentences = max(1, len([part for part in _SENTENCE_END.split(text.strip()) if part.strip()]))
    syllable_count = sum(syllables(word) for word in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syllable_count / len(words))


def needs_plainer_words(text: str) -> bool:
    """Say whether a long answer might be hard to read (a hint, never a rule)."""
    if len(_WORD.findall(text or "")) < HINT_MIN_WORDS:
        return False
    score = reading_ease(text)
    return score is not None and score < PLAIN_SCORE
