"""unkg's own vocabulary as an rdflib namespace: ``UNKG.Document``, ``UNKG.symbol``.

One attribute per term of ``ontology/unkg-core.ttl``, each with its
``skos:definition`` as the comment. The Turtle file is the source; this
class is kept in step with it by hand, and ``tests/test_ontology.py`` fails
when a term or a definition differs. ``_fail = True``: a misspelt term is an
error, not a new IRI.

>>> UNKG.Document
rdflib.term.URIRef('https://w3id.org/unkg/ontology#Document')
>>> UNKG.Documnet
Traceback (most recent call last):
...
AttributeError: term 'Documnet' not in namespace 'https://w3id.org/unkg/ontology#'
"""

# ruff: noqa: N815  -- attribute names are the terms' local names, camelCase as in RDF

from __future__ import annotations

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class UNKG(DefinedNamespace):
    """The unkg core vocabulary, https://w3id.org/unkg/ontology#."""

    _NS = Namespace("https://w3id.org/unkg/ontology#")
    _fail = True

    # One line per term, its skos:definition as the comment (tests/test_ontology.py reads them).
    # fmt: off
    # Classes
    Decision: URIRef  # A decision adopted by an organ of the United Nations, such as General Assembly decision A/DEC/60/551.
    Document: URIRef  # A document of the United Nations, identified by its canonical document symbol (a resolution, decision, report, note or letter), or a text read by unkg whose own symbol could not be told.
    Instrument: URIRef  # An international instrument in the unkg catalogue (a charter, treaty, covenant, protocol, declaration, statute, programme of action, set of principles, recommendation or agreement), identified by a stable key such as ICCPR or CRC-OPAC.
    MetadataSource: URIRef  # A sidecar table or a file-name pattern that a user gave unkg to fill what a document's text leaves unsaid (its symbol, year, date, session, title, country); a source graph names with dcterms:source those it was built with, and a document those that gave it facts.
    Organ: URIRef  # A principal or subsidiary organ of the United Nations, whose document series a UN document belongs to.
    Paragraph: URIRef  # A paragraph of a resolution as unkg compares it with the paragraphs of the resolution's predecessor in its series: a preambular or operative paragraph with its sub-paragraphs, its text cleaned of page furniture and footnote markers; its IRI is its document's IRI, a hash sign and its label (op3, pp2).
    PresidentialStatement: URIRef  # A statement by the President of the Security Council made on behalf of the Council, such as S/PRST/2006/5.
    Resolution: URIRef  # A resolution adopted by an organ of the United Nations, such as General Assembly resolution A/RES/60/169 or Security Council resolution S/RES/1325(2000).
    RegistrySource: URIRef  # One source file of the unkg registry (a public dataset of facts about UN resolutions, decisions and drafts, such as the UN Digital Library's voting records), named by its file name; the registry graph names it with dcterms:source beside the facts taken from it.
    SourceFile: URIRef  # The content of one input file that unkg read, identified by the SHA-256 hash of its bytes: files with the same bytes are the same source file.
    SourceGraph: URIRef  # The named graph that holds everything unkg extracted from one source file; re-ingesting the file replaces it whole.

    # Organs (values of unkg:organ)
    CommissionOnHumanRights: URIRef  # The Commission on Human Rights, a functional commission of the Economic and Social Council until 2006; its documents have symbols beginning E/CN.4/.
    EconomicAndSocialCouncil: URIRef  # The Economic and Social Council of the United Nations; a document whose symbol begins E/ is counted as its own, unless it is of the Commission on Human Rights or its Sub-Commission.
    GeneralAssembly: URIRef  # The General Assembly of the United Nations; its documents have symbols beginning A/ (other than A/HRC/).
    HumanRightsCouncil: URIRef  # The Human Rights Council, a subsidiary organ of the General Assembly since 2006; its documents have symbols beginning A/HRC/.
    SecurityCouncil: URIRef  # The Security Council of the United Nations; its documents have symbols beginning S/.
    SubCommission: URIRef  # The Sub-Commission on the Promotion and Protection of Human Rights (before 1999 on Prevention of Discrimination and Protection of Minorities), a subsidiary body of the Commission on Human Rights; its documents have symbols beginning E/CN.4/Sub.2/.
    TrusteeshipCouncil: URIRef  # The Trusteeship Council of the United Nations; its documents have symbols beginning T/.

    # Properties
    abbreviation: URIRef  # An abbreviation that, written in a text, only ever means this instrument, such as ICCPR; the instrument finder matches it.
    adoptedBy: URIRef  # The canonical symbol of the resolution or decision that adopted an instrument or opened it for signature, such as A/RES/217(III).
    country: URIRef  # The Member State or other delegation whose statement a document records, as a sidecar or the file's name gives it (QAT for a general debate statement of Qatar).
    session: URIRef  # The session of the organ in which a document was issued or an act adopted (61 for A/RES/61/165), where its symbol tells it.
    meeting: URIRef  # The meeting at which an act was adopted, as the document states it (81st plenary meeting).
    agendaItem: URIRef  # The item of the organ's agenda under which a document was issued or an act adopted, as the document states it (67 (b)).
    committee: URIRef  # The Main Committee on whose report a General Assembly act was adopted (Third Committee), or the statement that it was adopted without reference to a Main Committee, as the document states it.
    adoptedOnReport: URIRef  # The report of a committee on which an act was adopted, as the act's heading names it ([on the report of the Third Committee (A/61/443/Add.2)]).
    adoptedOnDraft: URIRef  # The draft resolution or decision from which an act adopted without reference to a Main Committee was adopted ([without reference to a Main Committee (A/73/L.4)]).
    meetingRecord: URIRef  # The record of the meeting at which an act was adopted, as a document node of its symbol, such as A/78/PV.45 or S/PV.4213.
    votesInFavour: URIRef  # The number of members that voted in favour of adopting an act.
    votesAgainst: URIRef  # The number of members that voted against adopting an act.
    abstentions: URIRef  # The number of members that abstained in the vote adopting an act.
    recordedVote: URIRef  # Whether an act was adopted by a recorded vote (true) or without one (false).
    adoptingAct: URIRef  # The node of the resolution or decision that adopted an instrument: the IRI derived from unkg:adoptedBy, added when the catalogue is loaded into the store.
    adoptedByPinpoint: URIRef  # Where in the adopting resolution the instrument is, such as annex, annex II or part A.
    ambiguousAbbreviation: URIRef  # An abbreviation of an instrument that also names something else (a treaty body, a document-symbol prefix); it is recorded but never matched.
    encoding: URIRef  # The character encoding the bytes of a source file were decoded with, such as utf-8 or cp1252.
    entryIntoForce: URIRef  # The date on which an instrument entered into force.
    extractorVersion: URIRef  # The version of the unkg extractor that produced a source graph.
    footnote: URIRef  # The label of the footnote whose text holds a citation, such as fn6.
    instrumentType: URIRef  # The type of an instrument, one of charter, convention, covenant, protocol, declaration, statute, programme, principles, recommendation, agreement; also the noun by which an anaphor refers to it.
    kind: URIRef  # What sort of work the extractor took the cited target to be: resolution, decision, statement, document or instrument.
    organ: URIRef  # The organ of the United Nations whose document series a document belongs to; for a resolution or decision, the organ that adopted it.
    page: URIRef  # The 1-based page of a paged source (a PDF) on which a citation's text begins.
    paragraph: URIRef  # The label of the paragraph of the citing document that holds a citation: pp3 for the third preambular paragraph, op2 for operative paragraph 2, 68 for a report's numbered paragraph, p4 for the fourth unnumbered block; for a citation in a footnote, the paragraph that carries the footnote's marker.
    path: URIRef  # The normalised absolute path of the file a source file or a source graph was read from, or - for standard input.
    pinpoint: URIRef  # The part of the cited work a citation points to, kept out of the target's symbol: annex, annex I, part A, paras. 15-16.
    recalls: URIRef  # The citing document recalls or reaffirms the cited work ("Recalling its resolution 60/169"): the edge along which the lineage of a series of acts is traced.
    sha256: URIRef  # The SHA-256 hash of the bytes of a file, as 64 lower-case hexadecimal digits.
    subjectLabel: URIRef  # The subject by which a protocol is cited after its parent treaty has been named, such as abolition of the death penalty.
    symbol: URIRef  # The canonical symbol of a UN document, as the UN's document system and undocs.org write it, with no spaces: A/RES/60/169, E/CN.4/2003/85/Add.2, S/RES/1325(2000).
    untsNumber: URIRef  # The registration number of an instrument in the United Nations Treaty Series.
    untsVolume: URIRef  # The volume of the United Nations Treaty Series in which an instrument is published.
    verb: URIRef  # The function of a citation as the citing text states it, normalised from the verb that opens its paragraph: recalls, reaffirms, welcomes, takes note of, urges ratification of.
    via: URIRef  # What identified the target of a citation when the quoted text alone did not, such as a footnote's Treaty Series entry or an anaphor resolved to an instrument named earlier.
    year: URIRef  # The year a resolution or decision was adopted, where its symbol tells it: the year in a Security Council resolution's symbol, the year of an Economic and Social Council or Commission act, 1945 plus the session of a General Assembly act from the 31st session on (such an act may also fall early in the following year). For a document whose symbol tells none, the year a sidecar or the file's name gives (unkg:MetadataSource).
    position: URIRef  # The 1-based place of a paragraph among the paragraphs of its document, preambular and operative counted together.
    textHash: URIRef  # The SHA-256 hash of a paragraph's cleaned text (UTF-8), as 64 lower-case hexadecimal digits: paragraphs with the same words have the same hash.
    change: URIRef  # How a paragraph came from its predecessor's text: on a revision, unchanged (the same words), edited (the words changed) or moved (out of the order of the other paragraphs); on a paragraph, new (no paragraph of the predecessor derives into it).
    similarity: URIRef  # How alike the cleaned texts of a paragraph and the paragraph it was revised from are, from 0 to 1 (1: the same words), as the alignment method measured it.
    dropped: URIRef  # A paragraph of the earlier resolution that the alignment found no successor for in the later one.
    succeeds: URIRef  # The resolution is the next member of a series after the other one among the texts the store holds (the registry's series, the same title, or its own text naming it as its predecessor); its paragraphs were aligned with the other's.
    alignmentMethod: URIRef  # The scoring method and threshold with which an alignment paired the paragraphs of two texts, such as rapidfuzz >= 0.55.
    # fmt: on
