"""Page chrome by evidence: which lines of a copied page are not speech of the show.

A line is chrome when it reads as a page's furniture, not as something said: a button or a
menu entry (``Commentaires``, ``Subscribe``, ``Voir plus``), a count (``1.2K views``,
``Comments 34``), a date (``il y a 2 jours``, ``2024-03-05``), emoji or symbols alone, a
hashtag list, Markdown or HTML structure (a heading, a rule, a tag, a link or a URL alone).
:func:`chrome_reason` says which, so that every line set aside is noted with its reason.
Lines before the first stamp are page metadata whatever they hold (they have no time); between
the stamps only such evidence sets a line aside; after the last stamp, the first chrome line
starts the page's footer (comments follow it, whatever they look like).
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["chrome_reason"]

_BUTTON = re.compile(
    r"(?i)(?:\d+\s+)?(?:commentaires?|comments?|kommentare|comentarios|partager|share|signaler|report|"
    r"voir plus|voir moins|afficher moins|afficher plus|show (?:more|less)|see (?:more|less)|lire la suite|read more|"
    r"s'abonner|s’abonner|abonnez-vous|subscribe|subscribed|afficher la transcription|show transcript|"
    r"sort by|trier par|top comments|newest first|plus récents)"
    r"(?:\s*[(\[]?\d[\d.,\s]*[KkMm]?[)\]]?)?\s*:?$")


# A count and a date: compiled on first use (most files have no such line between the stamps).
_COUNT = (
    r"(?i)[\d][\d.,\s ]*(?:[KkMm]|k|mille|million|millions|md|Mio\.?)?\s*"
    r"(?:views?|vues?|visionnages?|likes?|j'aime|j’aime|comments?|commentaires?|abonnés|subscribers|followers|"
    r"vistas|aufrufe|réponses?|replies|partages?|shares?)(?:\s*•.*)?$")
_DATE = (
    r"(?i)(?:[-•·]\s*)?(?:(?:il y a|hace|vor)\s+\d+\s*(?:secondes?|minutes?|heures?|jours?|semaines?|mois|ans?|"
    r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|segundos?|minutos?|horas?|días?|semanas?|meses|años?|"
    r"tagen?|wochen?|monaten?|jahren?)|\d+\s*(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?)\s+ago|"
    r"(?:publié|diffusé|streamed|premiered|published|posted)\b.{0,40}|"
    r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+(?:janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc)[a-zéû]*\.?\s+\d{4})$")


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_HEADING = re.compile(r"#{1,6}\s+\S")
_RULE = re.compile(r"(?:-{3,}|\*{3,}|_{3,}|={3,})$")
_TAGS = re.compile(r"(?:</?[A-Za-z][^<>]*>\s*)+$")
_LINK = re.compile(r"(?:[-*+]\s+)?(?:!?\[[^\]]*\]\([^)]*\)|<?https?://\S+>?)$")
_HASHTAGS = re.compile(r"(?:#[^\s#]+\s*)+$")


def chrome_reason(line: str) -> str | None:
    """Why ``line`` is page chrome, or None when it may be speech.

    >>> [chrome_reason(s) for s in ["Comments 34", "1.2K views", "il y a 2 jours", "📺", "Bonsoir à tous."]]
    ['a button or menu entry', 'a count', 'a date', 'symbols alone', None]
    """
    text = line.strip()
    if not text or len(text) > 120:
        return None
    if _BUTTON.match(text):
        return "a button or menu entry"
    if _compiled(_COUNT).match(text):
        return "a count"
    if _compiled(_DATE).match(text):
        return "a date"
    if _HEADING.match(text) or _RULE.match(text) or _TAGS.match(text):
        return "page markup"
    if _LINK.match(text):
        return "a link alone"
    if _HASHTAGS.match(text):
        return "hashtags"
    if _emoji_alone(text):
        return "symbols alone"
    return None


def _emoji_alone(text: str) -> bool:
    """Emoji or pictographs alone (``📺``): no letter, digit or punctuation; the music notes
    captions use for a song (``♪``) are not chrome."""
    kinds = {unicodedata.category(ch) for ch in text if not ch.isspace()}
    return "So" in kinds and kinds <= {"So", "Sk", "Cf", "Mn"} and not set(text) & set("♪♫♬")
