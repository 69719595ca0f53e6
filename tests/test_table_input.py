"""Tables as users write them: quoted cells, byte order marks, broken cells and bytes, names beyond ASCII, order.

A table read with a mapping is input like any claim file: what it says is
read as a spreadsheet would read it, a table that cannot be read is an error
at its line and column while the other tables are still checked, and the
report does not depend on the order the tables are named in.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from checker.authoring.tabular import TableProblem, import_tables, load_mapping

from conftest import ROOT, run_cli

RULES = """\
metrics:
  population: {label: population, kind: number, time: flow, open_subjects: true}
  mayor: {label: mayor, kind: text, time: flow, open_subjects: true}
"""
MAPPING = """\
delimiter: comma
header: true
source: {column: source}
subject: {column: city}
day: {column: date, format: '%Y-%m-%d', key: period}
metrics:
  population: {column: population, parse: {kind: number}}
  mayor: {column: mayor, parse: {kind: text}}
"""
HEADER = "source,city,date,population,mayor\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "map.yaml").write_text(MAPPING, encoding="utf-8")
    return tmp_path


def _check(folder: Path, *tables: str, fmt: str = "json"):
    return run_cli(folder, "check", "--no-cache", "--rules", "rules", "--mapping", "map.yaml", *tables, "--format", fmt)


def _findings(result) -> list[dict]:
    return json.loads(result.stdout)["findings"]


def test_quoted_cells_hold_delimiters_and_quotes(folder):
    (folder / "t.csv").write_text(
        '"source","city","date","population","mayor"\n'
        'siteA,Springfield,2024-01-01,"1,200","Smith, John"\n'
        'siteB,Springfield,2024-01-01,1200,"Smith, John"\n'
        'siteC,Springfield,2024-01-01,1200,"Smith, John ""Jack"""\n',
        encoding="utf-8",
    )
    findings = _findings(_check(folder, "t.csv"))
    assert not [f for f in findings if f["verdict"] == "contradiction" and f["metric"] == "population"]
    assert not [f for f in findings if f["check"] == "import"]  # every value parsed
    mayors = [f for f in findings if f["metric"] == "mayor" and f["verdict"] == "contradiction"]
    assert len(mayors) == 1 and 'Smith, John "Jack"' in mayors[0]["message"]
    population = [f for f in findings if f["metric"] == "population" and f["verdict"] == "corroboration"]
    assert len(population) == 1 and len(population[0]["claims"]) == 3


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_a_claim_stands_at_its_cell_whether_cells_are_quoted_or_not(folder, line_end):
    """A claim's place is the cell of its value in the table, counted in characters; with quoted cells, a quoted
    delimiter is the cell's own, and a cell that runs over lines stands from its start to the end of that line."""
    rows = [
        "siteA, Springfield ,2024-01-01,1200,Smith",
        "siteB,Springfield,2024-01-01,1300,Smith",
        'siteC,"Springfield",2024-01-01,"1,400","Jones ""Jo"""',
        'siteD,Springfield,2024-01-01,"1,500","Lee,',
        'Ann"',
    ]
    for quoted in (False, True):
        kept = rows if quoted else rows[:2]
        (folder / "t.csv").write_text(HEADER.replace("\n", line_end) + line_end.join(kept) + line_end, "utf-8")
        claims = {
            (claim["source"], claim["claim"]): claim["location"]
            for finding in _findings(_check(folder, "t.csv"))
            for claim in finding["claims"]
        }
        text = [HEADER.strip(), *kept]
        for (source, claim_id), at in claims.items():
            assert at["path"] == "t.csv" and at["end_line"] == at["line"]
            cell = text[at["line"] - 1][at["column"] - 1 : at["end_column"] - 1]
            row = "abcd".index(source[4]) + 2
            if source.startswith("sited") and claim_id.endswith("mayor"):
                assert (at["line"], cell) == (row, '"Lee,')  # from where it starts to the end of that line
            else:
                assert at["line"] == row and next(csv.reader([cell]))[0].strip() in {
                    "1200", "1300", "1,400", "1,500", "Smith", 'Jones "Jo"'
                }, cell  # fmt: skip
        assert len(claims) == (8 if quoted else 4)  # every claim is cited: they all disagree or agree


def test_a_quote_inside_a_cell_is_a_character_wherever_the_claims_are_placed(folder):
    """A quote that does not open its cell is a character of it, for the csv module and for where cells stand: the
    table read with quoting and without gives the same places; a cell far to the right, and rows without it."""
    padding = ",".join(f"x{at}" for at in range(40))
    (folder / "map.yaml").write_text(MAPPING.replace("{column: mayor,", "{column: far,"), encoding="utf-8")
    rows = [
        f"source,city,date,population,{padding},far",
        f'Joe"s,5" Av,2024-01-01,1200,{padding},Smith',
        f'Ann"s,5" Av,2024-01-01,1300,{padding},Jones',
        'Bob"s,5" Av,2024-01-01,1250',
    ]
    (folder / "t.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    placed = []
    for quoting in ("double", "none"):
        (folder / "map.yaml").write_text(
            MAPPING.replace("{column: mayor,", "{column: far,") + f"quoting: {quoting}\n", encoding="utf-8"
        )
        found = _findings(_check(folder, "t.csv"))
        claims = sorted(
            (claim["source"], claim["claim"], json.dumps(claim["location"]), claim["quote"])
            for finding in found
            for claim in finding["claims"]
        )
        assert len(claims) == 5
        for _, _, at, quote in claims:
            at = json.loads(at)
            assert rows[at["line"] - 1][at["column"] - 1 : at["end_column"] - 1] == quote
        placed.append(claims)
    assert placed[0] == placed[1]


def test_quoting_none_keeps_quotes_as_characters(folder, tmp_path):
    (folder / "map.yaml").write_text(MAPPING + "quoting: none\n", encoding="utf-8")
    (folder / "t.csv").write_text(HEADER + 'siteA,Springfield,2024-01-01,"7",x\n', encoding="utf-8")
    cells = list(import_tables([folder / "t.csv"], load_mapping(folder / "map.yaml")))
    assert cells[0].stats.unparsed["population"] == 1  # '"7"' is no number when quotes are characters


@pytest.mark.parametrize("encoding", [None, "latin-1", "cp1252"])
def test_a_byte_order_mark_is_not_part_of_the_first_column_name(folder, encoding):
    """Whatever the encoding the mapping names: read as latin-1, the UTF-8 mark would be three letters."""
    if encoding is not None:
        (folder / "map.yaml").write_text(MAPPING + f"encoding: {encoding}\n", encoding="utf-8")
    (folder / "t.csv").write_bytes(
        b"\xef\xbb\xbf" + HEADER.replace("\n", "\r\n").encode() + b"siteA,Springfield,2024-01-01,1,A\r\n"
    )
    done = run_cli(folder, "import", "map.yaml", "t.csv", "-o", "out.jsonl")
    assert done.exit_code == 0, done.output
    assert json.loads((folder / "out.jsonl").read_text(encoding="utf-8"))["source"]["publisher"] == "siteA"
    (folder / "map.yaml").write_text(MAPPING.replace("header: true", "header: false").replace(
        "{column: source}", "{column: 1}").replace("{column: city}", "{column: 2}").replace(
        "{column: date,", "{column: 3,").replace("{column: population,", "{column: 4,").replace(
        "{column: mayor,", "{column: 5,") + (f"encoding: {encoding}\n" if encoding else ""), encoding="utf-8")  # fmt: skip
    (folder / "t.csv").write_bytes(b"\xef\xbb\xbfsiteA,Springfield,2024-01-01,1,A\n")  # no header: a cell
    done = run_cli(folder, "import", "map.yaml", "t.csv", "-o", "out.jsonl")
    assert done.exit_code == 0, done.output
    assert json.loads((folder / "out.jsonl").read_text(encoding="utf-8"))["source"]["publisher"] == "siteA"


@pytest.mark.parametrize(
    ("content", "line", "col", "said"),
    [
        (HEADER + "siteA,Springfield,2024-01-01,1,A\nsiteB,Springfield,2024-1-32,2,B\n", 3, 19, 'day "2024-1-32"'),
        (HEADER + "siteA,Springfield,,1,A\n", 2, 19, "no day"),
        (HEADER + 'siteA,"Springfield, IL",2024-13-01,1,A\n', 2, 25, 'day "2024-13-01"'),
        ((HEADER + "siteB,Springfield,2024-01-01,1\xe9300,x\n").encode("latin-1"), 2, 31, "byte 0xe9"),
        ((HEADER + "siteB,Springfield,2024-01-01,1\xe9300,x\r").replace("\n", "\r").encode("latin-1"), 2, 31, "0xe9"),
        (HEADER + 'siteA,Springfield,2024-01-01,1,"Smith\nsiteB,Springfield,2024-01-01,2,B\n', 2, 1, "quote"),
    ],
    ids=["bad-day", "no-day", "bad-day-quoted", "not-utf-8", "not-utf-8-cr", "unclosed-quote"],
)
def test_a_table_that_cannot_be_read_is_an_error_at_its_place_and_the_others_are_checked(
    folder, content, line, col, said
):
    (folder / "good.csv").write_text(HEADER + "siteA,Springfield,2024-01-01,5,A\nsiteB,Springfield,2024-01-01,6,A\n")
    if isinstance(content, bytes):
        (folder / "bad.csv").write_bytes(content)
    else:
        (folder / "bad.csv").write_text(content, encoding="utf-8")
    done = _check(folder, "good.csv", "bad.csv")
    assert done.exit_code == 1
    findings = _findings(done)
    problems = [f for f in findings if f["check"] == "import"]
    assert len(problems) == 1 and said in problems[0]["message"] and problems[0]["severity"] == "error"
    at = problems[0]["location"]
    assert (at["path"], at["line"], at["column"]) == ("bad.csv", line, col)
    # the good table's contradiction is still found
    assert [f["metric"] for f in findings if f["verdict"] == "contradiction"] == ["population"]
    # import, which writes one file from all its tables, refuses the run, naming the place
    imported = run_cli(folder, "import", "map.yaml", "good.csv", "bad.csv", "-o", "out.jsonl")
    assert imported.exit_code == 2 and f"bad.csv:{line}:{col}:" in imported.output
    assert not (folder / "out.jsonl").exists()


def test_a_day_in_a_file_name_that_is_no_day_is_an_error_at_the_table(tmp_path):
    mapping = load_mapping(ROOT / "examples" / "flights" / "mapping.yaml")
    table = tmp_path / "20111399.txt"
    table.write_text("site\tAA-1-X-Y\t12/01/2011 1:55 PM\t\t\t\t\t\n", encoding="utf-8")
    failed: list[TableProblem] = []
    assert list(import_tables([table], mapping, failed=failed)) == []
    assert len(failed) == 1 and (failed[0].line, failed[0].col) == (1, 1) and "20111399" in failed[0].message


def test_the_report_does_not_depend_on_the_order_the_tables_are_named_in(folder):
    (folder / "a.csv").write_text(
        HEADER + "siteA,Springfield,2024-01-01,1200,Jones\nsiteB,Springfield,2024-01-01,1300,Jones\n"
    )
    (folder / "b.csv").write_text(
        HEADER + "siteA,Springfield,2024-01-01,1250,Smith\nsiteC,Springfield,2024-01-01,1300,Jones\n"
    )
    for fmt in ("json", "text", "sarif"):
        one = _check(folder, "a.csv", "b.csv", fmt=fmt).stdout
        other = _check(folder, "b.csv", "a.csv", fmt=fmt).stdout
        assert one == other
    for args in (("a.csv", "b.csv"), ("b.csv", "a.csv")):
        resolved = run_cli(folder, "resolve", "--no-cache", "--rules", "rules", "--mapping", "map.yaml", *args)
        assert (
            resolved.stdout
            == run_cli(
                folder, "resolve", "--no-cache", "--rules", "rules", "--mapping", "map.yaml", "a.csv", "b.csv"
            ).stdout
        )


def test_source_names_an_id_cannot_spell_still_give_sources_of_their_own(folder):
    (folder / "t.csv").write_text(
        HEADER + "日本,Springfield,2024-01-01,1200,J\n中国,Springfield,2024-01-01,1300,J\n"
        "Süd,Springfield,2024-01-01,1200,J\nSäd,Springfield,2024-01-01,1200,J\n",
        encoding="utf-8",
    )
    done = _check(folder, "t.csv")
    findings = _findings(done)
    assert not [f for f in findings if f["check"] == "duplicate-id"]
    conflict = [f for f in findings if f["verdict"] == "contradiction"]
    assert len(conflict) == 1 and len({c["source"] for c in conflict[0]["claims"]}) == 4
    # the same name gives the same id on every machine and run: the digest is of the name
    ids = {claim["source"] for claim in conflict[0]["claims"]}
    assert ids == {"2024-01-01-cf2abf0c", "2024-01-01-f0e95216", "s-d-2024-01-01-be833bb8", "s-d-2024-01-01-bd5ea787"}


def test_names_that_come_out_as_one_id_and_a_day_split_in_two_tables_give_sources_of_their_own(folder):
    """SiteA and sitea in one table, and siteB on one day in two tables, were one id each: every document after the
    first was left out with a duplicate-id error the user could fix only by renaming sources."""
    (folder / "t.csv").write_text(HEADER + "SiteA,Springfield,2024-01-01,1200,J\nsitea,Springfield,2024-01-01,1300,J\n")
    (folder / "u1.csv").write_text(HEADER + "siteB,Shelbyville,2024-01-01,1200,K\n")
    (folder / "u2.csv").write_text(HEADER + "siteB,Ogdenville,2024-01-01,900,L\n")
    findings = _findings(_check(folder, "t.csv", "u1.csv", "u2.csv"))
    assert not [f for f in findings if f["check"] == "duplicate-id"]
    (conflict,) = [f for f in findings if f["verdict"] == "contradiction"]
    assert {c["source"] for c in conflict["claims"]} == {"sitea-2024-01-01-5499b32f", "sitea-2024-01-01-1c0b7096"}
    shown = _check(folder, "u2.csv", "t.csv", "u1.csv", fmt="text").stdout
    assert "siteb-2024-01-01-u1" in shown and "siteb-2024-01-01-u2" in shown
    alone = _check(folder, "u1.csv", fmt="text").stdout  # a table alone keeps the plain id
    assert "siteb-2024-01-01 " in alone and "siteb-2024-01-01-u1" not in alone
    # a name in another case in another table, and tables of one file name in two folders
    (folder / "v.csv").write_text(HEADER + "SITEB,Ogdenville,2024-01-01,900,L\n")
    for sub in ("east", "west"):
        (folder / sub).mkdir()
        (folder / sub / "day.csv").write_text(HEADER + f"siteC,{sub},2024-01-01,900,L\n")
    findings = _findings(_check(folder, "u1.csv", "v.csv", "east/day.csv", "west/day.csv"))
    assert not [f for f in findings if f["check"] == "duplicate-id"], findings
    shown = _check(folder, "u1.csv", "v.csv", "east/day.csv", "west/day.csv", fmt="text").stdout
    assert "siteb-2024-01-01-u1" in shown and "siteb-2024-01-01-v" in shown
    assert "sitec-2024-01-01-east-day-" in shown and "sitec-2024-01-01-west-day-" in shown
    # tables of one name but their suffix, and names that do not depend on the other tables of the run
    (folder / "east" / "day.tsv").write_text(HEADER + "siteC,north,2024-01-01,900,L\n")
    findings = _findings(_check(folder, "east/day.csv", "east/day.tsv"))
    assert not [f for f in findings if f["check"] == "duplicate-id"], findings
    before = {word for word in shown.split() if word.startswith("sitec-2024-01-01-")}
    (folder / "other").mkdir()
    (folder / "other" / "day.csv").write_text(HEADER + "siteC,south,2024-01-01,900,L\n")
    with_other = _check(folder, "east/day.csv", "west/day.csv", "other/day.csv", "u1.csv", fmt="text").stdout
    names = {word for word in with_other.split() if word.startswith("sitec-2024-01-01-")}
    assert before < names, (before, names)  # a third table of the name leaves the others' names as they were


@pytest.mark.parametrize("command", ["check", "resolve"])
def test_a_metric_of_the_mapping_the_rules_lack_is_one_error_at_the_mapping(folder, command):
    """A misspelt metric in the mapping was an error for every cell of its column, at the claim file made of the
    table; it is one error where the mapping names it, and the other columns are judged."""
    (folder / "map.yaml").write_text(MAPPING.replace("  mayor: {column: mayor", "  mayr: {column: mayor"))
    rows = "".join(f"site{n},Springfield,2024-01-01,{1200 + n},J\n" for n in range(50))
    (folder / "t.csv").write_text(HEADER + rows, encoding="utf-8")
    if command == "resolve":  # the problems go to the error stream, one line each
        done = run_cli(folder, "resolve", "--rules", "rules", "--mapping", "map.yaml", "t.csv", "--format", "json")
        said = [line for line in done.stderr.splitlines() if "mayr" in line]
        assert said == ['map.yaml:8:3: error: [vocabulary] unknown metric "mayr": the mapping\'s column for it is left '
                        'out (did you mean "mayor"?)'], done.stderr
        assert {item["metric"] for item in json.loads(done.stdout)["items"]} == {"population"}
        return
    findings = _findings(_check(folder, "t.csv"))
    unknown = [f for f in findings if "mayr" in f["message"]]
    assert len(unknown) == 1, unknown[:3]
    assert unknown[0]["location"]["path"] == "map.yaml" and unknown[0]["location"]["line"] == 8
    assert 'did you mean "mayor"?' in unknown[0]["hint"]
    assert any(f["verdict"] == "contradiction" and f["metric"] == "population" for f in findings)  # still judged


@pytest.mark.parametrize("command", ["check", "resolve"])
def test_a_mapping_whose_every_metric_the_rules_lack_is_an_error_not_a_crash(folder, command):
    mapping = MAPPING.replace("  population: {column: population", "  populaton: {column: population")
    (folder / "map.yaml").write_text(mapping.replace("  mayor: {column: mayor, parse: {kind: text}}\n", ""))
    (folder / "t.csv").write_text(HEADER + "siteA,Springfield,2024-01-01,1200,J\n", encoding="utf-8")
    done = run_cli(folder, command, "--no-cache", "--rules", "rules", "--mapping", "map.yaml", "t.csv")
    assert done.exit_code == 1 and "internal error" not in done.output, done.output
    assert 'unknown metric "populaton"' in done.output and 'did you mean "population"?' in done.output


def test_resolve_with_tables_says_what_could_not_be_parsed_and_refuses_broken_rules(folder):
    (folder / "t.csv").write_text(HEADER + "siteA,Springfield,2024-01-01,abc,A\nsiteB,Springfield,2024-01-01,3,A\n")
    done = run_cli(folder, "resolve", "--no-cache", "--rules", "rules", "--mapping", "map.yaml", "t.csv")
    assert done.exit_code == 0 and "'abc'" in done.stderr and "warning: [import]" in done.stderr
    with (folder / "rules" / "r.yaml").open("a", encoding="utf-8") as rules:
        rules.write("  broken: {label: x, kind: nonsense, time: flow}\n")
    broken = run_cli(folder, "resolve", "--no-cache", "--rules", "rules", "--mapping", "map.yaml", "t.csv")
    assert broken.exit_code == 2 and "metrics.broken.kind" in broken.stderr  # as check: rules that cannot be read


@pytest.mark.parametrize(
    "table, output, said",
    [
        ("t.jsonl", "./t.jsonl", "one of the tables"),  # a table whose name is odd, but still the table
        ("t.csv", "./t.csv", "must end in .jsonl"),
        ("t.csv", "map.yaml", "must end in .jsonl"),
        ("t.csv", "claims.yaml", "must end in .jsonl"),  # would be read as YAML, and fail
        ("t.csv", "claims.json", "must end in .jsonl"),
    ],
)
def test_import_writes_only_a_json_lines_file_and_never_over_its_inputs(folder, table, output, said):
    (folder / table).write_text(HEADER + "siteA,Springfield,2024-01-01,1,A\n", encoding="utf-8")
    before = {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()}
    done = run_cli(folder, "import", "map.yaml", table, "-o", output)
    assert done.exit_code == 2 and said in done.output, done.output
    assert {path: path.read_bytes() for path in folder.rglob("*") if path.is_file()} == before
    assert run_cli(folder, "import", "map.yaml", table, "-o", "claims.jsonl").exit_code == 0


@pytest.mark.skipif(not (ROOT.parent / "shared" / "seeds").is_dir(), reason="needs the archived seeds beside")
def test_ack_into_a_named_file_refuses_a_finding_already_there(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "claims", project / "claims")
    shutil.copytree(ROOT / "rules", project / "rules")
    shutil.copytree(ROOT.parent / "shared" / "seeds", tmp_path / "shared" / "seeds")
    report = json.loads(run_cli(project, "check", "--no-cache", "--format", "json").stdout)
    fingerprint = next(f["fingerprint"] for f in report["findings"] if f["status"] == "open" and f["subject"])
    target = tmp_path / "mine.yaml"
    first = run_cli(project, "ack", fingerprint, "--by", "me", "--reason", "r1", "--acknowledgements", str(target))
    assert first.exit_code == 0, first.output
    written = target.read_bytes()
    again = run_cli(project, "ack", fingerprint, "--by", "me", "--reason", "r2", "--acknowledgements", str(target))
    assert again.exit_code == 2 and "already acknowledged in" in again.output and "--renew" in again.output
    assert target.read_bytes() == written


@pytest.mark.parametrize("name", ["claims.json", "claims.jsonl", "claims.txt"])
def test_claims_drafted_as_yaml_go_only_to_a_yaml_file(tmp_path, name):
    (tmp_path / "art.txt").write_text("Hanoi, 12 January 2026\n\nViet Nam has 14 partners.\n", encoding="utf-8")
    existing = tmp_path / name
    existing.write_text('{"source": {"id": "j1"}, "claims": []}\n', encoding="utf-8")
    before = existing.read_bytes()
    rules = str(ROOT / "rules")
    merged = run_cli(tmp_path, "extract", "art.txt", "--rules", rules, "--merge", name)
    assert merged.exit_code == 2 and ".yaml or .yml" in merged.output and existing.read_bytes() == before
    drafted = run_cli(tmp_path, "extract", "art.txt", "--rules", rules, "-o", "new-" + name)
    assert drafted.exit_code == 2 and not (tmp_path / ("new-" + name)).exists()
    scaffold = run_cli(tmp_path, "new-source", "--id", "a", "--title", "t", "--publisher", "p", "--kind",
                       "news-report", "--published", "2026", "-o", "src-" + name)  # fmt: skip
    assert scaffold.exit_code == 2 and not (tmp_path / ("src-" + name)).exists()


def test_only_numbers_a_table_writes_are_numbers(folder):
    (folder / "t.csv").write_text(
        HEADER + "".join(f"s{n},Springfield,2024-01-01,{cell},A\n" for n, cell in
                         enumerate(["nan", "inf", "1e400", "1_000", "\"1,2,3\"", "e5", ".e5", "\"1,234.5\"", "-7", "2e3"])),
        encoding="utf-8",
    )  # fmt: skip
    done = run_cli(folder, "import", "map.yaml", "t.csv", "-o", "out.jsonl")
    assert done.exit_code == 0 and "7 not parsed" in done.output
    lines = (folder / "out.jsonl").read_text(encoding="utf-8").splitlines()

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    values = sorted(
        claim["value"]
        for line in lines
        for claim in json.loads(line, parse_constant=refuse)["claims"]
        if claim["metric"] == "population"
    )
    assert values == [-7, 1234.5, 2000]


def test_an_output_that_cannot_be_written_stops_every_command_alike(folder):
    (folder / "t.csv").write_text(HEADER + "siteA,Springfield,2024-01-01,1,A\n", encoding="utf-8")
    nowhere = str(folder / "t.csv" / "out")  # under a file: no folder can be made there
    common = ("--no-cache", "--rules", "rules", "--mapping", "map.yaml", "t.csv")
    for args in (
        ("import", "map.yaml", "t.csv", "-o", nowhere + ".jsonl"),
        ("resolve", *common, "-o", nowhere + ".json"),
        ("check", *common, "-o", nowhere + ".json"),
    ):
        done = run_cli(folder, *args)
        assert done.exit_code == 2, (args, done.output)


def test_a_quoted_cell_longer_than_the_csv_modules_default_limit_is_read(folder):
    long = "x" * 200_000
    (folder / "t.csv").write_text(
        HEADER + f'siteA,Springfield,2024-01-01,1,"{long}"\nsiteB,Springfield,2024-01-01,2,B\n'
    )
    done = _check(folder, "t.csv")
    assert done.exit_code in (0, 1) and "internal error" not in done.output
    assert [f["metric"] for f in _findings(done) if f["verdict"] == "contradiction"] == ["population"]


def test_a_table_named_twice_is_read_once_and_alone(folder):
    (folder / "claims").mkdir()  # a default folder the run must not read: only tables were named
    (folder / "claims" / "x.yaml").write_text("not: [a claim file\n", encoding="utf-8")
    (folder / "t.csv").write_text(HEADER + "siteA,Springfield,2024-01-01,1,A\nsiteB,Springfield,2024-01-01,2,A\n")
    once, twice = _check(folder, "t.csv"), _check(folder, "t.csv", "./t.csv")
    assert once.stdout == twice.stdout and not [f for f in _findings(twice) if f["check"] != "value-conflict" and
                                                 f["severity"] == "error"]  # fmt: skip
    resolved = run_cli(folder, "resolve", "--no-cache", "--rules", "rules", "--mapping", "map.yaml", "t.csv", "t.csv")
    assert resolved.exit_code == 0 and not resolved.stderr


def test_resolve_exits_2_on_rules_that_are_not_yaml(folder):
    (folder / "rules" / "bad.yaml").write_text("metrics:\n  x: [unclosed\n", encoding="utf-8")
    (folder / "t.csv").write_text(HEADER + "siteA,Springfield,2024-01-01,1,A\n", encoding="utf-8")
    checked = _check(folder, "t.csv")
    resolved = run_cli(folder, "resolve", "--no-cache", "--rules", "rules", "--mapping", "map.yaml", "t.csv")
    assert checked.exit_code == resolved.exit_code == 2 and "bad.yaml" in resolved.stderr


@pytest.mark.parametrize("empty", [HEADER, HEADER + ",,,,\n"], ids=["header only", "a row of empty cells"])
def test_a_table_with_no_figures_hides_nothing(folder, empty):
    """A table with nothing under its header is no claims, not a run that stops: the other tables are checked."""
    (folder / "empty.csv").write_text(empty, "utf-8")
    (folder / "t.csv").write_text(HEADER + "siteA,Springfield,2024-01-01,1,A\nsiteB,Springfield,2024-01-01,3,A\n")
    result = _check(folder, "empty.csv", "t.csv")
    assert result.exit_code == 1 and "internal error" not in result.output, result.output
    assert [f["check"] for f in _findings(result) if f["severity"] == "error"] == ["value-conflict"]
    done = run_cli(folder, "import", "map.yaml", "empty.csv", "-o", "none.jsonl")
    assert done.exit_code == 0 and (folder / "none.jsonl").read_text("utf-8") == "", done.output


def test_a_column_named_twice_in_the_header_is_an_error_not_a_guess(folder):
    (folder / "dup.csv").write_text("source,city,date,population,population,mayor\n"
                                    "siteA,Springfield,2024-01-01,1,99,A\n", "utf-8")  # fmt: skip
    (folder / "t.csv").write_text(HEADER + "siteA,Springfield,2024-01-01,1,A\nsiteB,Springfield,2024-01-01,3,A\n")
    result = _check(folder, "dup.csv", "t.csv")
    assert result.exit_code == 1, result.output  # the other table is still checked
    said = [f for f in _findings(result) if f["location"] and f["location"]["path"] == "dup.csv"]
    assert len(said) == 1 and 'column "population" is named twice in the header (columns 4 and 5)' in said[0]["message"]
    done = run_cli(folder, "import", "map.yaml", "dup.csv", "-o", "out.jsonl")
    assert done.exit_code == 2 and "named twice" in done.output and not (folder / "out.jsonl").exists()
