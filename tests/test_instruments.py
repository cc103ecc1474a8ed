"""Instruments: names, variants, anaphora, footnote identity, and what is not one."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.conftest import ROOT

from unkg import extract_text
from unkg.catalogue import Catalogue, Instrument, load_catalogue

DESIGN_KEYS = [
    "UN-CHARTER",
    "UDHR",
    "ICCPR",
    "ICCPR-OP1",
    "ICCPR-OP2",
    "ICESCR",
    "ICESCR-OP",
    "ICERD",
    "CEDAW",
    "CEDAW-OP",
    "CAT",
    "OPCAT",
    "CRC",
    "CRC-OPAC",
    "CRC-OPSC",
    "CRC-OPIC",
    "ICRMW",
    "CRPD",
    "CRPD-OP",
    "CPED",
    "UNTOC",
    "SMUGGLING-PROTOCOL",
    "TRAFFICKING-PROTOCOL",
    "FIREARMS-PROTOCOL",
    "UNCAC",
    "REFUGEE-CONVENTION",
    "REFUGEE-PROTOCOL",
    "STATELESSNESS-1954",
    "STATELESSNESS-1961",
    "GENOCIDE-CONVENTION",
    "GENEVA-CONVENTIONS",
    "ROME-STATUTE",
    "VCLT",
    "VCCR",
    "VCDR",
    "ILO-C29",
    "ILO-C97",
    "ILO-C105",
    "ILO-C138",
    "ILO-C143",
    "ILO-C182",
    "ILO-C189",
    "ILO-R151",
    "DDPA",
    "VDPA",
    "BPFA",
    "DRTD",
    "UNDRIP",
    "MILLENNIUM-DECLARATION",
    "AGENDA-2030",
    "GCM",
    "GCR",
    "NEW-YORK-DECLARATION",
    "ARSIWA",
    "REMEDY-PRINCIPLES",
]

ROWS = [
    # (text, expected targets, why)
    (
        "the International Convention for the Protection of the Rights of All Migrant Workers and Members of Their "
        "Families is a great advance",
        ["ICRMW"],
        "variant 'for the Protection' (A/58/275)",
    ),
    (
        "implementation of the Durban Declaration and Plan of Action of the World Conference against Racism",
        ["DDPA"],
        "misnamed DDPA (A/58/275)",
    ),
    (
        "the exchange she had with the members of the Committee on the Elimination of Discrimination against Women "
        "(CEDAW).",
        [],
        "a treaty body is not its treaty",
    ),
    (
        "the United Nations Convention against Transnational Organized Crime, as well as its additional protocols "
        "against the smuggling of migrants and trafficking in persons.",
        ["UNTOC", "SMUGGLING-PROTOCOL", "TRAFFICKING-PROTOCOL"],
        "protocols by subject after their parent (A/59/377)",
    ),
    (
        "the draft articles on responsibility of States for internationally wrongful acts submitted by the "
        "International Law Commission",
        ["ARSIWA"],
        "lower-case title (A/59/377)",
    ),
    (
        "Implement the policy options referred to in ILO Convention No. 143 and its accompanying Recommendation "
        "No. 151,",
        ["ILO-C143", "ILO-R151"],
        "ILO numbers (A/65/222)",
    ),
    ("ratify the Domestic Workers Convention, 2011 (No. 189)", ["ILO-C189"], "ILO title with number"),
    # the number without "No." (A/HRC/28/15), and no year read as one
    ("Ratify ILO Convention 189 concerning decent work for domestic workers", ["ILO-C189"], "ILO number, no 'No.'"),
    ("the ILO Convention 2011 on domestic work", [], "a year after 'ILO Convention' is no number"),
    (
        "the Convention on the Rights of Persons with Disabilities and the Optional Protocol thereto",
        ["CRPD", "CRPD-OP"],
        "the single optional protocol of the treaty just named",
    ),
    (
        "the International Covenant on Civil and Political Rights and the Second Optional Protocol thereto, aiming at "
        "the abolition of the death penalty",
        ["ICCPR", "ICCPR-OP2"],
        "protocol by subject",
    ),
    ("in conformity with the Charter and the principles of international law", ["UN-CHARTER"], "'the Charter'"),
    (
        "the Universal Declaration of Human Rights and the International Covenants on Human Rights",
        ["UDHR", "ICCPR", "ICESCR"],
        "the two Covenants together",
    ),
    (
        "The Conference of the Parties to the United Nations Framework Convention on Climate Change met.",
        [],
        "a body named after a treaty",
    ),
    ("the Comprehensive Nuclear-Test-Ban Treaty Organization", [], "an organization named after a treaty"),
    (
        "In 1973 the Paris Agreement on Viet-Nam was signed, as in 1945 and 1970.",
        [],
        "an instrument adopted after every year the text mentions",
    ),
    ("the definition of aggression is still debated", [], "a topic in lower case is not the 1974 Definition"),
    ("the Convention and the Covenant", [], "anaphora with nothing named before"),
]


@pytest.mark.parametrize(("text", "expected", "why"), ROWS, ids=[r[2] for r in ROWS])
def test_instrument_rows(text: str, expected: list[str], why: str) -> None:
    """Real sentences give exactly the instruments they name."""
    assert [c.target for c in extract_text(text).citations] == expected, why


def test_catalogue_has_every_design_key(catalogue: Catalogue) -> None:
    """Every instrument key fixed in DESIGN.md is catalogued with a name."""
    missing = [k for k in DESIGN_KEYS if k not in catalogue]
    assert not missing
    assert all(catalogue.get(k).name for k in DESIGN_KEYS)


def test_catalogue_treaty_series_facts(catalogue: Catalogue) -> None:
    """Treaty Series numbers of real footnotes resolve to their instruments."""
    assert catalogue.by_unts(2220, 39481) == ("ICRMW",)
    assert catalogue.by_unts(1577, 27531) == ("CRC",)
    assert catalogue.by_unts(2241, 39574) == ("SMUGGLING-PROTOCOL",)


def test_catalogue_adoption_lookup(catalogue: Catalogue) -> None:
    """An annex of an adopting resolution names one instrument."""
    assert catalogue.adopted_by("A/RES/55/25", "annex III") == ("SMUGGLING-PROTOCOL",)
    assert "UDHR" in catalogue.adopted_by("A/RES/217(III)")


def test_labels_are_unique(catalogue: Catalogue) -> None:
    """No name is shared by two instruments (a shared name would be a guess)."""
    from unkg.catalogue import normalise_label

    owner: dict[str, str] = {}
    for inst in catalogue.instruments.values():
        for label in inst.labels:
            assert owner.setdefault(normalise_label(label), inst.key) == inst.key, label


def test_new_alias_is_a_turtle_edit(tmp_path) -> None:
    """Adding an alias to the Turtle makes it found, with no code change."""
    ttl = (ROOT / "ontology" / "instruments.ttl").read_text(encoding="utf-8")
    ttl += '\n<https://w3id.org/unkg/instrument/ICRMW> <http://www.w3.org/2004/02/skos/core#altLabel> "Global Migrant Charter of Rights"@en .\n'
    path = tmp_path / "cat.ttl"
    path.write_text(ttl, encoding="utf-8")
    cat = load_catalogue(path)
    assert [c.target for c in extract_text("under the Global Migrant Charter of Rights", catalogue=cat).citations] == [
        "ICRMW"
    ]


def test_catalogue_from_instruments() -> None:
    """A catalogue can be built in code, for tests and other tools."""
    cat = Catalogue.from_instruments(
        [Instrument("X-1", "Convention on Testing", "convention", labels=("Convention on Testing",))]
    )
    found = extract_text("Recalling the Convention on Testing and reaffirming the Convention,", catalogue=cat)
    assert [(c.target, c.via) for c in found.citations] == [("X-1", None), ("X-1", "anaphor")]


@pytest.mark.parametrize(
    ("sentence", "target", "quote"),
    [
        ("Recalling the second Optional Protocol to the International Covenant on Civil and Political Rights,",
         "ICCPR-OP2", "second Optional Protocol to the International Covenant on Civil and Political Rights"),
        ("Recalling the Second\nOptional Protocol to the International Covenant on Civil and Political Rights,",
         "ICCPR-OP2", "Second\nOptional Protocol to the International Covenant on Civil and Political Rights"),
        ("Recalling the FIRST  Optional Protocol to the International Covenant on Civil and Political Rights,",
         "ICCPR-OP1", "FIRST  Optional Protocol to the International Covenant on Civil and Political Rights"),
        ("Recalling the Optional Protocol to the International Covenant on Civil and Political Rights,",
         "ICCPR-OP1", "Optional Protocol to the International Covenant on Civil and Political Rights"),
    ],
)  # fmt: skip
def test_an_ordinal_before_a_name_names_the_instrument(sentence: str, target: str, quote: str) -> None:
    """The word before a name is read for an ordinal ("second Optional Protocol"), in any case, across a line."""
    from unkg import extract_text

    assert [(c.target, c.text) for c in extract_text(sentence).citations] == [(target, quote)]


def _cue_words(cat: Catalogue, text: str) -> dict[str, list[int]]:
    """Where the scan of ``cat`` finds each cue word of ``text``, and where a search of the text for each finds
    it (the rule the scan stands for): both, as two dicts."""
    from unkg.cues import CUE_WORDS, Cues

    scanned = Cues()
    list(cat.scan(text, scanned))
    searched = Cues(text)
    return (
        {w: scanned.positions(w) for w in sorted(CUE_WORDS) if scanned.positions(w)},
        {w: searched.positions(w) for w in sorted(CUE_WORDS) if searched.positions(w)},
    )


@pytest.mark.parametrize(
    "text",
    [
        "the Domestic Workers Convention, 2011 (No. 189)",  # inside a catalogued name: the scan looks there too
        "the Code of Conduct for Law Enforcement Officials",  # "Official" and its plural, inside a name
        "United Nations, Treaty Series, vol. 2220, No. 39481",
        "Official Records of the General Assembly, Sixtieth Session",
        "President's statement PRST/8/1; SECURITY COUNCIL RESOLUTIONS 1 AND 2; DECISION 3",
        "the Officialdom, No.x, Seriesmaker, XPRST9",  # a letter after the word: not the word
        "Notes: no. 5, official records, the treaty series",  # another case: not the word
        "The General\nAssembly,\n\nRecalling ...\nNotes\n1 Footnotes; Endnotes",  # across a line; in a word
        "Distr.: General\nOriginal: English\nItem 5 of the agenda\nThe Sub-Commission on ...,\nDistribution",
        "Adopted by the Security Council; The Commission On Human Rights; Resolution 242; RESOLUTIONs",
    ],
)
def test_the_name_scan_finds_the_cue_words_a_search_would(text: str) -> None:
    """The cue words (``unkg.cues``) are found in the name pattern's pass where a search of the text for each
    finds them, also where a catalogued name holds one ("(No. 189)")."""
    scanned, searched = _cue_words(load_catalogue(), text)
    assert scanned == searched


def test_the_cue_words_on_random_texts() -> None:
    """Random texts of names, cue words, their near misses and separators: the scan's cue words are the
    searched ones, at the same places."""
    import random

    cat = load_catalogue()
    pieces = [
        "No.", "No", "Nos.", "Series", "Official", "Officials", "PRST", "RESOLUTION", "RESOLUTIONS", "DECISIONS",
        "Resolution", "Notes", "Footnotes", "The", "The General", "Assembly", "Security Council", "Distr", "Item",
        "Committee", "Adopted", "Original", "The Sub-Commission", "Convention", "Charter", "ICCPR",
        "Forced Labour Convention, 1930 (No. 29)",
        "Basic Principles on the Use of Force and Firearms by Law Enforcement Officials", "x", "s", "-", "/",
        ".", " ", "\n", "(", "9",
    ]  # fmt: skip
    rng = random.Random(11)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 12)))
        scanned, searched = _cue_words(cat, text)
        assert scanned == searched, text


def test_a_cue_word_a_name_may_end_inside_is_searched_for() -> None:
    """A name that ends inside a cue word ("... No" before "No."'s full stop) would hide it from the scan:
    such a word is searched for in the whole text, and a name holding one is looked into."""
    cat = Catalogue.from_instruments(
        [
            Instrument("X-1", "Protocol No", "protocol", labels=("Protocol No",)),
            Instrument("X-2", "Treaty Series Convention", "convention", labels=("Treaty Series Convention",)),
        ]
    )
    for text in ("the Protocol No. 5", "the Treaty Series Convention", "Treaty Series, vol. 5"):
        scanned, searched = _cue_words(cat, text)
        assert scanned == searched, text


def test_a_word_that_is_no_cue_word_is_refused() -> None:
    """Asking where a word stands that the scan does not look for is an error, not an empty answer."""
    from unkg.cues import Cues

    with pytest.raises(ValueError, match="no cue word"):
        Cues("Notes").positions("Note")


def test_the_cue_words_of_real_texts(dev_corpus: Path) -> None:
    """On the bundled sample and the dev corpus's texts as the readers give them (PDF, Word, HTML, plain
    text): the scan's cue words are the searched ones, at the same places."""
    from tests.conftest import SAMPLE

    from unkg.errors import SourceError
    from unkg.read import read

    cat = load_catalogue()
    texts = []
    for path in sorted(p for folder in (SAMPLE, dev_corpus) for p in folder.rglob("*") if p.is_file()):
        try:
            texts.append(read(str(path)).text)
        except SourceError:  # the dev corpus's legacy .doc
            continue
    assert len(texts) > 30
    for text in texts:
        scanned, searched = _cue_words(cat, text)
        assert scanned == searched


def test_an_instrument_later_than_the_text_as_the_plain_rule_says() -> None:
    """``_later_than_text`` reads the years of the 1900s only when it needs them; it answers as the plain rule on
    random texts: with
    three years or more, an instrument is later than the text when its year passes the greatest by more
    than DRAFT_YEARS."""
    import random

    from unkg.check import DRAFT_YEARS
    from unkg.cite import YEAR_RES, Context, _later_than_text
    from unkg.models import Source
    from unkg.structure import parse

    def plain(text: str, issued: str) -> bool:
        years = [int(y) for pattern in YEAR_RES for y in pattern.findall(text)]
        return len(years) >= 3 and int(issued[:4]) > max(years) + DRAFT_YEARS

    rng = random.Random(13)
    pieces = ["1948", "1973", "1995", "2001", "2015", "2019", "2030", "12019", "1.2015", " ", "x", "in "]
    cat = load_catalogue()
    for _ in range(3000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        ctx = Context(parse(Source("t", text, "x")), cat, [])
        cache: dict[str, int] = {}
        issued_dates = ["1945-06-26", "1966-12-16", "1989-11-20", "2000-01-01", "2015-12-12", "2023-06-19"]
        for issued in rng.sample(issued_dates, 3):
            assert _later_than_text(ctx, issued, cache) == plain(text, issued), (text, issued)


def test_a_document_built_without_cue_words_is_searched() -> None:
    """``cite`` on a Document made by hand (no cue words recorded): its finders search the text for them."""
    from unkg.cite import cite
    from unkg.models import Document, Source

    text = "See United Nations, Treaty Series, vol. 2220, No. 39481."
    document = Document(Source("x", text, "h"), None, None, (), (), (), ())
    assert [c.target for c in cite(document, load_catalogue())] == ["ICRMW"]
