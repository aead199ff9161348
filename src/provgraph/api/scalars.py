"""The schema's custom scalars: MetricValue (a number, or NaN/Infinity/-Infinity as strings) and Long (a
64-bit integer). api/schema.py gives SCALARS to StrawberryConfig(scalar_map=...); types annotate fields
with the NewTypes."""

from __future__ import annotations

from typing import Any, NewType

import strawberry

from ..domain.errors import BadInput
from ..domain.metrics import metric_value_out


def _parse_long(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not float(value).is_integer():
        raise BadInput(f"{value!r} is not an integer")
    if not -(2**63) <= int(value) < 2**63:
        raise BadInput(f"{value!r} does not fit in 64 bits")
    return int(value)


MetricValue = NewType("MetricValue", object)
Long = NewType("Long", int)

# The custom scalars, for the schema's StrawberryConfig(scalar_map=...) (api/schema.py).
SCALARS = {
    MetricValue: strawberry.scalar(
        name="MetricValue",
        description=(
            "A metric value: a JSON number, or one of the strings \"NaN\", \"Infinity\", \"-Infinity\" (JSON has no "
            "literal for them). Non-finite values are stored as such; NaN is skipped by min and max and never "
            "breaches an alert rule. Any other string is BAD_INPUT naming the value's place."
        ),
        serialize=metric_value_out,
        parse_value=lambda value: value,
    ),
    Long: strawberry.scalar(
        name="Long",
        description="A 64-bit integer (byte counts), as a JSON number.",
        serialize=int,
        parse_value=_parse_long,
    ),
}
