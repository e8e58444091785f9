"""The content format (shared contract, version 1) as pydantic models.

These models are the source of truth: `evidencelint schema` exports them as the JSON
Schema files under `schema/`, and a test fails when the two drift apart.
Type-specific requirements (a journal article needs a DOI, a web page a URL) are checked
here too, and are also written into the JSON Schema as if/then clauses so that editors
see them while typing.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from evidencelint.content.plugin_lookup import skip_plugin_lookup
from evidencelint.rule_names import rule_codes, rule_name, rule_names, unknown_rule_hint

_restore_plugin_lookup = skip_plugin_lookup()

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$"
URL_PATTERN = r"^https?://[^\s/$.?#][^\s]*$"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _iso_date(value: Any) -> Any:
    """Dates must be written YYYY-MM-DD; no timestamps, no numbers, no other orders."""
    if isinstance(value, dt.datetime):
        raise PydanticCustomError("iso_date", "must be a date without a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise PydanticCustomError(
                "iso_date", "'{value}' is not a real calendar date", {"value": value}
            ) from None
    raise PydanticCustomError("iso_date", "must be a date written YYYY-MM-DD")


def _rule_enum(schema: dict[str, Any]) -> None:
    schema["enum"] = [*rule_names(), *rule_codes()]


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
RefKey = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=False)]
Url = Annotated[str, StringConstraints(pattern=URL_PATTERN)]
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
NumberLike = Annotated[str, WithJsonSchema({"type": ["string", "number"]})]
"""Text that editors often write as a bare number (volume: 19); numbers are read as text."""


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in-review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Certainty(StrEnum):
    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very-low"


class ReferenceType(StrEnum):
    JOURNAL_ARTICLE = "journal-article"
    SYSTEMATIC_REVIEW = "systematic-review"
    GUIDELINE = "guideline"
    PREPRINT = "preprint"
    BOOK = "book"
    BOOK_CHAPTER = "book-chapter"
    REPORT = "report"
    WEB_PAGE = "web-page"
    DATASET = "dataset"


JOURNAL_TYPES = frozenset({ReferenceType.JOURNAL_ARTICLE, ReferenceType.SYSTEMATIC_REVIEW})


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        coerce_numbers_to_str=True,
        frozen=True,
        use_enum_values=False,
    )


class Suppression(_Strict):
    """A deliberate, explained suppression of one finding name on a claim."""

    rule: str = Field(
        description="the finding name (or its code, EL601) to suppress",
        json_schema_extra=_rule_enum,
    )
    reason: Text = Field(description="why the finding does not apply here")

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        name = rule_name(value)
        if name is None:
            raise PydanticCustomError(
                "unknown_rule",
                "'{value}' is not a finding name or code{hint}; `evidencelint rules` lists them",
                {"value": value, "hint": unknown_rule_hint(value)},
            )
        return name


class Claim(_Strict):
    id: Slug = Field(description="unique within the page")
    text: Text = Field(description="the statement as published; may carry inline citations")
    cites: list[RefKey] = Field(default_factory=list, description="citations not written inline")
    evidence: Certainty | None = Field(default=None, description="GRADE certainty of the evidence")
    last_reviewed: IsoDate | None = Field(
        default=None, description="overrides the page's date for this claim"
    )
    ignore: list[Suppression] = Field(default_factory=list)


_REQUIREMENTS_SCHEMA: list[JsonValue] = [
    {
        "if": {"properties": {"type": {"const": "web-page"}}},
        "then": {"required": ["url"]},
        "else": {"required": ["authors", "year"]},
    },
    {
        "if": {"properties": {"type": {"enum": ["journal-article", "systematic-review"]}}},
        "then": {
            "required": ["journal"],
            "anyOf": [{"required": ["doi"]}, {"required": ["no_doi"]}],
        },
    },
]


class Reference(_Strict):
    model_config = ConfigDict(json_schema_extra={"allOf": _REQUIREMENTS_SCHEMA})

    type: ReferenceType
    authors: list[Text] | None = Field(
        default=None,
        description="as cited ('Linde K', or an organisation); a last item 'et al.' marks a "
        "truncated list",
    )
    title: Text
    journal: Text | None = Field(default=None, description="NLM abbreviation or full title")
    year: int | None = Field(default=None, ge=1000, le=9999)
    volume: NumberLike | None = None
    issue: NumberLike | None = None
    pages: NumberLike | None = None
    doi: str | None = Field(
        default=None, description="bare, as a https://doi.org/ URL, or with a doi: prefix"
    )
    no_doi: Text | None = Field(default=None, description="why a journal reference has no DOI")
    pmid: NumberLike | None = None
    pmcid: NumberLike | None = None
    url: Url | None = None
    accessed: IsoDate | None = None
    label: Text | None = Field(default=None, description="explicit author-year label")

    @model_validator(mode="after")
    def _type_requirements(self) -> Reference:
        missing: list[str] = []
        if self.type is ReferenceType.WEB_PAGE:
            if self.url is None:
                missing.append("`url`")
        else:
            if not self.authors:
                missing.append("`authors`")
            if self.year is None:
                missing.append("`year`")
        if self.type in JOURNAL_TYPES:
            if self.journal is None:
                missing.append("`journal`")
            if self.doi is None and self.no_doi is None:
                missing.append("`doi` (or `no_doi` with the reason there is none)")
        if missing:
            raise PydanticCustomError(
                "type_requirements",
                "a {kind} reference needs {missing}",
                {"kind": self.type.value, "missing": " and ".join(missing)},
            )
        return self


class Page(_Strict):
    id: Slug = Field(description="unique across the content tree")
    title: Text
    url: Url | None = Field(default=None, description="where the page is published")
    publisher: Text | None = None
    status: Status = Field(description="how strict the gate is")
    published: IsoDate | None = Field(default=None, description="first publication")
    last_reviewed: IsoDate | None = Field(
        default=None,
        description="last full medical review; a copyright year or publication date is not one",
    )
    next_review: IsoDate | None = Field(
        default=None, description="explicit due date; otherwise last_reviewed + the policy interval"
    )
    reviewed_by: Text | list[Text] | None = None
    claims: list[Claim]
    references: dict[RefKey, Reference] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _published_has_claims(self) -> Page:
        if self.status is Status.PUBLISHED and not self.claims:
            raise PydanticCustomError(
                "published_without_claims", "a published page needs at least one claim"
            )
        return self


class Bibliography(_Strict):
    """A shared bibliography: references every page may cite."""

    id: Slug | None = None
    references: dict[RefKey, Reference]


_restore_plugin_lookup()
