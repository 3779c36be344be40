"""The capability model: MIoT-style device specs and value validation, and the vocabulary every
other package speaks — ``standard`` (standard names -> type ids and shapes), ``builder`` (the one
spec builder), ``units``, ``color`` and ``wording`` (values and durations for people). Imports
nothing of ours."""

from homeweave.model.catalog import (
    catalog_model,
    catalog_names,
    catalog_spec,
    is_published,
    published_names,
    urn_model,
)
from homeweave.model.loader import load_spec, load_spec_file
from homeweave.model.spec import (
    Access,
    Action,
    Choice,
    DeviceSpec,
    Event,
    Format,
    Property,
    Service,
    Urn,
    Value,
    ValueRange,
)
from homeweave.model.values import allowed, check_access, coerce

__all__ = [
    "Access",
    "Action",
    "Choice",
    "DeviceSpec",
    "Event",
    "Format",
    "Property",
    "Service",
    "Urn",
    "Value",
    "ValueRange",
    "allowed",
    "catalog_model",
    "catalog_names",
    "catalog_spec",
    "check_access",
    "coerce",
    "is_published",
    "load_spec",
    "load_spec_file",
    "published_names",
    "urn_model",
]
