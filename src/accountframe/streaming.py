"""Streamed assessments: a large portfolio assessed and written in bounded memory.

`stream(framework, portfolio, "json")` judges the portfolio contract by contract and writes
each finding's text as it is made (`evaluation.stream`), then gives the whole output, in
pieces, with the same bytes as rendering `evaluate(...)` in that format
(`report.streamed`: `json`, `jsonl`, `csv`, `junit`; `github` and `sarif` as `check` writes
them). With `workers`, spans of contracts are judged in other processes
(`evaluation.pool`): the same bytes again.

Example:
    >>> import io, json
    >>> import accountframe as af
    >>> fw = af.bundled("uk-central-government")
    >>> portfolio = af.load_portfolio("policies/examples/ministry-of-example.yaml")
    >>> with af.stream(fw, portfolio, "json") as streamed:
    ...     text = "".join(streamed.chunks())
    >>> text == af.evaluate(fw, portfolio).to_json() + "\\n"
    True
    >>> streamed.summary.to_dict() == json.loads(text)["summary"]
    True
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator, Mapping
from typing import IO

from accountframe._version import __version__
from accountframe.assessment import Assessment, Summary
from accountframe.compiled import CompiledFramework, compile
from accountframe.errors import Location, UsageError, did_you_mean
from accountframe.evaluation.pool import check_workers, streamed_in_parallel
from accountframe.evaluation.run import Run
from accountframe.evaluation.stream import Spools, stream_run
from accountframe.fastpath import Declined
from accountframe.framework.duration import Duration
from accountframe.framework.framework import Framework
from accountframe.model import Portfolio
from accountframe.report import streamed as streamed_formats

__all__ = ["STREAMED_FORMATS", "StreamedAssessment", "stream"]

#: The formats a streamed assessment writes.
STREAMED_FORMATS = streamed_formats.FORMATS


class StreamedAssessment:
    """An assessment judged and held as text, ready to write (see `stream`).

    `summary` is known at once; `chunks` gives the output (once). Use it as a context manager,
    or call `close`, to remove the temporary files that hold the text of a large one.
    """

    def __init__(
        self, format: str, summary: Summary, chunks: Iterator[str], spools: Spools | None = None
    ) -> None:
        #: The output format.
        self.format = format
        #: The summary's counts, and the policies with a failing finding.
        self.summary = summary
        self._chunks = chunks
        self._spools = spools

    def __enter__(self) -> StreamedAssessment:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def chunks(self) -> Iterator[str]:
        """The output, in pieces of at most about a megabyte."""
        return self._chunks

    def write(self, target: IO[str]) -> None:
        """Write the output to a text file."""
        for chunk in self._chunks:
            target.write(chunk)

    def close(self) -> None:
        """Remove the temporary files."""
        if self._spools is not None:
            self._spools.close()
        close = getattr(self._chunks, "close", None)
        if close is not None:  # a generator: its own spools, if it made any, are closed
            close()


def stream(
    framework: Framework | CompiledFramework,
    portfolio: Portfolio,
    format: str = "json",
    *,
    as_of: datetime.date | None = None,
    workers: int = 1,
    look_back: Duration | str | None = None,
    locations: Mapping[tuple[str, str], Location] | None = None,
) -> StreamedAssessment:
    """Assess `portfolio` as `evaluate` does, holding the output as text, not findings.

    Every subject is judged before this returns (so every error is raised here); the output
    is then written from temporary files. The text is that of `render(evaluate(...), format)`
    byte for byte, whatever `workers`; for `github` and `sarif`, that of `accountframe check
    --format github|sarif` (`report.pipelines.render_assessment`): one annotation for each
    `error`, `fail`, `warn` or `waived` finding (a pass or a not-applicable finding writes
    nothing, and is counted in the summary), at its subject's entry in the portfolio file
    (`locations`), and an `error` finding at the framework line of the expression that
    failed.

    With a look-back (`look_back`, or the framework's), a contract id repeated in the
    portfolio, or a finding whose `findings` map needs the ordinary validation, the
    assessment is made in memory (as `evaluate` makes it) and written the same way: the same
    text, without the memory bound.

    Args:
        framework: The framework, or a compiled one.
        portfolio: The facts.
        format: `json`, `jsonl`, `csv`, `junit`, `github` or `sarif` (`STREAMED_FORMATS`).
        as_of: The assessment date (default: the portfolio's `as_of`, else today).
        workers: Worker processes for contract-scope work; 1 starts none.
        look_back: As `evaluate`'s.
        locations: For `github` and `sarif`: (subject type, id) → where that subject is
            written in the portfolio file, `subject_locations(path)`; without it, a finding
            has a place only if it is an `error` (its expression's). The other formats do
            not read it.

    Example:
        >>> import accountframe as af
        >>> fw = af.bundled("uk-central-government")
        >>> path = "policies/examples/ministry-of-example.yaml"
        >>> places = af.subject_locations(path)
        >>> with af.stream(fw, af.load_portfolio(path), "github", locations=places) as out:
        ...     lines = "".join(out.chunks()).splitlines()
        >>> print(lines[0][:72])
        ::warning file=policies/examples/ministry-of-example.yaml,line=151,col=5
        >>> len(lines) == out.summary.to_dict()["status"]["fail"] + sum(
        ...     out.summary.to_dict()["status"][s] for s in ("error", "warn", "waived"))
        True

    Raises:
        UsageError: an unknown format, `workers` not a positive int, or `look_back` not a
            duration of at least a day.
    """
    if format not in streamed_formats.FORMATS:
        raise UsageError(
            f"unknown streamed format {format!r}; expected one of {', '.join(STREAMED_FORMATS)}"
            f"{did_you_mean(format, list(STREAMED_FORMATS))}"
        )
    workers = check_workers(workers)
    compiled = framework if isinstance(framework, CompiledFramework) else compile(framework)
    if as_of is None:
        as_of = portfolio.as_of or datetime.date.today()
    if look_back is None and compiled.framework.look_back is None:
        try:
            return _streamed(compiled, portfolio, format, as_of, workers, locations)
        except Declined:
            pass
    assessment = compiled.evaluate(portfolio, as_of, workers=workers, look_back=look_back)
    chunks = streamed_formats.render_in_memory(assessment, format, compiled.plan, locations)
    return StreamedAssessment(format, assessment.summary(), chunks)


def _streamed(
    compiled: CompiledFramework,
    portfolio: Portfolio,
    format: str,
    as_of: datetime.date,
    workers: int,
    locations: Mapping[tuple[str, str], Location] | None,
) -> StreamedAssessment:
    texts, chunks_of = streamed_formats.for_run(format, compiled.plan, locations)
    parallel = workers > 1 and len(portfolio.contracts) > 1
    run = Run(compiled.plan, portfolio, as_of)
    spools = Spools(texts)
    try:
        try:
            if parallel:
                stream_run(run, spools, streamed_in_parallel(run, texts, workers))
            else:
                stream_run(run, spools)
        except Declined:
            raise
        except Exception:
            if not parallel:
                raise
            # A worker failed to start, died or raised: the same work here, which gives the
            # result (or raises the error) that one process gives.
            spools.close()
            run, spools = Run(compiled.plan, portfolio, as_of), Spools(texts)
            stream_run(run, spools)
    except BaseException:
        spools.close()
        raise
    plan = run.plan
    head = Assessment(
        framework=plan.framework.name,
        framework_version=plan.framework.version,
        framework_digest=plan.framework.digest,
        organisation=portfolio.organisation,
        portfolio_digest=portfolio.digest,
        as_of=as_of,
        generated_by=f"accountframe {__version__}",
        findings=(),
        waivers_unused=tuple(run.waivers.unused(policy.id for policy in plan.policies)),
    )
    return StreamedAssessment(format, spools.summary, chunks_of(head, spools), spools)
