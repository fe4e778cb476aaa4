"""Words: folding and stemming them the same way everywhere, and the word list that corrects
misspelt ones.

The word list (organizations_searchword) holds the distinct words, accents folded and
unstemmed, of every organization's searched text and of its projects' subjects. A word of
the query that nobody uses is replaced by the closest known one ("pediatrc" -> "pediatric"),
and a long enough word also finds the known words that contain it ("klinikum" ->
"universitatsklinikum"). PostgreSQL looks words up with pg_trgm and fuzzystrmatch; SQLite
with an FTS5 trigram index over the same list and the edit distance computed here.
"""

import re
import unicodedata
from functools import lru_cache

import Levenshtein
import snowballstemmer
from django.db import connections

# The words of a query looked up in the word list: at most MAX_LOOKED_UP of 4 to 40 letters.
# A word nobody uses is replaced by a known word at least MIN_SIMILARITY alike (pg_trgm
# similarity, 0..1), the fewest edits away (Levenshtein distance). 0.4 lets "pediatrc" reach
# "pediatric" (0.58; one edit, where "pediatria" needs two) and "oncolgy" "oncology" (0.55),
# but keeps "children" from becoming "childhood" (0.36). A word of WIDEN_FROM letters or
# more also finds the (at most MAX_WIDER, shortest first) known words that contain it.
LOOKED_UP_WORD = re.compile(r"[^\W\d_]{4,}")
LISTED_WORD = re.compile(r"[^\W\d_]{4,40}")
MAX_WORD_LENGTH = 40
MAX_LOOKED_UP = 10
MIN_SIMILARITY = 0.4
WIDEN_FROM = 5
MAX_WIDER = 20
# SQLite: the known words sharing most trigrams with a typed word, among which the closest
# is chosen.
NEAR_CANDIDATES = 100

WORD = re.compile(r"[^\W_]+")
# PostgreSQL's english.stop: words that the english configuration ignores, and so does
# search everywhere (they would match nearly every project).
STOP_WORDS = frozenset(
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)
# PostgreSQL's english_stem is Snowball's too. snowballstemmer hands out PyStemmer's (Snowball
# compiled, the same stems) when it is installed, as pyproject.toml has it.
_english = snowballstemmer.stemmer("english")


def fold(text: str) -> str:
    """Lower case without accents, as PostgreSQL's unaccent and FTS5's remove_diacritics."""
    if text.isascii():  # nothing to decompose: most text, and a refresh folds it by the MB
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# CORDIS writes German names without umlauts ("Technische Universitaet Muenchen"): a word
# typed with one is also searched for in that spelling.
TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def spellings(word: str) -> tuple[str, ...]:
    """The word, and its spelling without umlauts if it has any ("münchen", "muenchen")."""
    transliterated = word.translate(TRANSLITERATION)
    return (word,) if transliterated == word else (word, transliterated)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    return _english.stemWord(word)


def stems(text: str) -> set[str]:
    """The distinct stems of `text`'s words ("Paediatric Oncology" -> {"paediatr", "oncolog"})."""
    return {stem(word) for word in WORD.findall(fold(text)) if word not in STOP_WORDS}


def listed_words(text: str) -> set[str]:
    """The words of `text` that go into the word list: folded, of 4 to 40 letters."""
    return {word for word in WORD.findall(fold(text)) if LISTED_WORD.fullmatch(word)}


def add_words(words, *, using="default"):
    """Add `words` to the word list (those it has already are skipped)."""
    rows = [(word,) for word in sorted(words)]
    if rows:
        with connections[using].cursor() as cursor:
            cursor.executemany(
                "INSERT INTO organizations_searchword (word) VALUES (%s) ON CONFLICT DO NOTHING",
                rows,
            )


def look_up_words(q, *, using="default"):
    """{typed word: (word to search for, *longer known words containing it)}, in one query.

    Only words that change something are listed: misspelt ones and those with longer words.
    """
    typed = [word for word in LOOKED_UP_WORD.findall(q) if len(word) <= MAX_WORD_LENGTH]
    typed = list(dict.fromkeys(typed))[:MAX_LOOKED_UP]
    if not typed:
        return {}
    connection = connections[using]
    look_up = _look_up_postgresql if connection.vendor == "postgresql" else _look_up_sqlite
    return {
        word: (correction or word, *wider)
        for word, correction, wider in look_up(connection, typed)
        if correction or wider
    }


POSTGRESQL_WORDS_SQL = """
    SELECT typed.word, correction.word, ARRAY(
               SELECT known.word FROM organizations_searchword AS known
                WHERE length(typed.folded) >= %(widen_from)s
                  AND known.word LIKE '%%' || coalesce(correction.word, typed.folded) || '%%'
                  AND known.word <> coalesce(correction.word, typed.folded)
                ORDER BY length(known.word), known.word
                LIMIT %(max_wider)s)
      FROM (SELECT word, lower(unaccent(word)) AS folded
              FROM unnest(%(words)s::text[]) AS word) AS typed
      LEFT JOIN LATERAL (
               SELECT known.word FROM organizations_searchword AS known
                WHERE NOT EXISTS (
                          SELECT FROM organizations_searchword WHERE word = typed.folded)
                  AND known.word %% typed.folded
                  AND similarity(known.word, typed.folded) >= %(min_similarity)s
                ORDER BY levenshtein(known.word, typed.folded),
                         similarity(known.word, typed.folded) DESC, known.word
                LIMIT 1) AS correction ON true
"""


def _look_up_postgresql(connection, typed):
    params = {
        "words": typed,
        "widen_from": WIDEN_FROM,
        "max_wider": MAX_WIDER,
        "min_similarity": MIN_SIMILARITY,
    }
    with connection.cursor() as cursor:
        cursor.execute(POSTGRESQL_WORDS_SQL, params)
        return cursor.fetchall()


def _look_up_sqlite(connection, typed):
    # One query for every word: whether it is known, the known words containing it (the
    # trigram index answers LIKE), and, for a word not known, the known words sharing most
    # trigrams with it. A known word's near words have LIMIT 0, which SQLite reads as
    # "nothing to do": ranking every word sharing a trigram took 2 to 7 ms a word.
    parts, params = [], []
    folded = [fold(word) for word in typed]
    for n, word in enumerate(folded):
        parts += [
            "SELECT %s, 'known', word FROM organizations_searchword WHERE word = %s",
            "SELECT * FROM (SELECT %s, 'wider', word FROM organizations_searchword_trigrams"
            " WHERE word LIKE %s AND word <> %s ORDER BY length(word), word LIMIT %s)",
            "SELECT * FROM (SELECT %s, 'near', word FROM organizations_searchword_trigrams"
            " WHERE organizations_searchword_trigrams MATCH %s ORDER BY rank LIMIT"
            " (SELECT CASE WHEN EXISTS (SELECT 1 FROM organizations_searchword WHERE word = %s)"
            " THEN 0 ELSE %s END))",
        ]
        wider_pattern = f"%{word}%" if len(word) >= WIDEN_FROM else ""
        grams = " OR ".join(f'"{gram}"' for gram in sorted(_trigrams(word)) if " " not in gram)
        params += [n, word, n, wider_pattern, word, MAX_WIDER, n, grams, word, NEAR_CANDIDATES]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    found = [{"known": [], "wider": [], "near": []} for _ in typed]
    for n, kind, word in rows:
        found[n][kind].append(word)
    results = []
    for word, original, lists in zip(folded, typed, found, strict=True):
        correction = None
        if not lists["known"]:
            near = [w for w in lists["near"] if similarity(w, word) >= MIN_SIMILARITY]
            near.sort(key=lambda w: (Levenshtein.distance(w, word), -similarity(w, word), w))
            correction = near[0] if near else None
        wider = lists["wider"] if correction is None else []
        results.append((original, correction, wider))
    return results


def _trigrams(word):
    padded = f"  {word} "  # as pg_trgm pads a word
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a, b):
    """pg_trgm's similarity: the share of trigrams the two words have in common."""
    one, two = _trigrams(a), _trigrams(b)
    return len(one & two) / len(one | two)
