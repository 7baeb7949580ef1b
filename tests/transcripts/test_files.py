"""Reading transcript files: speakers from voice tags or names, and every problem with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.transcripts import Cue, TranscriptFileError, read_transcript_file, render_webvtt
from server.transcripts.files import decode_text, parse_transcript
from tests.transcripts.conftest import BAD, HARBOUR_SRT, HARBOUR_VTT

HARBOUR_CUES = [
    (1000, 4500, "Wren Halloway", "Welcome to the Harbour Lights forum."),
    (
        5000,
        9250,
        "Tobiah Quell",
        "Thank you. Our reading room opened\nin the old ferry office & it is full every Saturday.",
    ),
    (9250, 12000, "Ines Marrow", "We lend tools as well as books."),
    (13000, 15000, None, "Applause."),
]


def _read(name: str, text: str) -> list[Cue]:
    return parse_transcript(Path(name), decode_text(Path(name), text.encode()))


def _problems(name: str, text: str) -> list[str]:
    with pytest.raises(TranscriptFileError) as caught:
        _read(name, text)
    return caught.value.lines()


def test_webvtt_voice_tags_name_the_speakers() -> None:
    file = read_transcript_file(HARBOUR_VTT)

    assert [(c.start_ms, c.end_ms, c.speaker, c.text) for c in file.cues] == HARBOUR_CUES
    assert [c.line for c in file.cues] == [6, 9, 13, 16]


def test_srt_cues_name_the_speaker_with_a_leading_name_and_colon() -> None:
    file = read_transcript_file(HARBOUR_SRT)

    assert [(c.start_ms, c.end_ms, c.speaker, c.text) for c in file.cues] == HARBOUR_CUES
    assert [c.line for c in file.cues] == [2, 6, 11, 15]


BAD_FILES = [
    pytest.param(
        "malformed-timestamp.vtt",
        6,
        "malformed end time '00:00:7.500' "
        "(expected hh:mm:ss.ttt or mm:ss.ttt, such as 00:01:02.500)",
        id="malformed timestamp",
    ),
    pytest.param(
        "overlapping.vtt",
        6,
        "the cue starts at 00:00:05.000, before the previous cue (line 3) ends at 00:00:06.000; "
        "cues must not overlap",
        id="overlapping cues",
    ),
    pytest.param(
        "zero-length.vtt",
        6,
        "the cue has no duration: it starts and ends at 00:00:04.000",
        id="zero-length cue",
    ),
    pytest.param(
        "backwards.srt",
        6,
        "the cue ends at 00:00:05.000, before it starts at 00:00:09.000",
        id="backwards cue",
    ),
    pytest.param(
        "negative.srt",
        2,
        "negative start time '-00:00:01,000': times count from the start of the recording",
        id="negative time",
    ),
    pytest.param(
        "latin1.vtt",
        4,
        "not UTF-8 text: byte 0xE9 (invalid continuation byte); save the file as UTF-8",
        id="wrong encoding",
    ),
    pytest.param("empty.vtt", 1, "the file is empty", id="empty file"),
]


@pytest.mark.parametrize(("name", "line", "reason"), BAD_FILES)
def test_a_bad_file_is_refused_naming_the_file_the_line_and_the_reason(
    name: str, line: int, reason: str
) -> None:
    path = BAD / name

    with pytest.raises(TranscriptFileError) as caught:
        read_transcript_file(path)

    assert caught.value.lines() == [f"{path}: {reason} (line {line})"]
    assert str(caught.value) == f"1 problem in {path}"


VTT = "WEBVTT\n\n"
HELLO = "00:00:01.000 --> 00:00:02.000\nHello.\n"

STRUCTURAL_PROBLEMS = [
    pytest.param(
        "a.vtt", HELLO, 1, "a WebVTT file must start with a 'WEBVTT' line", id="no header"
    ),
    pytest.param(
        "a.vtt",
        VTT + HELLO + "00:00:03.000 --> 00:00:04.000\nBye.\n",
        5,
        "'-->' outside a cue timing line: is a blank line missing before this cue",
        id="no blank line between cues",
    ),
    pytest.param(
        "a.vtt",
        VTT + HELLO + "\nand more\n",
        6,
        "text outside any cue",
        id="text outside cues",
    ),
    pytest.param(
        "a.vtt",
        VTT + "00:00:01.000 --> 00:00:02.000 colour:red\nHello.\n",
        3,
        "bad cue settings 'colour:red'",
        id="bad cue settings",
    ),
    pytest.param(
        "a.vtt",
        VTT + "00:00:01.000 --> 00:00:02.000\n<v Wren Halloway></v>\n",
        3,
        "the cue has no text",
        id="cue without text",
    ),
    pytest.param("a.vtt", VTT, 1, "the file has no cues", id="no cues"),
    pytest.param(
        "a.vtt",
        VTT + "00:00:05.000 --> 00:00:06.000\nLater.\n\n" + HELLO,
        6,
        "the cue starts at 00:00:01.000, before the previous cue (line 3) starts at 00:00:05.000",
        id="cues out of order",
    ),
    pytest.param(
        "a.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\nBye.\n",
        6,
        "expected the cue's timing line after its number",
        id="srt cue without timing",
    ),
    pytest.param(
        "a.srt",
        "1\n00:01.000 --> 00:00:02,000\nHello.\n",
        2,
        "malformed start time '00:01.000' (expected hh:mm:ss,ttt",
        id="webvtt time in srt",
    ),
    pytest.param(
        "a.txt", "Hello.\n", 1, "not a transcript file: the name must end in .vtt or .srt", id="txt"
    ),
]


@pytest.mark.parametrize(("name", "text", "line", "reason"), STRUCTURAL_PROBLEMS)
def test_structural_problems_name_their_line(name: str, text: str, line: int, reason: str) -> None:
    [problem] = _problems(name, text)

    assert problem.startswith(f"{name}: {reason}")
    assert problem.endswith(f"(line {line})")


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    text = (
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:02.000\nHello.\n\n"
        "00:00:03.000 --> 00:00:04\nBad end.\n\n"
        "00:00:05.000 --> 00:00:06.000\n"
    )

    assert [line.rsplit("(line ", 1)[1] for line in _problems("two.vtt", text)] == ["6)", "9)"]


def test_webvtt_markup_and_character_references_are_read_as_plain_text() -> None:
    [cue] = _read(
        "marked-up.vtt",
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
        "<v.loud Ines  &amp; Tobiah>Fish &lt;3   <b>chips</b></v>\n",
    )

    assert (cue.speaker, cue.text) == ("Ines & Tobiah", "Fish <3 chips")


@pytest.mark.parametrize(
    "first_line", ["Note:no space after the colon", "10:30 we start.", "https://example.org"]
)
def test_srt_text_that_only_looks_like_a_name_names_no_speaker(first_line: str) -> None:
    [cue] = _read("plain.srt", f"1\n00:00:01,000 --> 00:00:02,000\n{first_line}\n")

    assert (cue.speaker, cue.text) == (None, first_line)


def test_srt_formatting_tags_are_dropped() -> None:
    [cue] = _read("tags.srt", "1\n00:00:01,000 --> 00:00:02,000\n<i>Speaker 2: <b>Hello.</b></i>\n")

    assert (cue.speaker, cue.text) == ("Speaker 2", "Hello.")


def test_a_byte_order_mark_and_windows_line_ends_are_fine() -> None:
    data = HARBOUR_VTT.read_bytes().replace(b"\n", b"\r\n")
    text = decode_text(HARBOUR_VTT, b"\xef\xbb\xbf" + data)

    assert parse_transcript(HARBOUR_VTT, text) == list(read_transcript_file(HARBOUR_VTT).cues)


def test_canonical_webvtt_has_one_voice_tag_per_cue_and_reads_back_the_same() -> None:
    cues = list(read_transcript_file(HARBOUR_SRT).cues)

    text = render_webvtt(cues)

    assert text.startswith(
        "WEBVTT\n\n"
        "00:00:01.000 --> 00:00:04.500\n"
        "<v Wren Halloway>Welcome to the Harbour Lights forum.\n\n"
    )
    assert "in the old ferry office &amp; it is full every Saturday.\n" in text
    assert text.endswith("00:00:13.000 --> 00:00:15.000\nApplause.\n")
    assert _read("again.vtt", text) == cues


def test_a_webvtt_cue_id_is_kept_and_written_back() -> None:
    cues = list(read_transcript_file(HARBOUR_VTT).cues)

    text = render_webvtt(cues)

    assert [cue.id for cue in cues] == ["intro", None, None, None]
    assert text.startswith("WEBVTT\n\nintro\n00:00:01.000 --> 00:00:04.500\n<v Wren Halloway>")
    assert _read("again.vtt", text) == cues


def test_a_cue_id_longer_than_we_keep_is_named_with_its_line() -> None:
    with pytest.raises(TranscriptFileError) as raised:
        _read("long.vtt", f"WEBVTT\n\n{'x' * 201}\n00:00:01.000 --> 00:00:02.000\nHello.\n")

    assert raised.value.lines() == [
        "long.vtt: the cue's id is too long: 201 characters, at most 200 (line 4)"
    ]
