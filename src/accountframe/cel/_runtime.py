"""The accountframe engine's run-time: CEL operations over plain Python values.

Values are the plain builtins `values.plain_value` produces (bool, int, float, str, bytes, None,
list, dict, UTC `datetime`, `timedelta`), plus two kinds only an expression can make: `Uint`
(a `uint` such as `1u`, an `int` subclass) and `CelType` (what `type(x)` gives). A CEL error is a
`CelFailure` exception; the lowered closures catch it exactly where CEL absorbs errors (`&&`,
`||`, `all`, `exists`), so it behaves as an error *value*.

Nothing here holds mutable state: every function works on its arguments only, so one program
may be evaluated from many threads at once.
"""

from __future__ import annotations

import datetime
import fractions
import functools
import math
import re
import struct
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any, NoReturn

import re2

__all__ = ["CelFailure", "CelType", "Uint", "export", "type_name"]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
UINT64_MAX = 2**64 - 1
MAX_DURATION = datetime.timedelta(seconds=315_576_000_000)  # ±10,000 years
UTC = datetime.UTC
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = datetime.timedelta(microseconds=1)


class CelFailure(Exception):
    """A CEL error: the evaluation (or the operand absorbing it) failed with `message`."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Uint(int):
    """A CEL `uint`: a non-negative 64-bit int, distinct from `int` in CEL's type system."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"{int(self)}u"


class CelType:
    """A CEL type as a value (`type(1) == int`)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


TYPES: Mapping[str, CelType] = MappingProxyType(
    {
        name: CelType(name)
        for name in (
            "bool", "int", "uint", "double", "string", "bytes", "list", "map", "null_type",
            "type", "google.protobuf.Timestamp", "google.protobuf.Duration",
        )
    }
)  # fmt: skip

_TYPE_NAMES: Mapping[type, str] = MappingProxyType(
    {
        bool: "bool",
        int: "int",
        Uint: "uint",
        float: "double",
        str: "string",
        bytes: "bytes",
        list: "list",
        dict: "map",
        type(None): "null_type",
        datetime.datetime: "timestamp",
        datetime.timedelta: "duration",
        CelType: "type",
    }
)
_TYPE_VALUES: Mapping[type, CelType] = MappingProxyType(
    {
        kind: TYPES[
            {"timestamp": "google.protobuf.Timestamp", "duration": "google.protobuf.Duration"}.get(
                name, name
            )
        ]
        for kind, name in _TYPE_NAMES.items()
    }
)


def type_name(value: Any) -> str:
    """CEL's name for the type of a run-time value."""
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def fail(message: str) -> NoReturn:
    raise CelFailure(message)


def no_overload(operator: str, *values: Any) -> NoReturn:
    types = ", ".join(type_name(value) for value in values)
    raise CelFailure(f"no matching overload for {operator!r} applied to ({types})")


def check_int(value: int) -> int:
    if INT64_MIN <= value <= INT64_MAX:
        return value
    raise CelFailure("integer overflow")


def check_uint(value: int) -> Uint:
    if 0 <= value <= UINT64_MAX:
        return Uint(value)
    raise CelFailure("unsigned integer overflow")


def check_duration(value: datetime.timedelta) -> datetime.timedelta:
    if -MAX_DURATION <= value <= MAX_DURATION:
        return value
    raise CelFailure("duration out of range (±10,000 years)")


# --- Results -----------------------------------------------------------------------------------


def export(value: Any) -> Any:
    """A result as plain Python: `Uint` as int, containers copied (bound data stays untouched)."""
    kind = type(value)
    if kind is list:
        return [export(item) for item in value]
    if kind is dict:
        return {export(key): export(item) for key, item in value.items()}
    if kind is Uint:
        return int(value)
    if kind is CelType:
        raise CelFailure(f"the result is the CEL type {value.name}, which has no Python value")
    return value


# --- Equality and ordering ---------------------------------------------------------------------

_NUMBERS = frozenset({int, Uint, float})


def equal(left: Any, right: Any) -> bool:
    """CEL's heterogeneous equality: numbers compare by value, other different types are unequal."""
    kind = type(left)
    other = type(right)
    if kind is other:
        if kind is list:
            return len(left) == len(right) and all(map(equal, left, right))
        if kind is dict:
            return _maps_equal(left, right)
        return bool(left == right)
    if kind in _NUMBERS and other in _NUMBERS:
        if kind is float or other is float:
            return float(left) == float(right)
        return bool(left == right)
    return False


def _maps_equal(left: dict[Any, Any], right: dict[Any, Any]) -> bool:
    if len(left) != len(right):
        return False
    for key, value in left.items():
        found = lookup(right, key)
        if found is MISSING or not equal(value, found):
            return False
    return True


MISSING = object()


def lookup(mapping: dict[Any, Any], key: Any) -> Any:
    """`mapping[key]` by CEL's rules (bool keys never match numbers), or `MISSING`."""
    kind = type(key)
    if kind is str:
        return mapping.get(key, MISSING)
    if kind is bool:
        found = mapping.get(key, MISSING)
        if found is not MISSING:
            # Python merges True and 1 as dict keys: make sure the stored key is a bool.
            for stored in mapping:
                if stored is key:
                    return found
            return MISSING
        return found
    if kind in _NUMBERS:
        if kind is float and not (math.isfinite(key) and key == int(key)):
            return MISSING
        found = mapping.get(key, MISSING)
        # Only 0 and 1 can meet a bool key (False, True) in a Python dict.
        if found is not MISSING and key in (0, 1) and any(type(s) is bool for s in mapping):
            # The entry Python found may be a bool key equal to 0 or 1.
            for stored, value in mapping.items():
                if type(stored) is not bool and stored == key:
                    return value
            return MISSING
        return found
    fail(f"unsupported map key type {type_name(key)}")


_ORDERED = frozenset({str, bytes, bool, datetime.datetime, datetime.timedelta})


def comparable(operator: str, left: Any, right: Any) -> None:
    """Raise unless `left` and `right` have an ordering in CEL."""
    kind = type(left)
    other = type(right)
    if kind is other and (kind in _ORDERED or kind in _NUMBERS):
        return
    if kind in _NUMBERS and other in _NUMBERS:
        return
    no_overload(operator, left, right)


def _numbers(left: Any, right: Any) -> tuple[Any, Any]:
    """Mixed int and double compare as doubles (as cel-go does: `2**63 - 1 < 2.0**63` is false)."""
    if type(left) is not type(right) and (type(left) is float or type(right) is float):
        return float(left), float(right)
    return left, right


def less(left: Any, right: Any) -> bool:
    comparable("<", left, right)
    left, right = _numbers(left, right)
    return bool(left < right)


def less_equal(left: Any, right: Any) -> bool:
    comparable("<=", left, right)
    left, right = _numbers(left, right)
    return bool(left <= right)


def greater(left: Any, right: Any) -> bool:
    comparable(">", left, right)
    left, right = _numbers(left, right)
    return bool(left > right)


def greater_equal(left: Any, right: Any) -> bool:
    comparable(">=", left, right)
    left, right = _numbers(left, right)
    return bool(left >= right)


def contained(item: Any, container: Any) -> bool:
    """CEL's `item in container`."""
    kind = type(container)
    if kind is list:
        if type(item) is str:
            return item in container  # a str equals only a str, in Python as in CEL
        return any(equal(item, element) for element in container)
    if kind is dict:
        if type(item) in _MAP_KEYS or type(item) is float:
            return lookup(container, item) is not MISSING
        return False
    no_overload("in", item, container)


_MAP_KEYS = frozenset({str, int, Uint, bool})


# --- Arithmetic --------------------------------------------------------------------------------


def add(left: Any, right: Any) -> Any:
    kind = type(left)
    other = type(right)
    if kind is other:
        if kind is int:
            return check_int(left + right)
        if kind is float or kind is str or kind is bytes:
            return left + right
        if kind is list:
            return left + right
        if kind is Uint:
            return check_uint(left + right)
        if kind is datetime.timedelta:
            return check_duration(left + right)
    elif kind is datetime.datetime and other is datetime.timedelta:
        return shift(left, right)
    elif kind is datetime.timedelta and other is datetime.datetime:
        return shift(right, left)
    no_overload("+", left, right)


def shift(moment: datetime.datetime, by: datetime.timedelta) -> datetime.datetime:
    try:
        return moment + by
    except OverflowError:
        fail("timestamp out of range (years 1 to 9999)")


def subtract(left: Any, right: Any) -> Any:
    kind = type(left)
    other = type(right)
    if kind is other:
        if kind is int:
            return check_int(left - right)
        if kind is float:
            return left - right
        if kind is Uint:
            return check_uint(left - right)
        if kind is datetime.timedelta:
            return check_duration(left - right)
        if kind is datetime.datetime:
            return check_duration(left - right)
    elif kind is datetime.datetime and other is datetime.timedelta:
        try:
            return left - right
        except OverflowError:
            fail("timestamp out of range (years 1 to 9999)")
    no_overload("-", left, right)


def multiply(left: Any, right: Any) -> Any:
    kind = type(left)
    if kind is type(right):
        if kind is int:
            return check_int(left * right)
        if kind is float:
            return left * right
        if kind is Uint:
            return check_uint(left * right)
    no_overload("*", left, right)


def divide(left: Any, right: Any) -> Any:
    kind = type(left)
    if kind is type(right):
        if kind is int or kind is Uint:
            if right == 0:
                fail("division by zero")
            quotient = abs(left) // abs(right)
            if (left < 0) != (right < 0):
                quotient = -quotient
            return check_int(quotient) if kind is int else Uint(quotient)
        if kind is float:
            if right == 0.0:
                if left == 0.0 or math.isnan(left):
                    return math.nan
                return math.copysign(math.inf, left) * math.copysign(1.0, right)
            return left / right
    no_overload("/", left, right)


def modulo(left: Any, right: Any) -> Any:
    kind = type(left)
    if kind is type(right) and (kind is int or kind is Uint):
        if right == 0:
            fail("modulus by zero")
        remainder = abs(left) % abs(right)
        result = -remainder if left < 0 else remainder
        return result if kind is int else Uint(result)
    no_overload("%", left, right)


def negate(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return check_int(-value)
    if kind is float:
        return -value
    if kind is datetime.timedelta:
        return -value
    no_overload("-", value)


def logical_not(value: Any) -> bool:
    if value is True:
        return False
    if value is False:
        return True
    no_overload("!", value)


def index(container: Any, key: Any) -> Any:
    """CEL's `container[key]`."""
    kind = type(container)
    if kind is list:
        key_kind = type(key)
        if key_kind is float:
            if not (math.isfinite(key) and key == int(key)):
                fail(f"invalid list index {key!r}")
            key = int(key)
        elif key_kind is not int and key_kind is not Uint:
            no_overload("[]", container, key)
        if 0 <= key < len(container):
            return container[key]
        fail(f"index {key} out of range for a list of size {len(container)}")
    if kind is dict:
        key_kind = type(key)
        if key_kind in _MAP_KEYS or key_kind is float:
            found = lookup(container, key)
            if found is MISSING:
                fail(f"no such key: {key!r}")
            return found
        no_overload("[]", container, key)
    no_overload("[]", container, key)


def select(target: Any, name: str) -> Any:
    """CEL's `target.name` on a map."""
    if type(target) is dict:
        found = target.get(name, MISSING)
        if found is MISSING:
            fail(f"no such member in mapping: {name!r}")
        return found
    fail(f"type '{type_name(target)}' does not support field selection")


def has_field(target: Any, name: str) -> bool:
    if type(target) is dict:
        return name in target
    fail(f"has() needs a map (got {type_name(target)})")


# --- Functions: strings, lists, sizes ----------------------------------------------------------


def size(value: Any) -> int:
    kind = type(value)
    if kind is str or kind is bytes or kind is list or kind is dict:
        return len(value)
    no_overload("size", value)


def contains(container: Any, item: Any) -> bool:
    kind = type(container)
    if kind is str and type(item) is str:
        return item in container
    if kind is list:
        return any(equal(item, element) for element in container)
    if kind is dict:
        return contained(item, container)
    no_overload("contains", container, item)


def sum_of(values: Any) -> float:
    """`sum(list) -> double`: the double nearest the exact sum of the elements.

    Each element (int, uint or double) is converted to double, then the doubles are added
    exactly and rounded once (`math.fsum`), so the result does not depend on the order of the
    list and equals `contract.spent` for the same amounts. Beyond the double range it is ±inf;
    a NaN, or both infinities, give NaN (as IEEE addition does). An empty list gives 0.0.
    """
    if type(values) is not list:
        fail(f"sum() expects (list) (got ({type_name(values)}))")
    doubles: list[float] = []
    for position, value in enumerate(values):
        if type(value) not in _NUMBERS:
            fail(
                f"sum() expects a list of numbers (int, uint or double); element {position} "
                f"is a {type_name(value)}"
            )
        doubles.append(float(value))
    try:
        return math.fsum(doubles)
    except ValueError:  # inf + -inf: no number
        return math.nan
    except OverflowError:  # a partial sum beyond the double range: add the exact rationals
        # fsum can overflow before it meets a NaN or an infinity later in the list: those
        # decide the sum, and have no exact rational.
        if any(math.isnan(d) for d in doubles) or {math.inf, -math.inf} <= set(doubles):
            return math.nan
        infinite = [d for d in doubles if math.isinf(d)]
        if infinite:
            return infinite[0]
        exact = sum(map(fractions.Fraction, doubles))
        try:
            return float(exact)
        except OverflowError:
            return math.inf if exact > 0 else -math.inf


def starts_with(text: Any, prefix: Any) -> bool:
    if type(text) is str and type(prefix) is str:
        return text.startswith(prefix)
    no_overload("startsWith", text, prefix)


def ends_with(text: Any, suffix: Any) -> bool:
    if type(text) is str and type(suffix) is str:
        return text.endswith(suffix)
    no_overload("endsWith", text, suffix)


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # a bad pattern is a CEL error, not a line on stderr


def regex(pattern: str) -> Any:
    """Compile an RE2 pattern (linear-time matching: no catastrophic backtracking)."""
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except UnicodeEncodeError as error:  # a lone surrogate: its args[0] is only 'utf-8'
        fail(f"invalid regular expression {pattern!r}: {error.reason} at {error.start}")
    except Exception as error:  # re2.error, or a pattern re2 cannot take
        message = error.args[0] if error.args else error
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        fail(f"invalid regular expression {pattern!r}: {message}")


def matches(text: Any, pattern: Any) -> bool:
    if type(text) is str and type(pattern) is str:
        return regex(pattern).search(text) is not None
    no_overload("matches", text, pattern)


# --- Conversions -------------------------------------------------------------------------------

_INT_TEXT = re.compile(r"[+-]?[0-9]+")
_FLOAT_TEXT = re.compile(
    r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)
_BOOL_TEXT = {
    "1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True,
    "0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False,
}  # fmt: skip


def to_int(value: Any) -> Any:
    kind = type(value)
    if kind is int:
        return value
    if kind is Uint:
        return check_int(int(value))
    if kind is float:
        if not math.isfinite(value) or not -(2.0**63) < value < 2.0**63:
            fail("integer overflow")
        return check_int(int(value))
    if kind is str:
        if len(value) > 40 or not _INT_TEXT.fullmatch(value):
            fail(f"int() cannot parse {shown(value)}")
        return check_int(int(value))
    if kind is datetime.datetime:
        return (value - EPOCH) // datetime.timedelta(seconds=1)
    no_overload("int", value)


def to_uint(value: Any) -> Any:
    kind = type(value)
    if kind is Uint:
        return value
    if kind is int:
        return check_uint(value)
    if kind is float:
        if not math.isfinite(value) or not -1.0 < value < 2.0**64:
            fail("unsigned integer overflow")
        return check_uint(int(value))
    if kind is str:
        if len(value) > 40 or not _INT_TEXT.fullmatch(value) or value[0] in "+-":
            fail(f"uint() cannot parse {shown(value)}")
        return check_uint(int(value))
    no_overload("uint", value)


def to_double(value: Any) -> Any:
    kind = type(value)
    if kind is float:
        return value
    if kind is int or kind is Uint:
        return float(value)
    if kind is str:
        if len(value) > 400 or not _FLOAT_TEXT.fullmatch(value):
            fail(f"double() cannot parse {shown(value)}")
        return float(value)
    no_overload("double", value)


def format_double(value: float) -> str:
    """Python's shortest round-trip form, as cel-python writes it: `string(150.0)` is "150.0".

    The spec's conformance cases (`string(123.456)`, `string(-4.5e-3)`) agree with it; cel-go
    would write "150", which would change every message that shows an amount.
    """
    return repr(value)


def format_timestamp(moment: datetime.datetime) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return f"{moment.year:04d}{text[text.index('-') :]}Z" if moment.year < 1000 else text + "Z"


def format_duration(span: datetime.timedelta) -> str:
    micros = span // MICROSECOND
    sign = "-" if micros < 0 else ""
    seconds, fraction = divmod(abs(micros), 1_000_000)
    if fraction:
        return f"{sign}{seconds}.{fraction:06d}".rstrip("0") + "s"
    return f"{sign}{seconds}s"


def to_string(value: Any) -> Any:
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is Uint:
        return str(int(value))
    if kind is float:
        return format_double(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is bytes:
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            fail("string() got bytes that are not valid UTF-8")
    if kind is datetime.datetime:
        return format_timestamp(value)
    if kind is datetime.timedelta:
        return format_duration(value)
    no_overload("string", value)


def to_bytes(value: Any) -> Any:
    kind = type(value)
    if kind is bytes:
        return value
    if kind is str:
        return value.encode("utf-8")
    no_overload("bytes", value)


def to_bool(value: Any) -> Any:
    kind = type(value)
    if kind is bool:
        return value
    if kind is str:
        found = _BOOL_TEXT.get(value)
        if found is None:
            fail(f"bool() cannot parse {shown(value)}")
        return found
    no_overload("bool", value)


def shown(text: str) -> str:
    """`text` quoted for a message, shortened: data strings can be long."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


def _convert(kinds: tuple[type, ...], check: Callable[[Any], Any], name: str, value: Any) -> Any:
    """A wrapper type's conversion: `check(value)` for a value of one of `kinds`.

    A function of the module, bound with `functools.partial` (not a closure made at import),
    so that a test calling it is seen calling it (benchmarks/mutation.py maps tests to calls).
    """
    if type(value) in kinds:
        return check(value)
    no_overload(name, value)


def _int32(value: int) -> int:
    if -(2**31) <= value < 2**31:
        return value
    fail("int32 overflow")


def _uint32(value: int) -> Uint:
    if 0 <= value < 2**32:
        return Uint(value)
    fail("uint32 overflow")


def _float32(value: float) -> float:
    try:
        return float(struct.unpack("f", struct.pack("f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def _same(value: Any) -> Any:
    return value


#: Protobuf's wrapper types, which CEL treats as their plain values: name -> (default, convert).
WRAPPERS: Mapping[str, tuple[Any, Callable[[Any], Any]]] = MappingProxyType(
    {
        f"google.protobuf.{name}": (default, functools.partial(_convert, kinds, check, name))
        for name, default, kinds, check in (
            ("BoolValue", False, (bool,), _same),
            ("BytesValue", b"", (bytes,), _same),
            ("StringValue", "", (str,), _same),
            ("DoubleValue", 0.0, (float,), _same),
            ("FloatValue", 0.0, (float,), _float32),
            ("Int64Value", 0, (int,), _same),
            ("Int32Value", 0, (int,), _int32),
            ("UInt64Value", Uint(0), (Uint,), _same),
            ("UInt32Value", Uint(0), (Uint,), _uint32),
        )
    }
)


def dyn(value: Any) -> Any:
    return value


def type_of(value: Any) -> CelType:
    return _TYPE_VALUES.get(type(value)) or fail(f"unknown type {type(value).__name__}")
