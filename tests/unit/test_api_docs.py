"""Every example call in docs/api.md, and in the README's "Open data API" section, returns what
the document says it returns.

An example is a ```sh block with one curl command, followed by a line
    Returns `STATUS`; FACT; FACT; ...
where each FACT is one of
    `json.path` is `JSON value`     `json.path` contains `text`     `json.path` starts with `text`
    `len(json.path)` is `N`         header `Name` is / contains / starts with `text`
    the first line is `text`        the first line starts with `text`   (of the body, for CSV)
A path is dotted with [n] for list items (`data[0].code`). Every clause must be one of these, so the
document cannot state something this test does not check. The calls run against the demo
dataset through Flask's test client, on a private instance, as `python app.py` serves it.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from techmap.dataformat.dataset import DEMO_DATASET
from tests.unit.test_api import api_client, instance
from web import api

ROOT = Path(__file__).resolve().parent.parent.parent
DOC = ROOT / "docs" / "api.md"
README = ROOT / "README.md"
BASE = "http://127.0.0.1:8050"
_EXAMPLE = re.compile(r"```sh\n(?P<command>[^`]*?)\n```\s*\n(?P<returns>[^\n]*)")
_FACTS = [
    ("status", re.compile(r"^Returns `(?P<status>\d{3})`$")),
    ("length", re.compile(r"^`len\((?P<path>[^`]+)\)` is `(?P<value>\d+)`$")),
    ("json", re.compile(r"^`(?P<path>[^`]+)` (?P<op>is|contains|starts with) `(?P<value>[^`]*)`$")),
    ("header", re.compile(r"^header `(?P<name>[^`]+)` (?P<op>is|contains|starts with) `(?P<value>[^`]*)`$")),
    ("first_line", re.compile(r"^the first line (?P<op>is|starts with) `(?P<value>[^`]*)`$")),
]


@dataclass
class Example:
    command: str
    method: str
    path: str
    headers: dict[str, str]
    facts: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def __str__(self) -> str:
        return self.command


def parse_command(command: str) -> tuple[str, str, dict[str, str]]:
    """(method, path with query, headers) of `curl [-s] [-i] [-X M] [-H 'K: V'] 'URL'`."""
    words = shlex.split(command)
    assert words[0] == "curl", f"not a curl command: {command}"
    method, headers, url = "GET", {}, None
    i = 1
    while i < len(words):
        word = words[i]
        if word in ("-s", "-i", "--silent", "--include"):
            pass
        elif word in ("-X", "--request"):
            i += 1
            method = words[i]
        elif word in ("-H", "--header"):
            i += 1
            name, _, value = words[i].partition(":")
            headers[name.strip()] = value.strip()
        elif word.startswith("-"):
            raise AssertionError(f"unsupported curl option {word} in: {command}")
        else:
            assert url is None, f"two URLs in: {command}"
            url = word
        i += 1
    assert url and url.startswith(BASE + "/api/v1/"), f"examples call {BASE}/api/v1/...: {command}"
    parts = urlsplit(url)
    return method, parts.path + (f"?{parts.query}" if parts.query else ""), headers


def parse_examples(text: str) -> list[Example]:
    examples = []
    for match in _EXAMPLE.finditer(text):
        command = match["command"].strip()
        assert "\n" not in command, f"one command per example: {command}"
        method, path, headers = parse_command(command)
        example = Example(command, method, path, headers)
        returns = match["returns"].strip().rstrip(".")
        assert returns.startswith("Returns `"), f"no 'Returns ...' line under: {command}"
        for clause in (c.strip() for c in returns.split("; ")):
            for kind, pattern in _FACTS:
                found = pattern.match(clause)
                if found:
                    example.facts.append((kind, found.groupdict()))
                    break
            else:
                raise AssertionError(f"cannot check the statement {clause!r} under: {command}")
        assert example.facts[0][0] == "status", f"the status comes first: {command}"
        examples.append(example)
    return examples


def resolve(document: Any, path: str) -> Any:
    """`data[0].code` in a parsed JSON document."""
    value = document
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        if part.startswith("["):
            value = value[int(part[1:-1])]
        else:
            value = value[part]
    return value


def compare(actual: Any, op: str, expected: str, where: str) -> None:
    if op == "is":
        assert actual == expected, f"{where}: {actual!r} is not {expected!r}"
    elif op == "contains":
        assert expected in actual, f"{where}: {actual!r} does not contain {expected!r}"
    else:
        assert str(actual).startswith(expected), f"{where}: {actual!r} does not start with {expected!r}"


def check(example: Example, response: TestResponse) -> None:
    body = response.get_data(as_text=True)
    for kind, fact in example.facts:
        if kind == "status":
            assert response.status_code == int(fact["status"]), (
                f"{example}: status {response.status_code}: {body[:300]}")
        elif kind == "length":
            assert len(resolve(json.loads(body), fact["path"])) == int(fact["value"]), example
        elif kind == "json":
            actual = resolve(json.loads(body), fact["path"])
            expected = json.loads(fact["value"]) if fact["op"] == "is" else fact["value"]
            if fact["op"] == "is":
                assert actual == expected, f"{example}: {fact['path']} is {actual!r}, not {expected!r}"
            else:
                compare(actual, fact["op"], expected, f"{example}: {fact['path']}")
        elif kind == "header":
            actual = response.headers.get(fact["name"])
            assert actual is not None, f"{example}: no {fact['name']} header"
            compare(actual, fact["op"], fact["value"], f"{example}: header {fact['name']}")
        else:
            compare(body.splitlines()[0], fact["op"], fact["value"], f"{example}: the first line")


EXAMPLES = parse_examples(DOC.read_text(encoding="utf-8"))


def readme_section(text: str) -> str:
    """The README's "## Open data API" section, up to the next heading of its level."""
    start = text.index("\n## Open data API\n")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


README_EXAMPLES = parse_examples(readme_section(README.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def client() -> Iterator[FlaskClient]:
    with pytest.MonkeyPatch.context() as monkeypatch, instance(monkeypatch, public=False, dataset=DEMO_DATASET):
        yield api_client()


def test_the_document_has_an_example_for_every_endpoint() -> None:
    paths = {urlsplit(e.path).path for e in EXAMPLES}
    assert set(api.ENDPOINTS.values()) | {"/api/v1/"} <= paths
    assert len(EXAMPLES) >= 25
    assert {e.facts[0][1]["status"] for e in EXAMPLES} >= {"200", "400", "404", "405"}


def test_every_curl_command_in_the_document_is_an_example() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert text.count("curl ") == len(EXAMPLES)


def test_every_curl_command_in_the_readme_is_an_example_with_its_result() -> None:
    """The README's API examples are checked like the document's; none is left unstated."""
    text = README.read_text(encoding="utf-8")
    section = readme_section(text)
    assert section.count("curl ") == len(README_EXAMPLES) >= 5
    # every call of the API anywhere in the README is one of them
    calls = re.findall(r"curl [^\n]*/api/v1/[^\n]*", text)
    assert sorted(calls) == sorted(e.command for e in README_EXAMPLES)
    for example in README_EXAMPLES:
        kinds = [(kind, fact.get("name"), fact.get("path")) for kind, fact in example.facts]
        assert ("header", "Content-Type", None) in kinds, f"say the content type: {example}"
        if example.facts[0][1]["status"].startswith("4"):
            assert ("json", None, "error.message") in kinds, f"say the error message: {example}"
        else:
            assert len(kinds) >= 3, f"say what the answer holds, not only its status: {example}"


@pytest.mark.parametrize("example", [*EXAMPLES, *README_EXAMPLES],
                         ids=[f"api.md {e.path}" for e in EXAMPLES] + [f"README {e.path}" for e in README_EXAMPLES])
def test_documented_example_returns_what_it_says(client: FlaskClient, example: Example) -> None:
    """Every example of docs/api.md and of the README."""
    response = client.open(example.path, method=example.method, headers=example.headers)
    check(example, response)


def test_the_documented_contract_fields_are_the_records_fields() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = text.split("Each record has these fields:", 1)[1].split("\n\n", 2)[1]
    documented = re.findall(r"^\| `(\w+)` \|", table, flags=re.MULTILINE)
    assert documented == [f.name for f in api.contract_fields(public=False)]


def test_the_checker_catches_a_wrong_statement(client: FlaskClient) -> None:
    [example] = parse_examples("```sh\ncurl -s 'http://127.0.0.1:8050/api/v1/authorities'\n```\n\n"
                               "Returns `200`; `meta.total` is `32`.\n")
    with pytest.raises(AssertionError):
        check(example, client.get(example.path))
    with pytest.raises(AssertionError, match="cannot check"):
        parse_examples("```sh\ncurl -s 'http://127.0.0.1:8050/api/v1/'\n```\n\nReturns `200`; it is fast.\n")
    [csv_example] = parse_examples("```sh\ncurl -s 'http://127.0.0.1:8050/api/v1/authorities?format=csv'\n```\n"
                                   "Returns `200`; the first line starts with `name,code`.\n")
    with pytest.raises(AssertionError, match="the first line"):
        check(csv_example, client.get(csv_example.path))
    [error] = parse_examples("```sh\ncurl -s 'http://127.0.0.1:8050/api/v1/contracts?ends_from=x'\n```\n"
                             "Returns `400`; `error.message` is `\"ends_from must be a date\"`.\n")
    with pytest.raises(AssertionError, match="error.message"):
        check(error, client.get(error.path))
