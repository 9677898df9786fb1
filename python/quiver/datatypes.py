"""Data types, named as Polars names them (``qv.Int64``, ``qv.String``, ...)."""

from __future__ import annotations

__all__ = ["DataType", "parse_dtype"]


class DataType:
    """A column type. Compares equal to another of the same name (and to its name)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __eq__(self, other: object) -> bool:
        if isinstance(other, DataType):
            return self.name == other.name
        if isinstance(other, str):
            return self.name == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.name)

    def __repr__(self) -> str:
        return self.name

    def short_name(self) -> str:
        """The abbreviation shown in table headers (``i64``, ``str``, ...)."""
        n = self.name
        table = {
            "Boolean": "bool",
            "String": "str",
            "Date": "date",
            "Null": "null",
        }
        if n in table:
            return table[n]
        for prefix, short in (("Int", "i"), ("UInt", "u"), ("Float", "f")):
            if n.startswith(prefix) and n[len(prefix):].isdigit():
                return short + n[len(prefix):]
        if n.startswith("Datetime("):
            return "datetime[" + n[len("Datetime("):-1] + "]"
        if n.startswith("Decimal("):
            return "decimal[" + n[len("Decimal("):-1].replace(" ", "") + "]"
        if n.startswith("List("):
            return "list[" + parse_dtype(n[len("List("):-1]).short_name() + "]"
        return n.lower()


def parse_dtype(name: str) -> DataType:
    """The DataType for a name the engine reports."""
    return DataType(name)


Boolean = DataType("Boolean")
Int8 = DataType("Int8")
Int16 = DataType("Int16")
Int32 = DataType("Int32")
Int64 = DataType("Int64")
UInt8 = DataType("UInt8")
UInt16 = DataType("UInt16")
UInt32 = DataType("UInt32")
UInt64 = DataType("UInt64")
Float32 = DataType("Float32")
Float64 = DataType("Float64")
String = DataType("String")
Utf8 = String
Date = DataType("Date")
Datetime = DataType("Datetime")
Null = DataType("Null")
