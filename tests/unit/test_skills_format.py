"""skills.csv in the dataset format: the validator's problems with their places, loading into the
Dataset, the demo's skills, and the store keeping skills with each published version."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from techmap.dataformat.dataset import load_dataset
from techmap.dataformat.problems import DatasetError
from techmap.dataformat.skills_schema import SKILL_AREAS
from techmap.dataformat.validate import validate_path
from techmap.store.db import open_database
from techmap.store.publishing import PublishRefused, publish_folder
from techmap.store.reading import export_version, load_version

VALID = Path(__file__).resolve().parents[1] / "fixtures" / "validation" / "valid_dataset"
HEADER = "authority_code,skill_area,level,as_of,source,synthetic\n"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    out = tmp_path / "dataset"
    shutil.copytree(VALID, out)
    return out


def _write(folder: Path, body: str) -> Path:
    path = folder / "skills.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def test_the_published_list_has_twelve_areas_with_labels_and_descriptions() -> None:
    slugs = [a.slug for a in SKILL_AREAS]
    assert len(slugs) == len(set(slugs)) == 12
    assert {"cloud", "cyber-security", "digital-inclusion", "procurement-and-contract-management"} <= set(slugs)
    assert all(a.label and a.description.endswith(".") for a in SKILL_AREAS)


def test_a_dataset_without_skills_has_none(folder: Path) -> None:
    assert load_dataset(folder).skills is None


def test_valid_skills_load_typed(folder: Path) -> None:
    _write(folder, "E09000007,cloud,4,2026-09-30,demo,true\nLB Hackney,Cyber security,2,2026-09-30,survey,false\n")
    assert validate_path(folder) == []
    skills = load_dataset(folder).skills
    assert skills is not None
    assert skills[["authority_code", "skill_area", "level", "synthetic", "line"]].values.tolist() == [
        ["E09000007", "cloud", 4, True, 2], ["E09000012", "cyber-security", 2, False, 3]]


def test_every_bad_cell_is_named_with_file_line_column_value_and_reason(folder: Path) -> None:
    path = _write(folder, "\n".join([
        "E09000099,cloud,3,2026-09-30,demo,true",        # line 2: not a borough
        "E09000007,clowd,3,2026-09-30,demo,true",        # line 3: unknown area, with a suggestion
        "E09000007,data,6,2026-09-30,demo,true",         # line 4: level out of range
        "E09000007,networks,2.5,30/09/2026,nowhere,maybe",  # line 5: four bad cells
        "E09000007,cloud,2,2026-09-30,demo,true",        # line 6: fine
        "Camden,Cloud,5,2026-09-30,demo,true",           # line 7: the same pair as line 6
        ",service-design,3,2026-09-30,demo,true",        # line 8: blank borough
    ]) + "\n")
    found = {(p.line, p.column, p.value): p.reason for p in validate_path(folder)}
    label = str(path)
    assert all(p.file == label for p in validate_path(folder))
    assert "not a London borough" in found[(2, "authority_code", "E09000099")]
    assert "did you mean 'cloud'" in found[(3, "skill_area", "clowd")]
    assert found[(4, "level", "6")] == "not a whole number from 1 to 5"
    assert found[(5, "level", "2.5")] == "not a whole number from 1 to 5"
    assert found[(5, "as_of", "30/09/2026")] == "not a date; use YYYY-MM-DD"
    assert found[(5, "source", "nowhere")] == "not a key of the manifest's sources"
    assert found[(5, "synthetic", "maybe")] == "not true or false"
    assert "same borough and skill area as line 6" in found[(7, "skill_area", "Cloud")]
    assert "required" in found[(8, "authority_code", "")]
    assert len(found) == 9
    with pytest.raises(DatasetError):
        load_dataset(folder)


def test_a_missing_column_and_an_empty_file_are_errors(folder: Path) -> None:
    path = folder / "skills.csv"
    path.write_text("authority_code,skill_area,as_of,source,synthetic\n", encoding="utf-8")
    assert [str(p) for p in validate_path(folder)] == [
        f"{path}:1: level: '': required column is missing from the header"]
    path.write_text("", encoding="utf-8")
    assert "file is empty" in str(validate_path(folder)[0])


def test_the_demo_skills_are_synthetic_and_cover_most_pairs() -> None:
    skills = load_dataset(Path(__file__).resolve().parents[2] / "datasets" / "demo").skills
    assert skills is not None and skills["synthetic"].all()
    assert set(skills["level"]) == {1, 2, 3, 4, 5}
    assert 0.9 * 33 * 12 <= len(skills) < 33 * 12  # a few pairs not reported


def test_the_store_keeps_skills_with_each_version(database_url: str, folder: Path,
                                                  tmp_path: Path) -> None:
    _write(folder, "E09000007,cloud,4,2026-09-30,demo,true\n")
    database = open_database(database_url)
    publish_folder(database, folder, note="with skills", by="alice")
    loaded = load_version(database, 1)
    assert loaded.skills is not None
    pd.testing.assert_frame_equal(loaded.skills, load_dataset(folder).skills)
    export_version(database, tmp_path / "out", 1)
    assert (tmp_path / "out" / "skills.csv").read_bytes() == (folder / "skills.csv").read_bytes()
    # a changed level alone is a new version; a bad one is refused and nothing changes
    _write(folder, "E09000007,cloud,5,2026-09-30,demo,true\n")
    assert publish_folder(database, folder, note="up", by="alice").number == 2
    assert load_version(database).skills["level"].tolist() == [5]
    _write(folder, "E09000007,cloud,9,2026-09-30,demo,true\n")
    with pytest.raises(PublishRefused) as refused:
        publish_folder(database, folder, note="bad", by="alice")
    assert "level: '9': not a whole number from 1 to 5" in refused.value.checked.report
    assert load_version(database).version == 2


def test_the_data_dictionary_documents_skills() -> None:
    from techmap.dataformat.skills_schema import SKILL_COLUMNS

    readme = (Path(__file__).resolve().parents[2] / "datasets" / "README.md").read_text(encoding="utf-8")
    for column in SKILL_COLUMNS:
        assert f"| `{column.name}` | {'yes' if column.required else 'no'} | {column.kind} | {column.label} |" in readme
    for area in SKILL_AREAS:
        assert f"| `{area.slug}` | {area.label} | {area.description} |" in readme
    assert "never a\nnamed person" in readme or "never a named person" in readme
