"""Cue building: no word lost, added or reordered; cues sorted and apart; cuts where the
language allows, never inside a fixed expression when another cut exists; at most two speakers
in a cue, one per line, a marked turn with the dialogue dash; sentences cut by a pause marked,
others bridged; limits that cannot be met are reported."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from captions.convert import check_limits, convert_transcript
from captions.findings import FindingCode
from captions.langdata import rules_for
from captions.linebreak import fits
from captions.model import Cue, Fragment, Transcript
from captions.presets import PRESETS, SpeedUnit, get_preset
from captions.segment import DASHES, build_cues, mark_fragments, split_words
from captions.timing import estimate_speech
from captions.typography import NNBSP, ends_sentence, typeset


def shown_words(result) -> list[str]:
    """The words shown, in order: the dialogue dashes and continuation marks the builder adds
    taken out, French narrow spaces read as spaces."""
    built, data = result.built, rules_for(result.lang)
    out = []
    for k, cue in enumerate(result.cues):
        lines = list(cue.lines)
        if built.dialogue[k]:
            assert all(line.startswith(data.dialogue_dash) for line in lines), cue
            lines = [line[len(data.dialogue_dash):] for line in lines]
        if built.opened[k]:
            assert lines[0].startswith(data.continuation_start), cue
            lines[0] = lines[0][len(data.continuation_start):]
        if built.marked[k]:
            assert lines[-1].endswith(data.continuation_end), cue
            lines[-1] = lines[-1][:-len(data.continuation_end)]
        out.extend(_tokens(" ".join(lines)))
    return out


def _tokens(text: str) -> list[str]:
    """The words of ``text``, no-break spaces read as spaces."""
    return [w for w in text.replace(NNBSP, " ").replace("\u00a0", " ").split(" ") if w]


def spoken_words(fragments) -> list[str]:
    """The words of ``fragments`` in order, without the dashes that mark a turn (a dash that
    opens a fragment or follows a sentence end, with words after it)."""
    out: list[str] = []
    for frag in fragments:
        words = [w for w in frag.text.split(" ") if w]
        last = ""   # the fragment's last word kept
        for i, word in enumerate(words):
            if word in DASHES and i + 1 < len(words) and (i == 0 or (last and ends_sentence(last))):
                last = ""
                continue
            out.append(word)
            last = word
    return _tokens(" ".join(out))


def cue_words(cues) -> list[str]:
    """The words of cues read from a file (no dialogue dashes taken out)."""
    return [w for cue in cues for w in _tokens(" ".join(cue.lines))]


_WORD = st.sampled_from("le la un chat 30 milliards Jensen Huang et mais dans l'IA d'Anthropic ça va ? ! : ; "
                        "« » Bonsoir. tous, soir. x supercalifragilistique 19h30 & - – parce que est-ce "
                        "qu'il il y a devant c'est... etc Etats 90%".split() + ["oui\u00a0!", "déjà\u202f?"])


@st.composite
def transcripts(draw):
    count = draw(st.integers(1, 30))
    t, frags = 0, []
    for i in range(count):
        t += draw(st.sampled_from([0, 0, 1000, 1000, 2000, 3000, 15_000]))
        words = draw(st.lists(_WORD, min_size=1, max_size=18))
        speaker = draw(st.sampled_from([None, None, "A", "B"]))
        turn = draw(st.sampled_from([False, False, False, True]))
        frags.append(Fragment(t, " ".join(words), i + 1, speaker=speaker, turn=turn))
    return Transcript("<test>", tuple(frags))


@given(transcripts(), st.sampled_from(sorted(PRESETS)), st.booleans(), st.sampled_from(["fr", "en", "da"]))
@settings(max_examples=80, deadline=None)
def test_cue_building_keeps_every_word_in_order_and_cues_apart(transcript, preset_name, typography, lang):
    preset = get_preset(preset_name)
    result = convert_transcript(transcript, preset, lang=lang, typography=typography, speaker_labels=False)
    fragments = transcript.fragments
    if typography:
        fragments = [Fragment(f.start_ms, text, f.line) for f, text in
                     zip(fragments, typeset([f.text for f in fragments], lang).texts)]
    assert shown_words(result) == spoken_words(fragments)
    for cue in result.cues:
        assert cue.start_ms < cue.end_ms
    for a, b in zip(result.cues, result.cues[1:]):
        assert a.end_ms + preset.min_gap_ms <= b.start_ms
    # every limit missed is in the report, and nothing else
    reported = Counter((m.code, m.cue) for m in result.report.misses if m.code in _LIMITS)
    assert reported == limits_missed(result.cues, preset)


@given(transcripts(), st.sampled_from(sorted(PRESETS)))
@settings(max_examples=60, deadline=None)
def test_a_cue_holds_at_most_two_speakers_and_marks_the_second(transcript, preset_name):
    preset = get_preset(preset_name)
    result = convert_transcript(transcript, preset, lang="fr", typography=False, speaker_labels=False)
    marks = mark_fragments(transcript.fragments)
    dash = rules_for("fr").dialogue_dash
    for k, (first, last) in enumerate(result.built.fragments):
        inner = [f for f in range(first + 1, last + 1) if marks.turn[f] and transcript.fragments[f].text.strip()]
        cue = result.cues[k]
        assert len(inner) <= 1, cue                       # three turns never share a cue
        if inner or result.built.dialogue[k]:             # a turn inside a cue is always marked
            assert result.built.dialogue[k] and len(cue.lines) == 2, cue
            assert all(line.startswith(dash) for line in cue.lines), cue


@given(transcripts(), st.sampled_from(["fr-tv", "netflix", "vertical", "cea608"]))
@settings(max_examples=40, deadline=None)
def test_building_chunk_by_chunk_gives_the_same_cues(transcript, preset_name):
    preset = get_preset(preset_name)
    spans = estimate_speech(transcript.fragments)
    chunked = build_cues(transcript.fragments, spans, preset, lang="fr")
    whole = build_cues(transcript.fragments, spans, preset, lang="fr", chunked=False)
    assert chunked == whole


@given(transcripts())
@settings(max_examples=200, deadline=None)
def test_words_read_in_bulk_are_the_words_read_one_by_one(transcript):
    fragments = transcript.fragments
    spans = estimate_speech(fragments)
    assert split_words(fragments, spans) == split_words(fragments, spans, careful=True)
    texts = typeset([f.text for f in fragments], "fr").texts   # glued marks at fragment edges
    spaced = [Fragment(f.start_ms, t, f.line, speaker=f.speaker, turn=f.turn) for f, t in zip(fragments, texts)]
    assert split_words(spaced, spans) == split_words(spaced, spans, careful=True)


_LIMITS = {FindingCode.TOO_FAST, FindingCode.TOO_SHORT, FindingCode.TOO_LONG, FindingCode.LINE_TOO_LONG,
           FindingCode.TOO_MANY_LINES}


def limits_missed(cues, preset) -> Counter:
    """``(code, cue number)`` of each limit the cues miss, measured here with plain arithmetic
    on the preset's numbers (not by the validator).  Built cues hold no tags nor control
    characters: a cue's reading characters are its lines' lengths added up."""
    out: Counter = Counter()
    for number, cue in enumerate(cues, start=1):
        duration = cue.end_ms - cue.start_ms
        chars = sum(len(line) for line in cue.lines)
        if preset.speed_unit is SpeedUnit.WPM:   # a words-per-minute preset counts words
            chars = sum(1 for word in " ".join(cue.lines).split() if any(ch.isalnum() for ch in word))
        allowed = preset.max_units_for(duration)
        # the limits are multiples of 1/5000 of a character at most: six decimals drop the float noise
        out[FindingCode.TOO_FAST, number] += allowed is not None and chars > round(allowed, 6)
        out[FindingCode.TOO_SHORT, number] += duration < preset.min_duration_ms
        out[FindingCode.TOO_LONG, number] += preset.max_duration_ms is not None and duration > preset.max_duration_ms
        out[FindingCode.TOO_MANY_LINES, number] += len(cue.lines) > preset.max_lines
        out[FindingCode.LINE_TOO_LONG, number] += sum(preset.max_chars is not None and len(line) > preset.max_chars
                                                      for line in cue.lines)
    return +out   # the limits met dropped


def test_limits_missed_counts_each_limit():
    preset = get_preset("fr-tv")   # 42 chars, 2 lines, 20 cps, 833 ms to 7 s
    cues = [Cue(0, 1000, ("a" * 20,)), Cue(1000, 1999, ("a" * 20, "b")), Cue(2000, 2500, ("a" * 43, "b" * 43, "c")),
            Cue(3000, 11_000, ("ok",))]
    assert limits_missed(cues, preset) == Counter({
        (FindingCode.TOO_FAST, 2): 1, (FindingCode.TOO_FAST, 3): 1, (FindingCode.TOO_SHORT, 3): 1,
        (FindingCode.TOO_MANY_LINES, 3): 1, (FindingCode.LINE_TOO_LONG, 3): 2, (FindingCode.TOO_LONG, 4): 1})


def test_a_sentence_running_across_fragments_is_joined():
    t = Transcript("t", (Fragment(14_000, "Bonsoir à tous, 19h30, merci d'être là en ce jeudi soir. "
                                          "Bienvenue sur BFM Business et c'est Tech", 1),
                         Fragment(20_000, "& Co, la quotidienne.", 2)))
    result = convert_transcript(t, get_preset("fr-tv"))
    assert any("Tech & Co" in line for cue in result.cues for line in cue.lines)


def test_cuts_at_sentence_ends_first():
    # 100 characters: two cues; the sentence end beats the comma and the conjunctions
    text = "Voilà le sommaire de ce soir, avec nos invités du jour. Un grand merci et bienvenue à tous."
    t = Transcript("t", (Fragment(0, text, 1), Fragment(9000, "Fin.", 2)))
    result = convert_transcript(t, get_preset("fr-tv"))
    assert [c.text.replace("\n", " ") for c in result.cues[:2]] == [
        "Voilà le sommaire de ce soir, avec nos invités du jour.", "Un grand merci et bienvenue à tous."]


def test_a_pause_always_ends_a_cue_and_a_cut_sentence_is_marked():
    t = Transcript("t", (Fragment(0, "Bonsoir", 1), Fragment(20_000, "à tous.", 2)))
    result = convert_transcript(t, get_preset("fr-tv"))
    # the pause cuts the sentence: Netflix's ellipsis at the end of the cut cue, none after
    assert [c.text for c in result.cues] == ["Bonsoir…", "à tous."]
    assert result.cues[0].end_ms < 3000        # never stretched over the silence
    assert result.built.marked == (True, False) and result.built.continued == (True, False)


def test_a_sentence_cut_on_a_comma_is_marked_on_the_next_cue():
    t = Transcript("t", (Fragment(0, "Alors, est-ce que tu penses vraiment que,", 1),
                         Fragment(9000, "c'est une bonne idée ?", 2)))
    result = convert_transcript(t, get_preset("fr-tv"))
    assert [c.lines[0] for c in result.cues] == ["Alors, est-ce que tu penses vraiment que,",
                                                 "…c'est une bonne idée\u202f?"]
    assert result.built.opened == (False, True) and result.built.marked == (False, False)


def test_a_short_blank_inside_a_sentence_is_bridged():
    # "liés à" ends well before "l'intelligence" starts, but the pause is under 2 s: no blank
    t = Transcript("t", (Fragment(162_000, "Mais bon, on va commencer par l'IA avec pas mal de sujets liés à", 1),
                         Fragment(171_000, "l'intelligence artificielle comme chaque soir.", 2),
                         Fragment(173_000, "On va beaucoup parler de ChatGPT.", 3)))
    result = convert_transcript(t, get_preset("fr-tv"))
    for k, (a, b) in enumerate(zip(result.cues, result.cues[1:])):
        if result.built.continued[k] and not result.built.marked[k]:
            assert b.start_ms - a.end_ms <= get_preset("fr-tv").min_gap_ms, (a, b)


def test_three_speakers_never_share_a_cue():
    # the sample's "Salut Clément. Salut. Directeur général, président de Theodo Cloud."
    t = Transcript("t", (Fragment(146_000, "Et Clément David qui est là.", 1, speaker="François"),
                         Fragment(147_000, "Salut Clément.", 2, speaker="François"),
                         Fragment(148_000, "Salut.", 3, speaker="Clément", turn=True),
                         Fragment(148_000, "Directeur général, président de Theodo Cloud.", 4, speaker="François",
                                  turn=True)))
    result = convert_transcript(t, get_preset("fr-tv"), speaker_labels=False)
    texts = [c.lines for c in result.cues]
    assert all(len(lines) <= 2 for lines in texts)
    assert not any("Salut." in " ".join(lines) and "Directeur" in " ".join(lines) and "Clément." in " ".join(lines)
                   for lines in texts), texts
    for k, lines in enumerate(texts):
        if result.built.dialogue[k]:
            assert all(line.startswith("- ") for line in lines)


def test_two_speakers_in_one_cue_get_dialogue_dashes():
    t = Transcript("t", (Fragment(0, "Tu viens ce soir ?", 1, speaker="Anna"),
                         Fragment(0, "Oui, bien sûr.", 2, speaker="Marc"),
                         Fragment(2000, "Alors à tout à l'heure, on se retrouve devant le cinéma.", 3,
                                  speaker="Anna")))
    result = convert_transcript(t, get_preset("fr-tv"), speaker_labels=False)
    # alone, "Oui, bien sûr." would have 0.65 s: under the minimum duration
    assert result.cues[0].lines == (f"- Tu viens ce soir{NNBSP}?", "- Oui, bien sûr.")
    assert result.built.dialogue[0] and result.built.speakers[0] == ("Anna", "Marc")


def test_english_dialogue_dash_has_no_space():
    t = Transcript("t", (Fragment(0, "Are you coming?", 1, speaker="Anna"),
                         Fragment(0, "In a minute.", 2, speaker="Marc"),
                         Fragment(2000, "Then hurry up, the film starts at eight and we are late.", 3, speaker="Anna")))
    result = convert_transcript(t, get_preset("netflix"), lang="en", speaker_labels=False)
    assert result.cues[0].lines == ("-Are you coming?", "-In a minute.")


def test_a_dash_after_a_sentence_end_is_a_turn_not_a_word():
    t = Transcript("t", (Fragment(169_000, "Tu es à l'antenne. - Là, maintenant ?", 1),
                         Fragment(173_000, "Je ne te crois pas.", 2)))
    result = convert_transcript(t, get_preset("fr-tv"))
    shown = [line for cue in result.cues for line in cue.lines]
    assert "-" not in " ".join(shown).split() or all(line.startswith("- ") for line in shown if "-" in line)
    assert shown_words(result) == "Tu es à l'antenne. Là, maintenant ? Je ne te crois pas.".split()


def test_a_probable_turn_starts_its_own_line():
    # a podcast transcript, each reply on its own stamped line, no speaker named
    t = Transcript("t", (Fragment(0, "Was it this year or last year?", 1),
                         Fragment(2000, "Yes. Yes, I did. It was this year.", 2),
                         Fragment(20_000, "Great.", 3)))
    marks = mark_fragments(t.fragments)
    assert marks.probable == (False, True, True) and marks.turn == (False, False, False)
    result = convert_transcript(t, get_preset("netflix"), lang="en")
    for cue in result.cues:
        text = " ".join(cue.lines)
        if "year?" in text and "Yes." in text:
            assert cue.lines[1].startswith("Yes."), cue     # never mid-line
        assert not cue.lines[0].startswith("-")              # no dash: the turn is only probable


def test_probable_turns_need_a_transcript_that_names_no_speaker():
    frags = (Fragment(0, "Oui.", 1, speaker="A"), Fragment(1000, "Bien sûr.", 2, speaker="A"))
    assert mark_fragments(frags).probable == (False, False)
    assert mark_fragments(tuple(Fragment(f.start_ms, f.text, f.line) for f in frags)).probable == (False, True)


def test_an_unpunctuated_stretch_is_cut_at_its_source_lines():
    # speech recognition without punctuation: each stamped line is a phrase; a cue holds at
    # most two of them, one per line, where a line may end (not after "que", "est"...)
    lines = ["mais en revanche", "il y a tout un paquet de gens", "qui ne récupèrent rien du tout",
             "tu prends ce scénario", "qui est complètement lié", "au fait que", "ceux qui produisent des serveurs",
             "ils sont uniquement concentrés", "sur la partie IA", "donc tout ce qui est", "infrastructure classique",
             "ne les intéresse plus", "et donc ça crée une pénurie", "tu le transfères", "dans le monde de l'énergie",
             "avec la population normale", "qui en subit", "enfin le commun des mortels", "comme nous"]
    frags = tuple(Fragment(2341_000 + 1000 * k, text, k + 1) for k, text in enumerate(lines))
    assert all(mark_fragments(frags).plain)
    result = convert_transcript(Transcript("t", frags), get_preset("fr-tv"))
    weak = rules_for("fr").ends_weak
    for k, (first, last) in enumerate(result.built.fragments):
        assert last - first <= 1 or weak(frags[first].text.split()[-1]), result.cues[k]
        if last == first + 1 and not weak(frags[first].text.split()[-1]):   # one phrase per line
            assert result.cues[k].lines == (frags[first].text, frags[last].text)
    assert ("qui ne récupèrent rien du tout", "tu prends ce scénario") in [c.lines for c in result.cues]


def test_fixed_expressions_are_never_split_across_cues_when_avoidable():
    # the sample's "est-ce / que c'est sain", "parce / que", "en claquant / des doigts"
    text = ("Et la question que je me pose, est-ce que c'est sain pour tout le monde, parce que les "
            "investissements arrivent en claquant des doigts et que personne ne regarde vraiment les comptes.")
    t = Transcript("t", (Fragment(0, text, 1), Fragment(30_000, "Fin.", 2)))
    result = convert_transcript(t, get_preset("vertical"))
    joined = [" ".join(cue.lines) for cue in result.cues]
    lines = [line for cue in result.cues for line in cue.lines]
    for expression in ("est-ce que", "parce que", "en claquant des doigts"):
        assert any(expression in line for line in lines), (expression, lines)
    assert joined


def test_user_expressions_are_kept_whole():
    text = "On parle ce soir du nouveau Theodo Cloud Platform qui arrive enfin sur le marché européen."
    t = Transcript("t", (Fragment(0, text, 1), Fragment(30_000, "Fin.", 2)))
    preset = get_preset("vertical")   # 24 characters a line: "Theodo Cloud Platform" is 21
    plain = convert_transcript(t, preset)
    kept = convert_transcript(t, preset, expressions=["theodo cloud platform", "marché européen"])
    assert any("Theodo Cloud Platform" in line for cue in kept.cues for line in cue.lines)
    assert any("marché européen" in line for cue in kept.cues for line in cue.lines)
    assert shown_words(kept) == shown_words(plain)


def test_a_cue_that_cannot_meet_the_reading_speed_is_kept_and_reported():
    # 120 characters said in 2 seconds, then the next speech: no timing can make it readable
    text = "On va très vite parce que le temps presse et que nous avons énormément de choses à dire ce soir."
    t = Transcript("t", (Fragment(0, text, 1), Fragment(2000, "Fin.", 2), Fragment(2000, "Oui.", 3)))
    result = convert_transcript(t, get_preset("fr-tv"))
    assert shown_words(result) == spoken_words(t.fragments)
    fast = [m for m in result.report.misses if m.code is FindingCode.TOO_FAST]
    assert fast and fast[0].value > fast[0].limit and "speech runs" in fast[0].reason


def test_check_limits_reports_every_kind_of_miss():
    # (a single word longer than a line is allowed in a built cue, but it still misses the limit)
    preset = get_preset("fr-tv")
    cues = [Cue(0, 500, ("a" * 50,)), Cue(520, 9000, ("b", "c", "d")), Cue(8900, 9500, ("e",))]
    codes = {m.code for m in check_limits(cues, preset)}
    assert codes == {FindingCode.TOO_SHORT, FindingCode.TOO_FAST, FindingCode.GAP_TOO_SMALL,
                     FindingCode.TOO_MANY_LINES, FindingCode.TOO_LONG, FindingCode.OVERLAP,
                     FindingCode.LINE_TOO_LONG}


def test_lines_fit_the_preset_when_words_allow():
    text = " ".join(["mot"] * 60)
    result = convert_transcript(Transcript("t", (Fragment(0, text, 1), Fragment(30_000, "x", 2))),
                                get_preset("vertical"), lang="fr")
    assert all(fits(c.lines, 24, 2) for c in result.cues)
