"""A coverage-guided fuzzer (atheris) for long runs; not collected by pytest.

Install the `fuzz` extra and run it from the repository root, for as long as you like:

    pip install -e '.[fuzz]'
    python tests/fuzz/fuzz_atheris.py -max_total_time=600 -print_final_stats=1

Each input's first byte picks a target; the rest is the input, either used as it is or, when
the second byte is odd, used to drive `mutate.mutate` over a real file (the example portfolio,
a bundled framework file, an OCDS file from the shared data). Targets:

0. the portfolio loader (`parse_document` + structuring), then an assessment;
1. a framework folder (framework.yaml and a policy file of the small CLI fixture), then
   compiling and an assessment;
2. the CEL compiler and evaluator;
3. the OCDS import.

Anything but an `AccountframeError` is a crash: atheris stops and writes the input to
`crash-*`; replay it with `python tests/fuzz/fuzz_atheris.py crash-...`. Add what it found to
tests/fuzz/test_fuzz.py or the unit tests as a regression test.
"""

from __future__ import annotations

import datetime
import sys
import tempfile
from pathlib import Path

AS_OF = datetime.date(2026, 11, 25)
HERE = Path(__file__).resolve().parent
SMALL_FRAMEWORK = HERE.parents[1] / "tests" / "fixtures" / "frameworks" / "cli"


class BytesChooser:
    """A `mutate.Chooser` reading its choices from the fuzzer's bytes."""

    def __init__(self, provider: object) -> None:
        self.provider = provider

    def integer(self, low: int, high: int) -> int:
        return int(self.provider.ConsumeIntInRange(low, high))  # type: ignore[attr-defined]


def main() -> None:
    # Imported here, not at the top: pytest's --doctest-modules imports this file, and must
    # not need atheris (an extra) or change sys.path to do so.
    sys.path[:0] = [str(HERE), str(HERE.parent)]
    import atheris
    import mutate

    with atheris.instrument_imports():
        import accountframe as af
        from accountframe import cel
        from accountframe.load.documents import parse_document, portfolio_from_document
        from accountframe.load.ocds import to_portfolio

    from conftest import shared_data

    framework = af.load_framework(SMALL_FRAMEWORK)
    af.compile(framework)
    example = mutate.EXAMPLE.read_bytes()
    small_files = {path.name: path.read_bytes() for path in SMALL_FRAMEWORK.glob("*.yaml")}
    ocds = [path.read_bytes() for path in mutate.ocds_files(shared_data(), limit=20)]
    workdir = Path(tempfile.mkdtemp(prefix="accountframe-atheris-"))

    def one_input(data: bytes) -> None:
        provider = atheris.FuzzedDataProvider(data)
        target = provider.ConsumeIntInRange(0, 3)
        use_real = provider.ConsumeBool()
        chooser = BytesChooser(provider)
        try:
            if target == 0:
                raw = mutate.mutate(example, chooser) if use_real else provider.ConsumeBytes(4096)
                document = parse_document(raw, file="p.yaml", error=af.PortfolioError)
                portfolio = portfolio_from_document(document)
                framework.evaluate(portfolio, as_of=AS_OF).to_json()
            elif target == 1:
                folder = workdir / "fw"
                folder.mkdir(exist_ok=True)
                name = "framework.yaml" if provider.ConsumeBool() else "policies.yaml"
                for file, raw in small_files.items():
                    if file == name:
                        raw = (
                            mutate.mutate(raw, chooser) if use_real else provider.ConsumeBytes(2048)
                        )
                    (folder / file).write_bytes(raw)
                loaded = af.load_framework(folder)
                af.compile(loaded)
                portfolio = af.load_portfolio(mutate.EXAMPLE)
                loaded.evaluate(portfolio, as_of=AS_OF).to_json()
            elif target == 2:
                source = provider.ConsumeUnicodeNoSurrogates(300)
                program = cel.compile(source)
                program.evaluate({"x": [1, 2, 3], "s": "a", "now": AS_OF, "m": {"k": 1.5}})
            elif ocds:
                raw = mutate.mutate(ocds[chooser.integer(0, len(ocds) - 1)], chooser)
                path = workdir / "ocds.json"
                path.write_bytes(raw if use_real else provider.ConsumeBytes(4096))
                to_portfolio([path])
        except af.AccountframeError:
            pass

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
