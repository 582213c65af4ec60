"""accountframe: a public body's accountability framework for live contracts, as code.

The public API is re-exported here; everything else is internal.

Example:
    >>> import accountframe as af
    >>> portfolio = af.Portfolio.from_dict({"organisation": "Ministry of Example"})
    >>> portfolio.organisation
    'Ministry of Example'
"""

from accountframe._version import __version__
from accountframe.assessment import (
    Accountable,
    Assessment,
    Consequence,
    ConsequenceStatus,
    ContractExposure,
    Exposure,
    Finding,
    PersonExposure,
    Status,
    Subject,
    Summary,
)
from accountframe.collector import collector_paused
from accountframe.compiled import (
    CompiledFramework,
    compile,
    evaluate,
    explain,
    history,
    schedule,
)
from accountframe.errors import (
    AccountframeError,
    CelCompileError,
    CelError,
    CelEvaluationError,
    Diagnostic,
    FrameworkError,
    LoadError,
    Location,
    PortfolioError,
    UsageError,
)
from accountframe.evaluation.explanation import Explanation
from accountframe.evaluation.schedule import ItemStatus, Schedule, ScheduleItem
from accountframe.framework.duration import Duration
from accountframe.framework.folder import bundled, load_framework
from accountframe.framework.framework import Framework, ParamNote, Role
from accountframe.framework.policies import (
    Basis,
    OversightCadence,
    PersonalResponsibility,
    RequiredInformation,
    Reward,
    Rule,
    Sanction,
    Scope,
    Severity,
)
from accountframe.lint import LintReport, lint
from accountframe.load.documents import LoadLimits, load_portfolio
from accountframe.load.locations import subject_locations
from accountframe.load.ocds import ImportResult, ImportSummary, OcdsError
from accountframe.model import (
    KPI,
    Amendment,
    AppliedConsequence,
    Assignment,
    Contract,
    Effect,
    KeyDate,
    Period,
    Person,
    Portfolio,
    Rating,
    Regime,
    Report,
    Review,
    Source,
    Stage,
    Transaction,
    Value,
    Waiver,
)
from accountframe.schemas import (
    assessment_line_schema,
    assessment_schema,
    framework_schema,
    history_schema,
    portfolio_schema,
)
from accountframe.streaming import STREAMED_FORMATS, StreamedAssessment, stream
from accountframe.timeline.spells import ConsequenceSpell, History, Spell
from accountframe.tools.docgen import write_docs, write_mkdocs_config
from accountframe.tools.policytest import TestReport, run_tests
from accountframe.tools.snapshot import snapshot

__all__ = [
    "KPI",
    "STREAMED_FORMATS",
    "Accountable",
    "AccountframeError",
    "Amendment",
    "AppliedConsequence",
    "Assessment",
    "Assignment",
    "Basis",
    "CelCompileError",
    "CelError",
    "CelEvaluationError",
    "CompiledFramework",
    "Consequence",
    "ConsequenceSpell",
    "ConsequenceStatus",
    "Contract",
    "ContractExposure",
    "Diagnostic",
    "Duration",
    "Effect",
    "Explanation",
    "Exposure",
    "Finding",
    "Framework",
    "FrameworkError",
    "History",
    "ImportResult",
    "ImportSummary",
    "ItemStatus",
    "KeyDate",
    "LintReport",
    "LoadError",
    "LoadLimits",
    "Location",
    "OcdsError",
    "OversightCadence",
    "ParamNote",
    "Period",
    "Person",
    "PersonExposure",
    "PersonalResponsibility",
    "Portfolio",
    "PortfolioError",
    "Rating",
    "Regime",
    "Report",
    "RequiredInformation",
    "Review",
    "Reward",
    "Role",
    "Rule",
    "Sanction",
    "Schedule",
    "ScheduleItem",
    "Scope",
    "Severity",
    "Source",
    "Spell",
    "Stage",
    "Status",
    "StreamedAssessment",
    "Subject",
    "Summary",
    "TestReport",
    "Transaction",
    "UsageError",
    "Value",
    "Waiver",
    "__version__",
    "assessment_line_schema",
    "assessment_schema",
    "bundled",
    "collector_paused",
    "compile",
    "evaluate",
    "explain",
    "framework_schema",
    "history",
    "history_schema",
    "lint",
    "load_framework",
    "load_portfolio",
    "portfolio_schema",
    "run_tests",
    "schedule",
    "snapshot",
    "stream",
    "subject_locations",
    "write_docs",
    "write_mkdocs_config",
]
