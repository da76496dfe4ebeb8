"""Attribute values of simulated nodes: JSON in the world file, declared zigpy types on the air."""

from __future__ import annotations

from typing import Any, cast

import zigpy.types as t
import zigpy.zcl
from zigpy.zcl import foundation

from .dumps import JsonValue

# New dumps name ZCL types ("uint8", "string", "bool"); a few differ from zigpy's DataType names.
_ZCL_NAME_ALIASES = {"bool": "bool_"}


def _data_type_by_name(name: str) -> Any:
    name = _ZCL_NAME_ALIASES.get(name, name)
    if name in foundation.DataType.__members__:
        return foundation.DataType[name]
    # Old dumps give the zigpy python type name ("uint8_t", "CharacterString").
    python_type = getattr(t, name, None)
    if isinstance(python_type, type):
        data_type = foundation.DataType.from_python_type(python_type)
        if data_type is not foundation.DataType.unk:
            return data_type
    return None


def _data_type_for_value(value: JsonValue) -> Any:
    # Last resort for manufacturer attributes a dump does not type: the smallest fitting type.
    if isinstance(value, bool):
        return foundation.DataType.bool_
    if isinstance(value, int):
        if value < 0:
            return foundation.DataType.int16 if value >= -0x8000 else foundation.DataType.int32
        if value <= 0xFF:
            return foundation.DataType.uint8
        return foundation.DataType.uint16 if value <= 0xFFFF else foundation.DataType.uint32
    if isinstance(value, float):
        return foundation.DataType.single
    return foundation.DataType.string


def attribute_type(cluster_id: int, attr_id: int, type_name: str | None, value: JsonValue) -> Any:
    """The ZCL data type a real device would use for this attribute."""
    cluster_cls = zigpy.zcl.Cluster._registry.get(cluster_id)
    if cluster_cls is not None and attr_id in cluster_cls.attributes:
        return foundation.DataType.from_python_type(cluster_cls.attributes[attr_id].type)
    if type_name is not None and (found := _data_type_by_name(type_name)) is not None:
        return found
    return _data_type_for_value(value)


def type_value(data_type: Any, value: JsonValue) -> foundation.TypeValue:
    """Wrap a JSON value in its declared ZCL type."""
    python_type = data_type.python_type
    if value is None:
        value = "" if issubclass(python_type, str) else 0
    if issubclass(python_type, bytes) and isinstance(value, str):
        typed = python_type(value.encode())
    else:
        typed = python_type(value)
    return foundation.TypeValue(type=data_type.type_id, value=typed)


def to_json(value: Any) -> JsonValue:
    """A zigpy value (enum, bitmap, int subclass, string) as plain JSON."""
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    if isinstance(value, str):
        return str(value)
    return cast(JsonValue, value)
