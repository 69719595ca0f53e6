"""Coverage-guided fuzzing of the loader with atheris (libFuzzer for Python).

Each input is a claim file's bytes (fuzz/harness.py): it is read as safe YAML
and validated against the claim file model, then loaded into a corpus as a
claim file (YAML, JSON or JSON Lines, chosen by the first byte) beside a good
one, resolved against a small vocabulary, and every subject's checks are run.
The loader's contract is that any bytes give findings, never an exception: an
exception that escapes is a crash, and libFuzzer saves the input that caused
it under fuzz/crashes/ (unless -artifact_prefix says otherwise); an input that
takes over 30 seconds is a hang, saved the same way.

    pip install atheris
    python fuzz/fuzz_loader.py -atheris_runs=100000             # from the seeds: claims/, examples/, tests/hostile/
    python fuzz/fuzz_loader.py -max_total_time=900 CORPUS_DIR   # and keep what it learns in a folder of your own

Any other libFuzzer flag works as usual. Each crash found becomes a case of
the hostile corpus (tests/hostile/manifest.yaml, `found-by: fuzz`), which CI runs.
"""

from __future__ import annotations

import atexit
import shutil
import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

with atheris.instrument_imports(include=["checker", "harness"]):
    from harness import ROOT, Harness, seeds


def main() -> None:
    """Run the fuzzer from the seeds; new inputs go to the first corpus folder given (else a scratch one)."""
    harness = Harness()
    atexit.register(shutil.rmtree, harness.folder, ignore_errors=True)
    arguments = list(sys.argv)
    arguments.append(str(seeds(harness.folder / "seeds")))
    if not any(arg.startswith("-artifact_prefix=") for arg in arguments):
        crashes = ROOT / "fuzz" / "crashes"
        crashes.mkdir(exist_ok=True)
        arguments.append(f"-artifact_prefix={crashes}/")
    if not any(arg.startswith("-timeout=") for arg in arguments):
        arguments.append("-timeout=30")
    atheris.Setup(arguments, harness.run)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
