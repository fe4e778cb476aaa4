"""Reading the visitor's text into terms, the same way on every database."""

import re
from typing import NamedTuple

# At most MAX_TERMS terms (a word or a "quoted phrase", negated or not) are searched for. A
# search box holds a few words: past ten, a query is a pasted sentence whose last words
# change little, while each term costs an operand of the tsquery on PostgreSQL and of the
# FTS5 query on SQLite. Ten is also MAX_LOOKED_UP: every searched word can be spell-checked.
MAX_TERMS = 10

# A term: an optional "-", then a "quoted phrase" or a run of non-space characters.
TERM = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')
# websearch_to_tsquery reads a "-" at the start of a word, or after one of !&|()<, as "not",
# and nests each "not" one level deeper in a stack of 32 ("tsquery stack too small"): in a
# word, only a hyphen between a letter or digit and what follows is kept.
LOOSE_HYPHEN = re.compile(r"(?<!\w)-")
# Punctuation around a word means nothing to websearch: dropped.
EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


class Term(NamedTuple):
    negated: bool
    text: str
    phrase: bool = False

    def __str__(self):
        text = f'"{self.text}"' if self.phrase else self.text
        return f"-{text}" if self.negated else text


class Query(NamedTuple):
    alternatives: list  # of lists of Term: "or" between the lists, "and" within one
    terms_left_out: int  # terms past MAX_TERMS, not searched for

    @property
    def text(self) -> str:
        """The query in websearch syntax, with no operator but one "-" per term and "or"."""
        return " or ".join(" ".join(map(str, terms)) for terms in self.alternatives)


def read_query(q: str) -> Query:
    """Read q as websearch_to_tsquery does: "quoted phrases", "or" between alternatives,
    -term. Terms holding no letter or digit are dropped (a lone "-" or "!" means nothing to
    websearch either), runs of operators become one, and only MAX_TERMS terms are kept."""
    alternatives, terms, kept, left_out = [], [], 0, 0
    for negated, phrase, word in TERM.findall(q):
        if phrase:
            term = Term(bool(negated), phrase.strip(), phrase=True)
        else:
            text = EDGE_PUNCTUATION.sub("", LOOSE_HYPHEN.sub("", word.replace('"', "")))
            term = Term(bool(negated), text)
        if not term.negated and not term.phrase and term.text.lower() == "or":
            alternatives.append(terms)
            terms = []
        elif not re.search(r"\w", term.text):
            continue
        elif kept == MAX_TERMS:
            left_out += 1
        else:
            terms.append(term)
            kept += 1
    alternatives.append(terms)
    return Query([terms for terms in alternatives if terms], left_out)
