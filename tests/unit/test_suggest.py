"""Cluster suggestions and "similar note already posted" hints, as a facilitator would see them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from workshop import suggest
from workshop.suggest import (
    DUPLICATE_THRESHOLD,
    ProposedCluster,
    SuggestNote,
    Theme,
    cluster_labels,
    similar_notes,
    suggest_clusters,
    suggest_csv,
)
from workshop.suggest_text import analyse, fold

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "suggest-sample.csv"


def notes_of(*texts: str, viewpoint: int | None = None) -> list[SuggestNote]:
    return [SuggestNote(f"n{i}", text, viewpoint) for i, text in enumerate(texts, 1)]


def proposal_with(proposals: list[ProposedCluster], note_id: str) -> ProposedCluster | None:
    return next((p for p in proposals if note_id in p.note_ids), None)


UNRELATED = (
    "Parkeren bij het stadhuis is lastig",
    "De koffie in de kantine is koud",
    "Archiefdozen staan nog op zolder",
    "Wethouder wil snel resultaat zien voor de verkiezingen",
    "Het nieuwe intranet heeft een zoekfunctie die niets vindt",
    "Vakantieplanning van het team is nog niet rond",
)


def test_normalising_folds_case_accents_and_punctuation() -> None:
    assert fold("Één CLOUD-leverancier, graag!!") == "een cloud leverancier graag"
    assert fold("coördinatie café") == "coordinatie cafe"


def test_duplicates_despite_case_accents_and_punctuation_come_first() -> None:
    notes = notes_of(
        "Wie is eigenaar van de data in de cloud?",
        "Persoonsgegevens van inwoners bij een buitenlandse leverancier",
        "wie is eigenaar van de DATA in de cloud",
        "Persoonsgegevens van inwoners belanden bij een leverancier buiten Europa",
        "Parkeren bij het stadhuis is lastig",
        "Wíe is eigenaar   van de data in de cloud!!!",
    )
    proposals = suggest_clusters(notes)
    assert proposals[0].kind == "duplicates"
    assert set(proposals[0].note_ids) == {"n1", "n3", "n6"}
    assert proposals[0].score >= DUPLICATE_THRESHOLD
    assert proposal_with(proposals, "n5") is None


def test_compound_matches_its_head_word() -> None:
    notes = notes_of(
        "Onze huisleverancier bepaalt het tempo van elke wijziging",
        "Wat als de leverancier failliet gaat?",
        *UNRELATED,
    )
    proposals = suggest_clusters(notes)
    together = proposal_with(proposals, "n1")
    assert together is not None and set(together.note_ids) == {"n1", "n2"}
    hints = similar_notes("Een huisleverancier kiezen", notes[1:], threshold=0.1)
    assert hints and hints[0][0] == "n2"


def test_unrelated_notes_are_not_grouped() -> None:
    assert suggest_clusters(notes_of(*UNRELATED)) == []
    labels = cluster_labels(notes_of(*UNRELATED))
    assert labels == {f"n{i}": f"_n{i}" for i in range(1, len(UNRELATED) + 1)}


def test_similar_notes_form_a_titled_group() -> None:
    notes = notes_of(
        "Kennis van systeembeheer verdwijnt als beheer naar de cloud gaat",
        "Systeembeheerders vrezen voor hun baan",
        "Wat doen we met de kennis van onze systeembeheerders?",
        *UNRELATED,
    )
    proposals = suggest_clusters(notes)
    assert len(proposals) == 1
    (group,) = proposals
    assert group.kind == "similar"
    assert set(group.note_ids) == {"n1", "n2", "n3"}
    assert 0 < group.score <= 1
    assert group.title.startswith("Systeembeheerders") or "kennis" in group.title.lower()
    assert 1 <= len(group.title.split(", ")) <= 3


def test_each_note_is_proposed_at_most_once_and_groups_have_two_notes() -> None:
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    notes = [SuggestNote(r["id"], r["text"]) for r in rows]
    proposals = suggest_clusters(notes)
    ids = [note_id for p in proposals for note_id in p.note_ids]
    assert len(ids) == len(set(ids))
    assert all(len(p.note_ids) >= 2 for p in proposals)
    kinds = [p.kind for p in proposals]
    assert kinds == sorted(kinds, key=["duplicates", "theme", "similar"].index)
    # the hand-written near-duplicates in the sample are found as such
    duplicates = {frozenset(p.note_ids) for p in proposals if p.kind == "duplicates"}
    assert {frozenset({"e22", "e37"}), frozenset({"e33", "e36"})} <= duplicates


def test_per_viewpoint_never_mixes_viewpoints() -> None:
    text = "De leverancier bepaalt de prijs van de opslag"
    notes = [
        SuggestNote("a1", text, 1),
        SuggestNote("b1", text.upper(), 2),
        SuggestNote("a2", "De prijs van opslag bepaalt de leverancier", 1),
        SuggestNote("b2", "Opslagprijs wordt door de leverancier bepaald", 2),
        SuggestNote("c1", "Leverancier bepaalt de prijs van opslag", None),
    ]
    viewpoint = {n.id: n.viewpoint_id for n in notes}
    mixed = suggest_clusters(notes)
    assert any(len({viewpoint[i] for i in p.note_ids}) > 1 for p in mixed)
    themes = [Theme("Kosten", ("prijs",))]
    for proposals in (
        suggest_clusters(notes, per_viewpoint=True),
        suggest_clusters(notes, themes, per_viewpoint=True),
    ):
        assert proposals
        for proposal in proposals:
            assert len({viewpoint[i] for i in proposal.note_ids}) == 1, proposal
    labels = cluster_labels(notes, per_viewpoint=True)
    assert labels["a1"] != labels["b1"]


def test_themes_pull_notes_with_their_keywords() -> None:
    notes = notes_of(
        "Het budget voor licenties is te krap",
        "Prijsstijgingen van de leverancier zijn niet te voorspellen",
        "Wie beheert straks de servers?",
        "Migratie in één keer is riskant",
        "De hele migratie tegelijk doen kan misgaan",
        *UNRELATED[:3],
    )
    themes = [
        Theme("Kosten", ("budget", "prijs")),
        Theme("Personeel", ("systeembeheerder", "beheer")),
        Theme("Lege thema", ("blockchain",)),
    ]
    proposals = suggest_clusters(notes, themes)
    by_title = {p.title: p for p in proposals if p.kind == "theme"}
    assert set(by_title) == {"Kosten", "Personeel"}
    assert set(by_title["Kosten"].note_ids) == {"n1", "n2"}  # "prijs" inside "prijsstijgingen"
    assert by_title["Personeel"].note_ids == ("n3",)  # a theme may get a single note
    assert all(0 < p.score <= 1 for p in proposals)
    migration = proposal_with(proposals, "n4")
    assert migration is not None and migration.kind == "similar"
    assert set(migration.note_ids) == {"n4", "n5"}
    # without themes the keyword notes are not grouped by accident
    assert proposal_with(suggest_clusters(notes), "n3") is None


def test_theme_name_counts_as_a_keyword() -> None:
    notes = notes_of("Privacy van inwoners staat onder druk", *UNRELATED[:2])
    proposals = suggest_clusters(notes, [Theme("Privacy")])
    assert proposals == [ProposedCluster("Privacy", ("n1",), "theme", proposals[0].score)]


def test_suggestions_are_deterministic() -> None:
    with SAMPLE.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    viewpoints = sorted({r["viewpoint"] for r in rows})
    notes = [SuggestNote(r["id"], r["text"], viewpoints.index(r["viewpoint"])) for r in rows]
    themes = [Theme("Subsidie", ("subsidie", "regeling")), Theme("Netcongestie", ("stroomnet",))]
    first = suggest_clusters(notes, themes, per_viewpoint=True)
    assert first == suggest_clusters(list(notes), themes, per_viewpoint=True)
    assert cluster_labels(notes) == cluster_labels(notes)


def test_similar_notes_hints_the_near_duplicate_only() -> None:
    candidates = notes_of(
        "Storing bij de leverancier legt alle loketten plat",
        "Wie is eigenaar van de data in de cloud?",
        *UNRELATED,
    )
    hints = similar_notes("wie is de eigenaar van data in de cloud", candidates)
    assert [note_id for note_id, _ in hints] == ["n2"]
    assert hints[0][1] >= DUPLICATE_THRESHOLD
    assert similar_notes("Het weer is mooi vandaag", candidates) == []
    assert similar_notes("", candidates) == []
    assert similar_notes("data", []) == []


def test_similar_notes_orders_best_first_and_respects_limit() -> None:
    candidates = notes_of(
        "Data in de cloud",
        "Eigenaar van de data in de cloud",
        "Wie is eigenaar van de data in de cloud?",
    )
    hints = similar_notes("Wie is eigenaar van data in de cloud", candidates, threshold=0.1)
    # "wie", "is", "van", "de", "in" are stop words: n2 and n3 say the same, n1 less
    assert [note_id for note_id, _ in hints] == ["n2", "n3", "n1"]
    assert hints[0][1] == hints[1][1] == 1.0 > hints[2][1]
    assert len(similar_notes("data cloud", candidates, limit=1, threshold=0.0)) == 1


def test_similar_notes_reuses_the_candidates_vectors() -> None:
    candidates = notes_of(*UNRELATED)
    suggest._candidate_model.cache_clear()
    similar_notes("koffie", candidates)
    similar_notes("koffie in de kantine", candidates)
    info = suggest._candidate_model.cache_info()
    assert (info.misses, info.hits) == (1, 1)


def test_english_notes_work_too() -> None:
    notes = notes_of(
        "Onboarding new colleagues remotely takes much longer",
        "Onboarding new colleagues remotely takes far longer!",
        "People feel lonely and miss informal contact",
        "Working alone at home all week feels lonely",
        "The coffee machine is broken",
        "Our release calendar moved to Thursdays",
    )
    assert analyse(notes[2].text).language == "en"
    proposals = suggest_clusters(notes)
    assert proposals[0].kind == "duplicates"
    assert set(proposals[0].note_ids) == {"n1", "n2"}
    lonely = proposal_with(proposals, "n3")
    assert lonely is not None and set(lonely.note_ids) == {"n3", "n4"}
    assert "lonely" in lonely.title.lower()
    assert proposal_with(proposals, "n5") is None
    assert similar_notes("onboarding new colleagues remotely takes longer", notes)[0][0] in {
        "n1",
        "n2",
    }


def test_notes_without_content_words_are_left_alone() -> None:
    notes = notes_of("Wat nu?", "En dan?", "!!!")
    assert suggest_clusters(notes) == []
    assert suggest_clusters([]) == []
    assert cluster_labels([SuggestNote("x", "Alleen")]) == {"x": "_x"}


def test_suggest_csv_round_trip(tmp_path: Path) -> None:
    source = tmp_path / "notes.csv"
    source.write_text(
        "\ufeffid,viewpoint,text\n"
        "a,1,Wie is eigenaar van de data in de cloud?\n"
        'b,2,"wie is eigenaar van de DATA, in de cloud"\n'
        "c,1,Parkeren bij het stadhuis is lastig\n",
        encoding="utf-8",
    )
    output = io.StringIO()
    suggest_csv(str(source), output)
    rows = list(csv.reader(io.StringIO(output.getvalue())))
    assert rows[0] == ["id", "cluster"]
    assert [row[0] for row in rows[1:]] == ["a", "b", "c"]
    labels = dict(rows[1:])
    assert labels["a"] == labels["b"] != labels["c"] == "_c"


def test_suggest_csv_rejects_a_file_without_id_and_text(tmp_path: Path) -> None:
    source = tmp_path / "bad.csv"
    source.write_text("nummer,notitie\n1,Iets\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'id' and 'text'"):
        suggest_csv(str(source), io.StringIO())
    twice = tmp_path / "twice.csv"
    twice.write_text("id,text\n1,Iets\n1,Anders\n", encoding="utf-8")
    with pytest.raises(ValueError, match="twice"):
        suggest_csv(str(twice), io.StringIO())
