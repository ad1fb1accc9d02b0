"""Cue building: no word lost, added or reordered; cues sorted and apart; cuts where the
language allows; dialogue dashes for two speakers; limits that cannot be met are reported."""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from captions.linebreak import fits
from captions.model import Cue, Fragment, Transcript
from captions.convert import convert_transcript
from captions.presets import PRESETS, SpeedUnit, get_preset
from captions.convert import check_limits
from captions.findings import FindingCode
from captions.typography import NNBSP


def cue_words(cues) -> list[str]:
    """The words shown, in order (dialogue dashes and French narrow spaces taken out)."""
    out = []
    for cue in cues:
        lines = cue.lines
        if len(lines) > 1 and all(line.startswith("- ") for line in lines):
            lines = tuple(line[2:] for line in lines)
        out.extend(" ".join(lines).replace(f"{NNBSP}", " ").split())
    return out


def transcript_words(transcript) -> list[str]:
    return " ".join(f.text for f in transcript.fragments).replace(NNBSP, " ").split()


_WORD = st.sampled_from("le la un chat 30 milliards Jensen Huang et mais dans l'IA d'Anthropic ça va ? ! : ; "
                        "« » Bonsoir. tous, soir. x supercalifragilistique 19h30 &".split() + ["oui\u00a0!", "déjà\u202f?"])


@st.composite
def transcripts(draw):
    count = draw(st.integers(1, 30))
    t, frags = 0, []
    for i in range(count):
        t += draw(st.sampled_from([0, 0, 1000, 1000, 2000, 3000, 15_000]))
        words = draw(st.lists(_WORD, min_size=1, max_size=18))
        speaker = draw(st.sampled_from([None, None, "A", "B"]))
        frags.append(Fragment(t, " ".join(words), i + 1, speaker=speaker))
    return Transcript("<test>", tuple(frags))


@given(transcripts(), st.sampled_from(sorted(PRESETS)), st.booleans())
@settings(max_examples=60, deadline=None)
def test_cue_building_keeps_every_word_in_order_and_cues_apart(transcript, preset_name, typography):
    preset = get_preset(preset_name)
    result = convert_transcript(transcript, preset, lang="fr", typography=typography)
    assert cue_words(result.cues) == transcript_words(transcript)
    for cue in result.cues:
        assert cue.start_ms < cue.end_ms
    for a, b in zip(result.cues, result.cues[1:]):
        assert a.end_ms + preset.min_gap_ms <= b.start_ms
    # every limit missed is in the report, and nothing else
    reported = Counter((m.code, m.cue) for m in result.report.misses if m.code in _LIMITS)
    assert reported == limits_missed(result.cues, preset)


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


def test_a_pause_always_ends_a_cue():
    t = Transcript("t", (Fragment(0, "Bonsoir", 1), Fragment(20_000, "à tous.", 2)))
    result = convert_transcript(t, get_preset("fr-tv"))
    assert [c.text for c in result.cues] == ["Bonsoir", "à tous."]
    assert result.cues[0].end_ms < 3000        # never stretched over the silence


def test_two_speakers_in_one_cue_get_dialogue_dashes():
    t = Transcript("t", (Fragment(0, "Tu viens ce soir ?", 1, speaker="Anna"),
                         Fragment(0, "Oui, bien sûr.", 2, speaker="Marc"),
                         Fragment(2000, "Alors à tout à l'heure, on se retrouve devant le cinéma.", 3,
                                  speaker="Anna")))
    result = convert_transcript(t, get_preset("fr-tv"))
    # alone, "Oui, bien sûr." would have 0.65 s: under the minimum duration
    assert result.cues[0].lines == (f"- Tu viens ce soir{NNBSP}?", "- Oui, bien sûr.")


def test_a_cue_that_cannot_meet_the_reading_speed_is_kept_and_reported():
    # 120 characters said in 2 seconds, then the next speech: no timing can make it readable
    text = "On va très vite parce que le temps presse et que nous avons énormément de choses à dire ce soir."
    t = Transcript("t", (Fragment(0, text, 1), Fragment(2000, "Fin.", 2), Fragment(2000, "Oui.", 3)))
    result = convert_transcript(t, get_preset("fr-tv"))
    assert cue_words(result.cues) == transcript_words(t)
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
