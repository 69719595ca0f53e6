"""What the fuzzer runs on each input: the loader's whole path, from bytes to findings.

Kept apart from fuzz_loader.py, which needs atheris, so that the test suite can
run the harness over the seeds without it (tests/test_fuzz_harness.py).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pydantic import ValidationError

from checker.corpus.resolver import load_corpus
from checker.engine import configure, partition, subject_claims
from checker.engine.checking import check_table
from checker.formats import confine
from checker.formats.loading import validate, validation_findings
from checker.formats.models import ClaimFile
from checker.formats.settings import Config
from checker.formats.yamlio import YamlProblem, read_yaml
from checker.vocabulary.rules import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent
#: the vocabulary the fuzzed claims are resolved against: the test suite's mini corpus's
RULES = ROOT / "tests" / "data" / "mini" / "rules"
#: the first byte of an input picks the format of the file it is loaded as
SUFFIXES = (".yaml", ".json", ".jsonl")
GOOD = b"""source: {id: good, title: Good, publisher: P, kind: news-report, published: 2025-07-01}
claims:
  - {id: p, subject: freedonia, metric: partners, value: 14, as_of: 2025-06-30, quote: it says 14}
"""


class Harness:
    """A scratch project the fuzzed file is written into, with the vocabulary and checks loaded once."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="claimcheck-fuzz-"))
        (self.folder / "claims").mkdir()
        (self.folder / "claims" / "0-good.yaml").write_bytes(GOOD)
        self.vocabulary, _ = load_vocabulary(RULES)
        self.active, _ = configure(self.vocabulary, RULES)
        self.confinement = confine.confinement(Config(), start=self.folder)

    def run(self, data: bytes) -> None:
        """Everything the loader does with these bytes; an exception that escapes is a crash."""
        read(data)
        suffix = SUFFIXES[data[0] % len(SUFFIXES)] if data else ".yaml"
        target = self.folder / "claims" / f"fuzzed{suffix}"
        target.write_bytes(data[1:])
        try:
            with confine.applied(self.confinement):
                corpus = load_corpus([self.folder / "claims"], self.vocabulary)
            everything = []
            for subject, metrics in partition(corpus.claims).items():
                everything.extend(subject_claims(subject, metrics, self.vocabulary, self.active).claims)
            list(check_table(everything, self.vocabulary, self.active))
        finally:
            target.unlink()


def read(data: bytes) -> None:
    """The YAML reader and the claim file model on the raw bytes, as the loader uses them."""
    try:
        document = read_yaml(data)
    except YamlProblem:
        return
    if isinstance(document.data, dict):
        try:
            ClaimFile.model_validate(document.data)
        except ValidationError as exc:
            validation_findings(exc, ClaimFile, document, "fuzzed.yaml")
        validate(document, ClaimFile, "fuzzed.yaml", entries=("claims",))  # the claims kept when some are bad


def seeds(into: Path) -> Path:
    """A seed corpus: the project's claim files, the example's, the mini corpus and the stored hostile inputs."""
    into.mkdir(parents=True, exist_ok=True)
    sources = [ROOT / "claims", ROOT / "examples" / "company" / "claims", ROOT / "tests" / "data" / "mini" / "claims"]
    sources.append(ROOT / "tests" / "hostile" / "files")
    for folder in sources:
        for path in sorted(folder.glob("*")):
            if path.is_file() and path.stat().st_size < 64 * 1024:
                pick = SUFFIXES.index(path.suffix) if path.suffix in SUFFIXES else 0
                (into / f"{folder.name}-{path.name}").write_bytes(bytes([pick]) + path.read_bytes())
    return into
